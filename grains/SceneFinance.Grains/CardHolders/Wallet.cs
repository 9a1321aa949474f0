using SceneFinance.Platform.Ledger;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Storage;

namespace SceneFinance.Grains.CardHolders;

public sealed record TopUp(string TopUpId, long Amount, string Purse, string Channel, bool TenantActive, DateTimeOffset Now, string? By = null);

/// <summary>The wallet's decisions: pure functions from state and command to events, or a refusal.</summary>
public static class Wallet
{
    /// <summary>Approves, or declines with the first reason that applies. Subsidy is spent before cash.</summary>
    public static IPaymentDecision Decide(CardHolder state, Pay c)
    {
        var reason = DeclineReason(state, c);
        if (reason is not null)
            return new PaymentDeclined(state.Id, c.PaymentId, c.TerminalId, c.Amount, reason, state.Total, c.OccurredAt, c.Now);

        var fromSubsidy = Math.Min(state.Subsidy, c.Amount);
        var fromCash = c.Amount - fromSubsidy;
        // The holder's purses (liabilities) go down; the bank now owes the merchant behind the till.
        var postings = Journal.Balanced([
            new Posting(Accounts.Purse(state.Id, "subsidy"), fromSubsidy, 0),
            new Posting(Accounts.Purse(state.Id, "cash"), fromCash, 0),
            new Posting(Accounts.MerchantReceivable(c.MerchantId), 0, c.Amount),
        ]);
        return new PaymentApproved(state.Id, c.PaymentId, c.TerminalId, c.Amount, fromSubsidy, fromCash,
            state.Total - c.Amount, c.LocalDay, c.OccurredAt, c.Now, postings, c.MerchantId);
    }

    static string? DeclineReason(CardHolder s, Pay c)
    {
        if (!c.TenantActive) return ErrorCodes.TenantSuspended;
        if (!c.TerminalActive) return ErrorCodes.TerminalDisabled;
        if (s.Status == CardStatus.Lost || !string.Equals(s.CardNumber, c.CardNumber, StringComparison.Ordinal)) return ErrorCodes.CardLost;
        if (s.Status == CardStatus.Frozen) return ErrorCodes.CardFrozen;
        if (c.SinglePaymentCap > 0 && c.Amount > c.SinglePaymentCap) return ErrorCodes.RiskRejected;
        if (s.DailyLimit is { } limit && s.SpentOn(c.LocalDay) + c.Amount > limit) return ErrorCodes.LimitExceeded;
        if (c.Amount > s.Total) return ErrorCodes.InsufficientFunds;
        return null;
    }

    public static Decided Decide(CardHolder state, TopUp c)
    {
        if (!c.TenantActive) return Refusal.Suspended();
        var (cash, subsidy) = c.Purse == "subsidy" ? (state.Cash, state.Subsidy + c.Amount) : (state.Cash + c.Amount, state.Subsidy);
        // Money came in through the channel's clearing account and is now owed to the holder.
        return Decided.To(new CardToppedUp(state.Id, c.TopUpId, c.Amount, c.Purse, c.Channel, cash, subsidy, c.Now,
            Journal.Transfer(Accounts.Clearing(c.Channel), Accounts.Purse(state.Id, c.Purse), c.Amount), c.By));
    }

    /// <summary>Money a channel confirmed goes from the gateway's unapplied account to the cash purse (any card status: it is the holder's money).</summary>
    public static Decided Credit(CardHolder s, GatewayCredit c) => Decided.To(new CardToppedUp(s.Id, c.IntentId, c.Amount, "cash", c.Channel, s.Cash + c.Amount, s.Subsidy, c.Now,
            Journal.Transfer(Accounts.GatewayUnapplied(c.Channel), Accounts.Purse(s.Id, "cash"), c.Amount)));

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

    public static Decided Freeze(CardHolder s, DateTimeOffset now) => s.Status switch
    {
        CardStatus.Lost => LostCard,
        CardStatus.Frozen => Decided.Nothing,
        _ => Decided.To(new CardFrozen(s.Id, now)),
    };

    public static Decided Unfreeze(CardHolder s, DateTimeOffset now) => s.Status switch
    {
        CardStatus.Lost => LostCard,
        CardStatus.Active => Decided.Nothing,
        _ => Decided.To(new CardUnfrozen(s.Id, now)),
    };

    public static Decided ReportLost(CardHolder s, DateTimeOffset now) =>
        s.Status == CardStatus.Lost ? Decided.Nothing : Decided.To(new CardReportedLost(s.Id, now));

    public static Decided Replace(CardHolder s, string newCardNumber, DateTimeOffset now) =>
        newCardNumber == s.CardNumber
            ? Refusal.Conflict("The new card number is the holder's current card.")
            : Decided.To(new CardReplaced(s.Id, s.CardNumber, newCardNumber, now));
}
