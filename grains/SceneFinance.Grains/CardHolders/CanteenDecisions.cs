using SceneFinance.Grains.Canteen;
using SceneFinance.Platform.Ledger;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Storage;

namespace SceneFinance.Grains.CardHolders;

/// <summary>Arrears (offline taps honoured beyond the purses) are paid off first from whatever comes in next. Pure.</summary>
public static class Arrears
{
    /// <summary>What comes in (<paramref name="into"/>: the purse and amount just credited) pays arrears first; null when there are none.</summary>
    public static ArrearsRecovered? Recover(CardHolder s, PursePart into, DateTimeOffset now)
    {
        var amount = Math.Min(s.Canteen.Arrears, into.Amount);
        return amount <= 0 ? null : new ArrearsRecovered(s.Id, amount, into with { Amount = amount }, now,
            Journal.Transfer(Spending.Account(s.Id, into), CanteenAccounts.Arrears(s.Id), amount));
    }
}

/// <summary>Whether a campaign prices this tap for this holder. Pure: the reservation is the campaign grain's, this is the holder's side.</summary>
public static class CampaignPricing
{
    /// <summary>The holder may be priced by the candidate: of its kinds or groups, under its daily cap, and the tap costs more than the price.</summary>
    public static bool Eligible(CardHolder s, Pay c) =>
        c.Canteen?.Campaign is { } campaign
        && (campaign.Kinds.Count == 0 && campaign.Groups.Count == 0
            || campaign.Kinds.Contains(s.Kind) || (s.Canteen.Group is { } g && campaign.Groups.Contains(g)))
        && s.Canteen.CampaignUsesOn(c.LocalDay, campaign.CampaignId) < campaign.PerHolderDailyCap
        && c.Amount > campaign.Price;

    /// <summary>The reserved discount this tap is priced with (0: none); never more than leaves the holder paying the price.</summary>
    public static long Discount(CardHolder s, Pay c) =>
        c.Canteen?.Discount is { } d && c.Canteen.Campaign is { } campaign && d.CampaignId == campaign.CampaignId && Eligible(s, c)
            ? Math.Clamp(d.Amount, 0, c.Amount - campaign.Price)
            : 0;
}

/// <summary>
/// An offline tap, judged by what the till knew when it took it. A tap the till was entitled to accept is honoured even if the
/// card was frozen or lost later or the balance runs short (the shortfall becomes arrears). A tap on a card already on the
/// till's list, or beyond an offline cap, is declined and recorded as an offline exception at the merchant's risk. Pure.
/// </summary>
public static class OfflineAcceptance
{
    public static IPaymentDecision Decide(CardHolder s, Pay c, OfflineTap offline)
    {
        if (Exception(s, c, offline) is { } refused) return Wallet.Declined(s, c, refused.Code, refused.Reason);
        var (parts, shortfall) = Spending.Split(s, c.Amount, c.Canteen?.MerchantCategory, c.Canteen?.Meal?.Period, c.OccurredAt);
        return Wallet.Approved(s, c, parts, 0, shortfall);
    }

    /// <summary>Why the tap is not charged (decline code and exception reason), or null when it is honoured.</summary>
    public static (string Code, string Reason)? Exception(CardHolder s, Pay c, OfflineTap offline)
    {
        if (!c.TenantActive) return (ErrorCodes.TenantSuspended, OfflineExceptionReasons.TenantSuspended);
        if (!c.TerminalActive) return (ErrorCodes.TerminalDisabled, OfflineExceptionReasons.TerminalDisabled);
        if (offline.ListedReason is { } listed) return (DeclineCodeOf(listed), OfflineExceptionReasons.ListedCard);
        var holderCap = s.Canteen.OfflineCap ?? offline.HolderCap;
        if (holderCap > 0 && offline.TillHolderDayTotal + c.Amount > holderCap) return (ErrorCodes.LimitExceeded, OfflineExceptionReasons.OverHolderCap);
        if (offline.TillCap > 0 && offline.TillDayTotal + c.Amount > offline.TillCap) return (ErrorCodes.LimitExceeded, OfflineExceptionReasons.OverTillCap);
        return null;
    }

