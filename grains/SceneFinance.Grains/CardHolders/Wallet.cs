using SceneFinance.Platform.Ledger;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Storage;

namespace SceneFinance.Grains.CardHolders;

public sealed record TopUp(string TopUpId, long Amount, string Purse, string Channel, bool TenantActive, DateTimeOffset Now, string? By = null);

/// <summary>The wallet's decisions: pure functions from state and command to events, or a refusal.</summary>
public static class Wallet
{
    /// <summary>
    /// Approves, or declines with the first reason that applies. Subsidy is spent before cash (<see cref="Spending.Split"/>);
    /// a campaign's reserved discount pays part of the price (<see cref="CampaignPricing"/>); an offline tap is judged by what
    /// the till knew (<see cref="OfflineAcceptance"/>).
    /// </summary>
    public static IPaymentDecision Decide(CardHolder state, Pay c)
    {
        if (c.Canteen?.Offline is { } offline) return OfflineAcceptance.Decide(state, c, offline);
        var discount = CampaignPricing.Discount(state, c);
        var holderPays = c.Amount - discount;
        var reason = DeclineReason(state, c, holderPays);
        if (reason is not null) return Declined(state, c, reason);
        var (parts, shortfall) = Spending.Split(state, holderPays, c.Canteen?.MerchantCategory, c.Canteen?.Meal?.Period, c.OccurredAt);
        return shortfall > 0 ? Declined(state, c, ErrorCodes.InsufficientFunds) : Approved(state, c, parts, discount, 0);
    }

    public static PaymentDeclined Declined(CardHolder state, Pay c, string code, string? offlineException = null) =>
        new(state.Id, c.PaymentId, c.TerminalId, c.Amount, code, state.Total, c.OccurredAt, c.Now, c.MerchantId, offlineException);

    /// <summary>The approval: the parts the purses paid, the campaign's discount and an offline shortfall make up the price.</summary>
    public static PaymentApproved Approved(CardHolder state, Pay c, IReadOnlyList<PursePart> parts, long discount, long shortfall)
    {
        var fromCash = parts.Where(p => p.Purse == PursePart.Cash).Sum(p => p.Amount);
        var fromPurses = parts.Sum(p => p.Amount);
        var campaignId = discount > 0 ? c.Canteen?.Discount?.CampaignId : null;
        return new PaymentApproved(state.Id, c.PaymentId, c.TerminalId, c.Amount, fromPurses - fromCash, fromCash,
            state.Total - fromPurses, c.LocalDay, c.OccurredAt, c.Now,
            Spending.Postings(state.Id, parts, discount, campaignId, shortfall, c.MerchantId, c.Amount), c.MerchantId,
            parts, c.Canteen?.Meal, campaignId, discount, shortfall, c.Canteen?.Offline is not null);
    }

    static string? DeclineReason(CardHolder s, Pay c, long holderPays)
    {
        if (!c.TenantActive) return ErrorCodes.TenantSuspended;
        if (!c.TerminalActive) return ErrorCodes.TerminalDisabled;
        if (s.Status == CardStatus.Lost || !string.Equals(s.CardNumber, c.CardNumber, StringComparison.Ordinal)) return ErrorCodes.CardLost;
        // A closed holder (a leaver) is refused with the contract's card_frozen: tills know it, and no new code reaches terminals.
        if (s.Status is CardStatus.Frozen or CardStatus.Closed) return ErrorCodes.CardFrozen;
        if (c.SinglePaymentCap > 0 && c.Amount > c.SinglePaymentCap) return ErrorCodes.RiskRejected;
        if (EffectiveLimits.Of(s, c.Canteen?.Limits ?? []).Exceeded(s, c.LocalDay, c.Canteen?.Meal, holderPays)) return ErrorCodes.LimitExceeded;
        return null;
    }

    public static Decided Decide(CardHolder state, TopUp c)
    {
        if (!c.TenantActive) return Refusal.Suspended();
        if (state.Status == CardStatus.Closed) return HolderClosed;
        var (cash, subsidy) = c.Purse == "subsidy" ? (state.Cash, state.Subsidy + c.Amount) : (state.Cash + c.Amount, state.Subsidy);
        // Money came in through the channel's clearing account and is now owed to the holder; it pays off arrears first.
        return Decided.To(new CardToppedUp(state.Id, c.TopUpId, c.Amount, c.Purse, c.Channel, cash, subsidy, c.Now,
                Journal.Transfer(Accounts.Clearing(c.Channel), Accounts.Purse(state.Id, c.Purse), c.Amount), c.By),
            Arrears.Recover(state, new PursePart(c.Purse, c.Amount), c.Now));
    }

    /// <summary>Money a channel confirmed goes from the gateway's unapplied account to the cash purse (any card status: it is the holder's money).</summary>
    public static Decided Credit(CardHolder s, GatewayCredit c) => Decided.To(new CardToppedUp(s.Id, c.IntentId, c.Amount, "cash", c.Channel, s.Cash + c.Amount, s.Subsidy, c.Now,
            Journal.Transfer(Accounts.GatewayUnapplied(c.Channel), Accounts.Purse(s.Id, "cash"), c.Amount)),
        Arrears.Recover(s, new PursePart(PursePart.Cash, c.Amount), c.Now));

