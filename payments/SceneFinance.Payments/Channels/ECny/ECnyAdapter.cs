using System.Globalization;
using System.Numerics;
using System.Text.Json;
using SceneFinance.Payments.Gateway;

namespace SceneFinance.Payments.Channels.ECny;

/// <summary>e-CNY (digital RMB, through an operator bank's merchant API) in the gateway's common model.</summary>
public sealed class ECnyAdapter(IECnyApi api, ECnyKeys keys, GatewayOptions options) : IChannelAdapter
{
    // 26 hex digits are at most 2^104 - 1 (about 2.03e31): 32 decimal digits hold them, and adding 5e31 to a
    // refund's keeps refund numbers (5... to 7...) apart from order numbers (0... to 2...) on the bank's statements.
    static readonly BigInteger RefundOffset = BigInteger.Parse("50000000000000000000000000000000", CultureInfo.InvariantCulture);

    public string Channel => PaymentChannels.ECny;

    // merchantOrderNo / merchantRefundNo: exactly 32 decimal digits.
    public string OrderNo(string intentId) => Decimal32(Hex(intentId, "pi_"), BigInteger.Zero);
    public string RefundNo(string refundId) => Decimal32(Hex(refundId, "re_"), RefundOffset);

    public async Task<ChannelPayment> Create(ChannelPaymentRequest r, CancellationToken ct) =>
        Map(await api.CreateOrder(new ECnyCreateOrderRequest(keys.MerchantNo, r.OrderNo, r.Amount, Truncate(r.Description, 64),
            r.ExpiresAt.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture), options.NotifyUrl(Channel)), ct));

    public async Task<ChannelPayment> Query(string orderNo, CancellationToken ct) => Map(await api.GetOrder(keys.MerchantNo, orderNo, ct));

    public async Task<ChannelPayment> Close(string orderNo, CancellationToken ct) => Map(await api.CloseOrder(keys.MerchantNo, orderNo, ct));

    public async Task<ChannelRefund> Refund(ChannelRefundRequest r, CancellationToken ct) =>
        Map(await api.CreateRefund(new ECnyCreateRefundRequest(keys.MerchantNo, r.OrderNo, r.RefundNo, r.Amount, Truncate(r.Reason, 64), options.NotifyUrl(Channel)), ct));

    public async Task<ChannelRefund> QueryRefund(string orderNo, string refundNo, CancellationToken ct) => Map(await api.GetRefund(keys.MerchantNo, refundNo, ct));

    public async Task<IReadOnlyList<StatementLine>> Statement(DateOnly day, CancellationToken ct) =>
        (await api.Statement(keys.MerchantNo, day.ToString("yyyyMMdd", CultureInfo.InvariantCulture), ct)).Select(row =>
            new StatementLine(Channel, day, row.Type == "REFUND" ? "refund" : "payment", row.MerchantOrderNo, row.MerchantRefundNo, row.Amount, row.TransactionId)).ToList();

    public ChannelNotice Read(InboundNotification n, DateTimeOffset now)
    {
        var timestamp = Header(n, ECnyCrypto.TimestampHeader);
        var nonce = Header(n, ECnyCrypto.NonceHeader);
        var signature = Header(n, ECnyCrypto.SignatureHeader);
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ||
            Math.Abs(now.ToUnixTimeMilliseconds() - ms) > options.NotificationWindowSeconds * 1000L)
            throw new NotificationRejectedException("The timestamp is outside the accepted window.");
        if (!ECnyCrypto.Verify(keys.MerchantKey, ECnyCrypto.Message(timestamp, nonce, n.Body), signature))
            throw new NotificationRejectedException("The signature does not verify.");
        ECnyNotification body;
        try
        {
            body = JsonSerializer.Deserialize<ECnyNotification>(n.Body, ECnyCrypto.Json) ?? throw new NotificationRejectedException("Empty notification.");
        }
        catch (JsonException e)
        {
            throw new NotificationRejectedException("The notification cannot be read: " + e.Message);
        }
        if (body.MerchantNo != keys.MerchantNo) throw new NotificationRejectedException("The notification is for another merchant.");
        try
        {
            return body.NotifyType switch
            {
                ECnyNotification.Payment => new ChannelNotice(body.NotifyId, body.MerchantOrderNo, null, PaymentState(body.Status), body.Amount, body.TransactionId),
                ECnyNotification.Refund when body is { MerchantRefundNo: { } refundNo, RefundAmount: { } amount } =>
                    new ChannelNotice(body.NotifyId, body.MerchantOrderNo, refundNo, RefundState(body.Status), amount, body.RefundTransactionId),
                _ => throw new NotificationRejectedException($"Unknown or incomplete notifyType {body.NotifyType}."),
            };
        }
        catch (FormatException e)
        {
            throw new NotificationRejectedException("The notification cannot be read: " + e.Message);
        }
    }

    // The bank stops delivering once it reads {"result":"RECEIVED"} with 200.
    public ChannelAnswer Answer(bool accepted) => accepted
        ? new ChannelAnswer(200, "application/json", """{"result":"RECEIVED"}""")
        : new ChannelAnswer(500, "application/json", """{"result":"RETRY"}""");

    static ChannelPayment Map(ECnyOrder o) => new(o.MerchantOrderNo, PaymentState(o.Status), o.Amount, PayUrl: o.PayUrl, TransactionId: o.TransactionId,
        FailureCode: o.Status == ECnyStatus.Failed ? o.FailureCode ?? "failed" : null,
        PaidAt: o.PaidTime is null ? null : DateTimeOffset.Parse(o.PaidTime, CultureInfo.InvariantCulture));

    static ChannelRefund Map(ECnyRefund r) => new(r.MerchantOrderNo, r.MerchantRefundNo, RefundState(r.Status), r.RefundAmount,
        r.Status == ECnyStatus.RefundFailed ? r.FailureCode ?? "refund_failed" : null);

    static string PaymentState(string status) => status switch
    {
        ECnyStatus.Created => IntentStatus.RequiresPayment,
        ECnyStatus.Paying => IntentStatus.Processing,
        ECnyStatus.Paid => IntentStatus.Succeeded,
        ECnyStatus.Failed => IntentStatus.Failed,
        ECnyStatus.Closed => IntentStatus.Canceled,
        _ => throw new FormatException($"Unknown order status {status}."),
    };

    static string RefundState(string status) => status switch
    {
        ECnyStatus.Refunded => RefundStatus.Succeeded,
        ECnyStatus.RefundFailed => RefundStatus.Failed,
        ECnyStatus.Refunding => RefundStatus.Pending,
        _ => throw new FormatException($"Unknown refund status {status}."),
    };

    static string Decimal32(string hex, BigInteger offset) =>
        (BigInteger.Parse("0" + hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture) + offset).ToString(CultureInfo.InvariantCulture).PadLeft(32, '0');

    static string Header(InboundNotification n, string name) =>
        n.Headers.TryGetValue(name, out var v) && v.Length > 0 ? v : throw new NotificationRejectedException($"Missing header {name}.");

    static string Hex(string id, string prefix) =>
        id.Length == prefix.Length + 26 && id.StartsWith(prefix, StringComparison.Ordinal) && id.AsSpan(prefix.Length).IndexOfAnyExcept("0123456789abcdef") < 0
            ? id[prefix.Length..]
            : throw new ArgumentException($"'{id}' is not {prefix}<26 lowercase hex>.", nameof(id));

    static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