    /// <summary>The contract's decline code for a card refused because it was on the list.</summary>
    public static string DeclineCodeOf(string listedReason) => listedReason switch
    {
        OfflineListReasons.Frozen => ErrorCodes.CardFrozen,
        OfflineListReasons.Blacklisted => ErrorCodes.RiskRejected,
        _ => ErrorCodes.CardLost,
    };
}

/// <summary>Subsidy program purses: credited once per period, returned to the funder once at the end. Pure.</summary>
public static class Subsidies
{
    public static Decided Grant(CardHolder s, GrantSubsidy c)
    {
        if (s.Status == CardStatus.Closed) return Decided.Nothing; // a leaver: no more subsidy (the run counts it unchanged)
        if (s.Canteen.Grants.Contains(CanteenWallet.GrantKey(c.ProgramId, c.PeriodKey))) return Decided.Nothing;
        var purseKey = c.ResetAtEnd ? CanteenWallet.GrantKey(c.ProgramId, c.PeriodKey) : c.ProgramId;
        var granted = new SubsidyGranted(s.Id, c.ProgramId, c.PeriodKey, purseKey, c.Amount, c.ExpiresAt, c.ResetAtEnd, c.Categories, c.MealPeriods, c.Now,
            Journal.Transfer(CanteenAccounts.Funder(c.ProgramId), CanteenAccounts.ProgramPurse(s.Id, c.ProgramId), c.Amount));
        return Decided.To(granted, Arrears.Recover(s, new PursePart(PursePart.Program, c.Amount, c.ProgramId, purseKey), c.Now));
    }

    /// <summary>The program's purse of the period (all its purses without a period) goes back to the funder; nothing when there is none.</summary>
    public static Decided End(CardHolder s, EndSubsidy c) => Decided.To([.. Returned(s, s.Canteen.Purses.Values
        .Where(p => p.ProgramId == c.ProgramId && (c.PeriodKey is null || p.Key == CanteenWallet.GrantKey(c.ProgramId, c.PeriodKey))), c.Now)]);

    /// <summary>Each purse's balance back to its program's funder; the purses are gone after.</summary>
    public static IEnumerable<SubsidyReturned> Returned(CardHolder s, IEnumerable<SubsidyPurse> purses, DateTimeOffset now) => purses
        .Select(p => new SubsidyReturned(s.Id, p.ProgramId, p.PeriodKey, p.Key, p.Balance, now, p.Balance > 0
            ? Journal.Transfer(CanteenAccounts.ProgramPurse(s.Id, p.ProgramId), CanteenAccounts.Funder(p.ProgramId), p.Balance)
            : []));

    public static SubsidyMovement Movement(Decided d) => new(
        d.Events.Count > 0,
        d.Events.OfType<SubsidyGranted>().Sum(e => e.Amount) + d.Events.OfType<SubsidyReturned>().Sum(e => e.Amount),
        d.Events.OfType<ArrearsRecovered>().Sum(e => e.Amount));
}

/// <summary>The holder's own limits: the daily limit (audited: who and why) and the canteen profile. Pure.</summary>
public static class HolderLimits
{
    public static Decided ChangeDaily(CardHolder s, ChangeDailyLimit c) =>
        s.DailyLimit == c.DailyLimit ? Decided.Nothing : Decided.To(new DailyLimitChanged(s.Id, s.DailyLimit, c.DailyLimit, c.Reason, c.By, c.Now));

    public static Decided SetProfile(CardHolder s, SetCanteenProfile c) =>
        (s.Canteen.Group, s.Canteen.PerMealAmount, s.Canteen.PerMealTaps, s.Canteen.OfflineCap) == (c.Group, c.PerMealAmount, c.PerMealTaps, c.OfflineCap)
            ? Decided.Nothing
            : Decided.To(new CanteenProfileSet(s.Id, c.Group, c.PerMealAmount, c.PerMealTaps, c.OfflineCap, c.By, c.Now));
}
