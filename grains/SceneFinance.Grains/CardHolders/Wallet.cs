using SceneFinance.Payments.Ledger;
using SceneFinance.Platform.Problems;

namespace SceneFinance.Grains.CardHolders;

/// <summary>A card payment as the wallet decides it: the terminal's and tenant's say included, time passed in.</summary>
public sealed record Pay(
    string PaymentId, string TerminalId, string CardNumber, long Amount, DateTimeOffset OccurredAt, DateOnly LocalDay,
    bool TenantActive, bool TerminalActive, long SinglePaymentCap, DateTimeOffset Now);

public sealed record TopUp(string TopUpId, long Amount, string Purse, string Channel, DateTimeOffset Now);

/// <summary>The wallet's decisions: pure functions from state and command to events.</summary>
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
            new Posting(Accounts.MerchantReceivable(c.TerminalId), 0, c.Amount),
        ]);
        return new PaymentApproved(state.Id, c.PaymentId, c.TerminalId, c.Amount, fromSubsidy, fromCash,
            state.Total - c.Amount, c.LocalDay, c.OccurredAt, c.Now, postings);
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

    public static CardToppedUp Decide(CardHolder state, TopUp c)
    {
        var (cash, subsidy) = c.Purse == "subsidy" ? (state.Cash, state.Subsidy + c.Amount) : (state.Cash + c.Amount, state.Subsidy);
        // Money came in through the channel's clearing account and is now owed to the holder.
        return new CardToppedUp(state.Id, c.TopUpId, c.Amount, c.Purse, c.Channel, cash, subsidy, c.Now,
            Journal.Transfer(Accounts.Clearing(c.Channel), Accounts.Purse(state.Id, c.Purse), c.Amount));
    }

    /// <summary>Money a channel confirmed goes from the gateway's unapplied account to the cash purse (any card status: it is the holder's money).</summary>
    public static CardToppedUp Credit(CardHolder s, GatewayCredit c) =>
        new(s.Id, c.IntentId, c.Amount, "cash", c.Channel, s.Cash + c.Amount, s.Subsidy, c.Now,
            Journal.Transfer(Accounts.GatewayUnapplied(c.Channel), Accounts.Purse(s.Id, "cash"), c.Amount));

    /// <summary>A refund goes back to the channel the money came from, so it comes out of the cash purse; never below zero.</summary>
    public static (CardRefundDebited? Debited, string? Declined) Debit(CardHolder s, GatewayRefund c) =>
        c.Amount > s.Cash
            ? (null, ErrorCodes.InsufficientFunds)
            : (new CardRefundDebited(s.Id, c.RefundId, c.IntentId, c.Amount, c.Channel, s.Cash - c.Amount, s.Subsidy, c.Now,
                Journal.Transfer(Accounts.Purse(s.Id, "cash"), Accounts.RefundsPending(c.Channel), c.Amount)), null);

    public static CardRefundReleased Release(CardHolder s, GatewayRefund c) =>
        new(s.Id, c.RefundId, c.IntentId, c.Amount, c.Channel, s.Cash + c.Amount, s.Subsidy, c.Now,
            Journal.Transfer(Accounts.RefundsPending(c.Channel), Accounts.Purse(s.Id, "cash"), c.Amount));

    // Status changes return null when the card is already in the asked-for state: nothing to record.

    public static CardFrozen? Freeze(CardHolder s, DateTimeOffset now) => s.Status switch
    {
        CardStatus.Lost => throw ProblemException.Conflict("The card is reported lost: replace it instead."),
        CardStatus.Frozen => null,
        _ => new CardFrozen(s.Id, now),
    };

    public static CardUnfrozen? Unfreeze(CardHolder s, DateTimeOffset now) => s.Status switch
    {
        CardStatus.Lost => throw ProblemException.Conflict("The card is reported lost: replace it instead."),
        CardStatus.Active => null,
        _ => new CardUnfrozen(s.Id, now),
    };

    public static CardReportedLost? ReportLost(CardHolder s, DateTimeOffset now) =>
        s.Status == CardStatus.Lost ? null : new CardReportedLost(s.Id, now);

    public static CardReplaced Replace(CardHolder s, string newCardNumber, DateTimeOffset now) =>
        newCardNumber == s.CardNumber
            ? throw ProblemException.Conflict("The new card number is the holder's current card.")
            : new CardReplaced(s.Id, s.CardNumber, newCardNumber, now);
}