    /// <summary>A refund goes back to the channel the money came from, so it comes out of the cash purse; never below zero.</summary>
    public static Decided Debit(CardHolder s, GatewayRefund c) =>
        c.Amount > s.Cash
            ? Refusal.Conflict("The cash purse holds less than the refund.", ErrorCodes.InsufficientFunds)
            : Decided.To(new CardRefundDebited(s.Id, c.RefundId, c.IntentId, c.Amount, c.Channel, s.Cash - c.Amount, s.Subsidy, c.Now,
                Journal.Transfer(Accounts.Purse(s.Id, "cash"), Accounts.RefundsPending(c.Channel), c.Amount)));

    public static Decided Release(CardHolder s, GatewayRefund c) => Decided.To(
        new CardRefundReleased(s.Id, c.RefundId, c.IntentId, c.Amount, c.Channel, s.Cash + c.Amount, s.Subsidy, c.Now,
            Journal.Transfer(Accounts.RefundsPending(c.Channel), Accounts.Purse(s.Id, "cash"), c.Amount)));

    // Status changes decide nothing when the card is already in the asked-for state: nothing to record.

    static readonly Refusal LostCard = Refusal.Conflict("The card is reported lost: replace it instead.");

    /// <summary>A closed holder takes no more money and no card changes: only its refund.</summary>
    public static readonly Refusal HolderClosed = Refusal.Conflict("The card holder is closed (left); only the refund of the balance remains.");

    public static Decided Freeze(CardHolder s, DateTimeOffset now) => s.Status switch
    {
        CardStatus.Closed => HolderClosed,
        CardStatus.Lost => LostCard,
        CardStatus.Frozen => Decided.Nothing,
        _ => Decided.To(new CardFrozen(s.Id, now)),
    };

    public static Decided Unfreeze(CardHolder s, DateTimeOffset now) => s.Status switch
    {
        CardStatus.Closed => HolderClosed,
        CardStatus.Lost => LostCard,
        CardStatus.Active => Decided.Nothing,
        _ => Decided.To(new CardUnfrozen(s.Id, now)),
    };

    public static Decided ReportLost(CardHolder s, DateTimeOffset now) =>
        s.Status == CardStatus.Closed ? HolderClosed : s.Status == CardStatus.Lost ? Decided.Nothing : Decided.To(new CardReportedLost(s.Id, now));

    public static Decided Replace(CardHolder s, string newCardNumber, DateTimeOffset now) =>
        s.Status == CardStatus.Closed ? HolderClosed
        : newCardNumber == s.CardNumber
            ? Refusal.Conflict("The new card number is the holder's current card.")
            : Decided.To(new CardReplaced(s.Id, s.CardNumber, newCardNumber, now));

    /// <summary>A roster's new name or class for the holder; the same again records nothing (a re-import, a resumed import).</summary>
    public static Decided Rename(CardHolder s, RenameCardHolder c) =>
        s.Name == c.Name && s.Class == c.Class ? Decided.Nothing : Decided.To(new CardHolderRenamed(s.Id, c.Name, c.Class, c.Now));

    /// <summary>
    /// Closes the holder once (a leaver); closed already: nothing to record. In the same commit, what is left in each subsidy
    /// program's purse goes back to that program's funder: a leaver spends no more subsidy, and the funder's money must not stay
    /// on a closed card. Cash, and the general subsidy purse (topped up through a channel like cash), stay for the refund.
    /// </summary>
    public static Decided Close(CardHolder s, CloseCardHolder c) =>
        s.Status == CardStatus.Closed ? Decided.Nothing
            : Decided.To([new CardHolderClosed(s.Id, c.Reason, c.Now), .. Subsidies.Returned(s, s.Canteen.Purses.Values, c.Now)]);

    /// <summary>
    /// A leaver's cash handed back at the counter: only a closed holder's, never more than the cash purse holds. The money leaves
    /// the purse through the counter's till, the reverse of a counter top-up.
    /// </summary>
    public static Decided PayOut(CardHolder s, PayOutCash c)
    {
        if (s.Status != CardStatus.Closed) return Refusal.Conflict("Only a closed (left) card holder's balance is paid out.");
        if (c.Amount <= 0 || c.Amount > s.Cash)
            return Refusal.Conflict($"The cash purse holds {s.Cash} fen; the payout asks {c.Amount}.", ErrorCodes.InsufficientFunds);
        return Decided.To(new CardCashPaidOut(s.Id, c.PayoutId, c.Amount, c.Reason, c.PaidBy, s.Cash - c.Amount, s.Subsidy, c.Now,
            Journal.Transfer(Accounts.Purse(s.Id, PursePart.Cash), Accounts.Clearing("counter"), c.Amount)));
    }
}
