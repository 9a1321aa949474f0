namespace SceneFinance.Payments.Gateway;

/// <summary>The payment channels the gateway speaks to, by the names the API and the ledger use.</summary>
public static class PaymentChannels
{
    public const string WeChatPay = "wechat-pay";
    public const string Alipay = "alipay";
    public const string UnionPay = "unionpay";
    public const string ECny = "e-cny";

    public static readonly string[] All = [WeChatPay, Alipay, UnionPay, ECny];
}

/// <summary>A payment intent's status (Stripe-like). <c>succeeded</c>, <c>failed</c> and <c>canceled</c> are final.</summary>
public static class IntentStatus
{
    public const string RequiresPayment = "requires_payment";
    public const string Processing = "processing";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Canceled = "canceled";

    public static bool IsFinal(string status) => status is Succeeded or Failed or Canceled;
}

/// <summary>A refund's status: <c>pending</c> until the channel says <c>succeeded</c> or <c>failed</c>; <c>rejected</c> when it never left us.</summary>
public static class RefundStatus
{
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Rejected = "rejected";
}

/// <summary>What we ask a channel for: a payment of <paramref name="Amount"/> fen under the channel's order number.</summary>
public sealed record ChannelPaymentRequest(string OrderNo, long Amount, string Description, DateTimeOffset ExpiresAt);

/// <summary>A channel's payment in the common model. <see cref="Status"/> is an <see cref="IntentStatus"/> value.</summary>
public sealed record ChannelPayment(
    string OrderNo, string Status, long Amount, string? PayUrl = null, string? TransactionId = null,
    string? FailureCode = null, DateTimeOffset? PaidAt = null);

public sealed record ChannelRefundRequest(string OrderNo, string RefundNo, long Amount, long PaymentAmount, string Reason);

/// <summary>A channel's refund in the common model. <see cref="Status"/> is a <see cref="RefundStatus"/> value.</summary>
public sealed record ChannelRefund(string OrderNo, string RefundNo, string Status, long Amount, string? FailureCode = null);

/// <summary>A notification exactly as it arrived: headers (lower-case names), body, content type.</summary>
public sealed record InboundNotification(IReadOnlyDictionary<string, string> Headers, string Body, string? ContentType);

/// <summary>
/// A verified notification in the common model. <see cref="RefundNo"/> is set for refund outcomes; <see cref="AgreementNo"/> for
/// a withholding agreement's (then <see cref="Status"/> is an <see cref="AgreementStatus"/> value and <see cref="OrderNo"/> is empty).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ChannelNotice(
    [property: Id(0)] string NotificationId, [property: Id(1)] string OrderNo, [property: Id(2)] string? RefundNo,
    [property: Id(3)] string Status, [property: Id(4)] long Amount, [property: Id(5)] string? TransactionId,
    [property: Id(6)] string? AgreementNo = null);

/// <summary>The HTTP answer the channel expects to a notification (each channel has its own words for "got it").</summary>
public sealed record ChannelAnswer(int StatusCode, string ContentType, string Body);

/// <summary>One line of a channel's daily statement: what the channel says it settled.</summary>
public sealed record StatementLine(string Channel, DateOnly Day, string Kind, string OrderNo, string? RefundNo, long Amount, string TransactionId);

/// <summary>The call's outcome is unknown (timeout, connection lost): ask again later, never assume.</summary>
public sealed class ChannelTimeoutException(string channel, string operation)
    : Exception($"{channel}: {operation} timed out; the outcome is unknown.");

/// <summary>The channel answered but refused (bad request, unknown order, closed...). <see cref="Code"/> is the channel's own code.</summary>
public sealed class ChannelRejectedException(string channel, string code, string message)
    : Exception($"{channel}: {code} {message}")
{
    public string Code { get; } = code;
}

/// <summary>A notification that failed verification: bad signature, stale timestamp, unreadable body.</summary>
public sealed class NotificationRejectedException(string reason) : Exception(reason);

/// <summary>
/// One channel behind the gateway: its SDK's calls mapped to the common model. Adding a real channel SDK
/// means writing one of these (and nothing else): order-number rules, amount units, status names,
/// notification format and signature scheme all stay inside the adapter and its SDK.
/// </summary>
public interface IChannelAdapter
{
    /// <summary>The channel's name (<see cref="PaymentChannels"/>).</summary>
    string Channel { get; }

    /// <summary>A fresh order number that meets the channel's rules, derived from our intent id.</summary>
    string OrderNo(string intentId);

    /// <summary>A refund number that meets the channel's rules, derived from our refund id.</summary>
    string RefundNo(string refundId);

    /// <summary>Creates the order (idempotent on the order number at the channel) and returns where the payer pays.</summary>
    Task<ChannelPayment> Create(ChannelPaymentRequest request, CancellationToken ct);

    Task<ChannelPayment> Query(string orderNo, CancellationToken ct);

    /// <summary>Closes an unpaid order; a paid one comes back as succeeded.</summary>
    Task<ChannelPayment> Close(string orderNo, CancellationToken ct);

    /// <summary>Asks for a refund (idempotent on the refund number at the channel).</summary>
    Task<ChannelRefund> Refund(ChannelRefundRequest request, CancellationToken ct);

    Task<ChannelRefund> QueryRefund(string orderNo, string refundNo, CancellationToken ct);

    /// <summary>What the channel settled on a day (payments and refunds).</summary>
    Task<IReadOnlyList<StatementLine>> Statement(DateOnly day, CancellationToken ct);

    /// <summary>Verifies a notification's signature and timestamp window and maps it; throws <see cref="NotificationRejectedException"/>.</summary>
    ChannelNotice Read(InboundNotification notification, DateTimeOffset now);

    /// <summary>The answer the channel expects: <paramref name="accepted"/> false makes it deliver again later.</summary>
    ChannelAnswer Answer(bool accepted);
}
