using SceneFinance.Platform.Ledger;

namespace SceneFinance.Payments.Intents;

// A payment intent's stream: what was asked of which channel, what the channel said, what was done with the
// money. Past tense, the intent id first, fen, and when. The two money moments carry their journal entries.

/// <summary>What an intent pays for: <see cref="Kind"/> names the fulfilment (e.g. <c>card-topup</c>), <see cref="TargetId"/> its subject.</summary>
[GenerateSerializer, Immutable]
public sealed record IntentPurpose([property: Id(0)] string Kind, [property: Id(1)] string TargetId, [property: Id(2)] string? Detail = null);

public sealed record PaymentIntentCreated(
    string IntentId, string Channel, string OrderNo, long Amount, string Description, IntentPurpose Purpose,
    string TicketId, string RequestHash, string RequestedBy, string ClientSecret, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    bool Live = false, string? AgreementNo = null);

/// <summary>The channel took the order: the payer can pay at <see cref="PayUrl"/> (the channel's QR content).</summary>
public sealed record PaymentIntentSubmitted(string IntentId, string PayUrl, DateTimeOffset SubmittedAt);

/// <summary>The payer is paying, or the channel's answer was lost: the outcome is not known yet.</summary>
public sealed record PaymentIntentProcessing(string IntentId, string Reason, DateTimeOffset At);

/// <summary>The channel confirmed the money: it owes us the amount (clearing) until it settles, and it is not yet applied.</summary>
public sealed record PaymentIntentSucceeded(
    string IntentId, long Amount, string? TransactionId, DateTimeOffset SucceededAt, IReadOnlyList<Posting> Postings) : IJournalled;

public sealed record PaymentIntentFailed(string IntentId, string FailureCode, DateTimeOffset FailedAt);

public sealed record PaymentIntentCanceled(string IntentId, string Reason, DateTimeOffset CanceledAt);

/// <summary>The money was applied to the purpose (the purse credited): the applying stream holds that journal entry.</summary>
public sealed record PaymentIntentFulfilled(string IntentId, DateTimeOffset FulfilledAt);

/// <summary>A refund reserved against what was captured; nothing has moved yet.</summary>
public sealed record IntentRefundRequested(
    string IntentId, string RefundId, string RefundNo, long Amount, string Reason, string TicketId, string RequestHash,
    string RequestedBy, DateTimeOffset RequestedAt);

/// <summary>The refund could not be funded (the purse no longer holds the money): nothing moved, the reservation is released.</summary>
public sealed record IntentRefundRejected(string IntentId, string RefundId, string Code, DateTimeOffset RejectedAt);

/// <summary>The channel paid the refund out: what we held for it leaves through the channel's clearing account.</summary>
public sealed record IntentRefundSucceeded(
    string IntentId, string RefundId, long Amount, string? TransactionId, DateTimeOffset SucceededAt, IReadOnlyList<Posting> Postings) : IJournalled;

/// <summary>The channel could not pay the refund out; the money goes back where it was taken from (<see cref="IntentRefundReleased"/>).</summary>
public sealed record IntentRefundFailed(string IntentId, string RefundId, string FailureCode, DateTimeOffset FailedAt);

public sealed record IntentRefundReleased(string IntentId, string RefundId, DateTimeOffset ReleasedAt);
