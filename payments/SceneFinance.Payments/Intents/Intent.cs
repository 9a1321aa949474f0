using System.Collections.Immutable;
using SceneFinance.Payments.Gateway;
using SceneFinance.Platform.Ledger;
using SceneFinance.Platform.Storage;

namespace SceneFinance.Payments.Intents;

public sealed record IntentRefund(
    string RefundId, string RefundNo, long Amount, string Reason, string Status, bool Released, string? FailureCode,
    string TicketId, string RequestHash, DateTimeOffset RequestedAt)
{
    /// <summary>Counts against what may still be refunded: anything but a rejected or failed-and-released refund.</summary>
    public bool Holds => Status is RefundStatus.Pending or RefundStatus.Succeeded || (Status == RefundStatus.Failed && !Released);
}

/// <summary>A payment intent as its events made it. Immutable; evolved one event at a time.</summary>
public sealed record Intent(
    string Id, string Channel, string OrderNo, long Amount, string Description, IntentPurpose Purpose,
    string TicketId, string RequestHash, string ClientSecret, string Status, string? PayUrl, string? TransactionId, string? FailureCode,
    bool Fulfilled, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset UpdatedAt, ImmutableList<IntentRefund> Refunds,
    DateTimeOffset? SucceededAt = null, bool Live = false, string? AgreementNo = null)
{
    public long Captured => Status == IntentStatus.Succeeded ? Amount : 0;
    public long Refunded => Refunds.Where(r => r.Status == RefundStatus.Succeeded).Sum(r => r.Amount);
    public long Refundable => Captured - Refunds.Where(r => r.Holds).Sum(r => r.Amount);

    /// <summary>Something is still owed to or by someone: the janitor looks after such intents.</summary>
    public bool NeedsAttention =>
        !IntentStatus.IsFinal(Status) || (Status == IntentStatus.Succeeded && !Fulfilled)
        || Refunds.Any(r => r.Status == RefundStatus.Pending || (r.Status == RefundStatus.Failed && !r.Released));

    public IntentRefund? Refund(string refundId) => Refunds.FirstOrDefault(r => r.RefundId == refundId);

    public static Intent? Fold(Intent? s, object e) => (s, e) switch
    {
        (null, PaymentIntentCreated c) => new Intent(c.IntentId, c.Channel, c.OrderNo, c.Amount, c.Description, c.Purpose, c.TicketId, c.RequestHash,
            c.ClientSecret, IntentStatus.RequiresPayment, null, null, null, false, c.CreatedAt, c.ExpiresAt, c.CreatedAt, [], Live: c.Live, AgreementNo: c.AgreementNo),
        (null, _) => null,
        ({ } i, PaymentIntentSubmitted x) => i with { PayUrl = x.PayUrl, UpdatedAt = x.SubmittedAt },
        ({ } i, PaymentIntentProcessing x) => i with { Status = IntentStatus.Processing, UpdatedAt = x.At },
        ({ } i, PaymentIntentSucceeded x) => i with { Status = IntentStatus.Succeeded, TransactionId = x.TransactionId, FailureCode = null, UpdatedAt = x.SucceededAt, SucceededAt = x.SucceededAt },
        ({ } i, PaymentIntentFailed x) => i with { Status = IntentStatus.Failed, FailureCode = x.FailureCode, UpdatedAt = x.FailedAt },
        ({ } i, PaymentIntentCanceled x) => i with { Status = IntentStatus.Canceled, FailureCode = x.Reason, UpdatedAt = x.CanceledAt },
        ({ } i, PaymentIntentFulfilled x) => i with { Fulfilled = true, UpdatedAt = x.FulfilledAt },
        ({ } i, IntentRefundRequested x) => i with
        {
            Refunds = i.Refunds.Add(new IntentRefund(x.RefundId, x.RefundNo, x.Amount, x.Reason, RefundStatus.Pending, false, null, x.TicketId, x.RequestHash, x.RequestedAt)),
            UpdatedAt = x.RequestedAt,
        },
        ({ } i, IntentRefundRejected x) => i.WithRefund(x.RefundId, r => r with { Status = RefundStatus.Rejected, FailureCode = x.Code }, x.RejectedAt),
        ({ } i, IntentRefundSucceeded x) => i.WithRefund(x.RefundId, r => r with { Status = RefundStatus.Succeeded }, x.SucceededAt),
        ({ } i, IntentRefundFailed x) => i.WithRefund(x.RefundId, r => r with { Status = RefundStatus.Failed, FailureCode = x.FailureCode }, x.FailedAt),
        ({ } i, IntentRefundReleased x) => i.WithRefund(x.RefundId, r => r with { Released = true }, x.ReleasedAt),
        ({ } i, _) => i,
    };

    Intent WithRefund(string refundId, Func<IntentRefund, IntentRefund> change, DateTimeOffset at) =>
        this with { Refunds = Refunds.Select(r => r.RefundId == refundId ? change(r) : r).ToImmutableList(), UpdatedAt = at };
}

