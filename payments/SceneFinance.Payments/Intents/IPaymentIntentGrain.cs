using SceneFinance.Payments.Gateway;
using SceneFinance.Platform.Idempotency;

namespace SceneFinance.Payments.Intents;

[GenerateSerializer, Immutable]
public sealed record CreateIntent(
    [property: Id(0)] string Channel,
    [property: Id(1)] long Amount,
    [property: Id(2)] string Description,
    [property: Id(3)] IntentPurpose Purpose,
    [property: Id(4)] IdempotencyTicket Ticket,
    [property: Id(5)] string RequestedBy,
    [property: Id(6)] DateTimeOffset Now,
    [property: Id(7)] bool Live = false,
    [property: Id(8)] string? AgreementNo = null);

[GenerateSerializer, Immutable]
public sealed record RefundIntent(
    [property: Id(0)] long Amount,
    [property: Id(1)] string Reason,
    [property: Id(2)] IdempotencyTicket Ticket,
    [property: Id(3)] string RequestedBy,
    [property: Id(4)] DateTimeOffset Now,
    [property: Id(5)] long? ApprovalThreshold = null);

[GenerateSerializer, Immutable]
public sealed record RefundView(
    [property: Id(0)] string Id,
    [property: Id(1)] string IntentId,
    [property: Id(2)] long Amount,
    [property: Id(3)] string Status,
    [property: Id(4)] string? FailureCode,
    [property: Id(5)] string Reason,
    [property: Id(6)] DateTimeOffset RequestedAt);

/// <summary>A payment intent as the API shows it (Stripe-like): the channel's QR content and, with the simulator, where to pay.</summary>
[GenerateSerializer, Immutable]
public sealed record PaymentIntentView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Status,
    [property: Id(2)] long Amount,
    [property: Id(3)] string Currency,
    [property: Id(4)] string Channel,
    [property: Id(5)] IntentPurpose Purpose,
    [property: Id(6)] string? QrCode,
    [property: Id(7)] string? CheckoutUrl,
    [property: Id(8)] long RefundedAmount,
    [property: Id(9)] long RefundableAmount,
    [property: Id(10)] IReadOnlyList<RefundView> Refunds,
    [property: Id(11)] string? FailureCode,
    [property: Id(12)] bool Fulfilled,
    [property: Id(13)] DateTimeOffset CreatedAt,
    [property: Id(14)] DateTimeOffset ExpiresAt);

/// <summary>
/// One payment intent through one channel. Key: <c>"{tenantId}/{intentId}"</c>. The single writer of the intent's
/// stream; it talks to the channel, applies the money to its purpose exactly once, and runs its refunds.
/// The intent id is derived from the idempotency key, so a retried request always reaches the same grain.
/// </summary>
public interface IPaymentIntentGrain : IGrainWithStringKey
{
    /// <summary>Records the intent and creates the order at the channel; the same request again replays that answer.</summary>
    Task<Outcome<PaymentIntentView>> Create(CreateIntent command);

    /// <summary>The intent, or null when there is none.</summary>
    Task<PaymentIntentView?> Get();

    /// <summary>Closes an unpaid intent at the channel; one the payer already paid ends succeeded instead.</summary>
    Task<Outcome<PaymentIntentView>> Cancel(DateTimeOffset now);

    /// <summary>Refunds part or all of what was captured, back to the original channel; never more than captured (<c>refund_exceeds_captured</c>).</summary>
    Task<Outcome<RefundView>> Refund(RefundIntent command);

    /// <summary>A verified notification from the channel, in any order, any number of times.</summary>
    Task<Outcome<PaymentIntentView>> Notify(ChannelNotice notice, DateTimeOffset now);

    /// <summary>The janitor: asks the channel about anything unsettled and finishes what was left half done.</summary>
    Task<Outcome<PaymentIntentView>> Reconcile(DateTimeOffset now);
}