/// <summary>The intent's decisions: pure functions from state and what the channel said to the event to record (or none).</summary>
public static class IntentDecisions
{
    /// <summary>
    /// The channel's word on the payment. It is the truth about the money: statuses only move forward, a late
    /// "succeeded" after we gave up still records the money (it arrived, it must not be lost), and stale or
    /// out-of-order news (a "paying" after the outcome) changes nothing.
    /// </summary>
    public static Decided OnPayment(Intent s, string status, long amount, string? transactionId, string? failureCode, DateTimeOffset now)
    {
        if (status == IntentStatus.Succeeded)
        {
            if (s.Status == IntentStatus.Succeeded) return Decided.Nothing;
            // Not a refusal to anyone: a channel that disagrees about the amount is a fault, left for review (the notification
            // is not acknowledged, so the channel says it again) and nothing is credited.
            if (amount != s.Amount)
                throw new InvalidOperationException($"Intent {s.Id}: the channel reports {amount} fen paid for an order of {s.Amount}; left for review, nothing credited.");
            return Decided.To(new PaymentIntentSucceeded(s.Id, amount, transactionId, now,
                Journal.Transfer(Accounts.Clearing(s.Channel), Accounts.GatewayUnapplied(s.Channel), amount)));
        }
        if (IntentStatus.IsFinal(s.Status)) return Decided.Nothing;
        return Decided.To(status switch
        {
            IntentStatus.Processing when s.Status == IntentStatus.RequiresPayment => new PaymentIntentProcessing(s.Id, "payer_paying", now),
            IntentStatus.Failed => new PaymentIntentFailed(s.Id, failureCode ?? "payment_failed", now),
            IntentStatus.Canceled => new PaymentIntentCanceled(s.Id, failureCode ?? "closed", now),
            _ => null,
        });
    }

    /// <summary>Reserves a refund against what was captured and not yet refunded (or held for a refund).</summary>
    public static Decided RequestRefund(Intent s, string refundId, string refundNo, long amount, string reason,
        string ticketId, string requestHash, string requestedBy, DateTimeOffset now, long? approvalThreshold = null)
    {
        if (s.Status != IntentStatus.Succeeded)
            return Refusal.Conflict($"Only a succeeded payment can be refunded; this one is {s.Status}.");
        if (amount > s.Refundable)
            return new Refusal(RefusalKind.Conflict, RefundExceedsCaptured,
                $"At most {s.Refundable} fen of this payment can still be refunded.", new() { ["amount"] = [$"at most {s.Refundable}"] });
        // Counted with every refund of this payment that holds money, so splitting a large refund into small ones changes nothing.
        var cumulative = s.Refunds.Where(r => r.Holds).Sum(r => r.Amount) + amount;
        if (approvalThreshold is > 0 and var threshold && cumulative > threshold)
            return Refusal.Conflict($"Refunds of this payment would come to {cumulative} fen, above {threshold}: a second person must approve this refund.",
                ApprovalRequired);
        return Decided.To(new IntentRefundRequested(s.Id, refundId, refundNo, amount, reason, ticketId, requestHash, requestedBy, now));
    }

    public const string RefundExceedsCaptured = "refund_exceeds_captured";
    public const string ApprovalRequired = "approval_required";

    /// <summary>The channel's word on a refund: only a pending refund moves.</summary>
    public static Decided OnRefund(Intent s, string refundId, string status, string? transactionId, string? failureCode, DateTimeOffset now)
    {
        var refund = s.Refund(refundId);
        if (refund is null || refund.Status != RefundStatus.Pending) return Decided.Nothing;
        return Decided.To(status switch
        {
            RefundStatus.Succeeded => new IntentRefundSucceeded(s.Id, refundId, refund.Amount, transactionId, now,
                Journal.Transfer(Accounts.RefundsPending(s.Channel), Accounts.Clearing(s.Channel), refund.Amount)),
            RefundStatus.Failed => new IntentRefundFailed(s.Id, refundId, failureCode ?? "refund_failed", now),
            _ => null,
        });
    }
}
