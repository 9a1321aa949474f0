using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using SceneFinance.Payments.Gateway;

namespace SceneFinance.Payments.Channels.WeChatPay;

/// <summary>WeChat Pay (Native QR payments, and 委托代扣 debits under a signed contract) in the gateway's common model.</summary>
public sealed class WeChatPayAdapter(IWeChatPayApi api, WeChatPayKeys keys, GatewayOptions options) : IChannelAdapter, IWithholdingChannel
{
    public string Channel => PaymentChannels.WeChatPay;

    // out_trade_no / out_refund_no: 6 to 32 of [0-9A-Za-z_-|*], unique per merchant.
    public string OrderNo(string intentId) => "SF" + intentId[3..];
    public string RefundNo(string refundId) => "SFR" + refundId[3..];

    public async Task<ChannelPayment> Create(ChannelPaymentRequest r, CancellationToken ct)
    {
        var answer = await api.NativePrepay(new WxNativePrepayRequest(keys.AppId, keys.MchId, Truncate(r.Description, 127), r.OrderNo,
            r.ExpiresAt.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            options.NotifyUrl(Channel), new WxAmount(r.Amount)), ct);
        return new ChannelPayment(r.OrderNo, IntentStatus.RequiresPayment, r.Amount, PayUrl: answer.CodeUrl);
    }

    // out_contract_code: up to 32 of [0-9A-Za-z], unique per merchant.
    public string AgreementNo(string agreementId) => "SFC" + agreementId[^26..];

    public async Task<ChannelAgreement> Offer(ChannelAgreementRequest r, CancellationToken ct)
    {
        var answer = await api.PreEntrustSign(new WxPreEntrustSignRequest(keys.AppId, keys.MchId, keys.PapayPlanId, r.AgreementNo, Truncate(r.DisplayAccount, 32),
            options.NotifyUrl(Channel)), ct);
        return new ChannelAgreement(r.AgreementNo, AgreementStatus.Pending, answer.RedirectUrl);
    }

    public async Task<ChannelAgreement> QueryAgreement(string agreementNo, CancellationToken ct) => Map(await api.QueryContract(agreementNo, keys.PapayPlanId, ct));

    public async Task<ChannelAgreement> Terminate(string agreementNo, string reason, CancellationToken ct)
    {
        await api.TerminateContract(agreementNo, new WxTerminateContractRequest(keys.MchId, Truncate(reason, 64)), ct);
        return Map(await api.QueryContract(agreementNo, keys.PapayPlanId, ct));
    }

    public async Task<ChannelPayment> Debit(ChannelPaymentRequest r, string agreementNo, CancellationToken ct)
    {
        await api.ApplyDeduct(new WxPapayApplyRequest(keys.AppId, keys.MchId, Truncate(r.Description, 127), r.OrderNo, agreementNo, options.NotifyUrl(Channel),
            new WxAmount(r.Amount)), ct);
        return Map(await api.QueryByOutTradeNo(r.OrderNo, keys.MchId, ct));
    }

    static ChannelAgreement Map(WxContract c) => new(c.OutContractCode, c.ContractState switch
    {
        "SIGNED" => AgreementStatus.Signed,
        "TERMINATED" => AgreementStatus.Terminated,
        _ => AgreementStatus.Pending,
    }, ContractId: c.ContractId);

    public async Task<ChannelPayment> Query(string orderNo, CancellationToken ct) => Map(await api.QueryByOutTradeNo(orderNo, keys.MchId, ct));

    public async Task<ChannelPayment> Close(string orderNo, CancellationToken ct)
    {
        await api.Close(orderNo, keys.MchId, ct);
        return Map(await api.QueryByOutTradeNo(orderNo, keys.MchId, ct));
    }

    public async Task<ChannelRefund> Refund(ChannelRefundRequest r, CancellationToken ct) =>
        Map(await api.CreateRefund(new WxRefundRequest(r.OrderNo, r.RefundNo, Truncate(r.Reason, 80), options.NotifyUrl(Channel),
            new WxRefundAmount(r.Amount, r.PaymentAmount)), ct));

    public async Task<ChannelRefund> QueryRefund(string orderNo, string refundNo, CancellationToken ct) => Map(await api.QueryRefund(refundNo, ct));

    public async Task<IReadOnlyList<StatementLine>> Statement(DateOnly day, CancellationToken ct) =>
        (await api.TradeBill(day, ct)).Select(row => new StatementLine(Channel, day, row.OutRefundNo is null ? "payment" : "refund",
            row.OutTradeNo, row.OutRefundNo, row.Fen, row.TransactionId)).ToList();

    public ChannelNotice Read(InboundNotification n, DateTimeOffset now)
    {
        var timestamp = Header(n, "wechatpay-timestamp");
        var nonce = Header(n, "wechatpay-nonce");
        var signature = Header(n, "wechatpay-signature");
        if (Header(n, "wechatpay-serial") != keys.PlatformSerial) throw new NotificationRejectedException("Unknown platform certificate serial.");
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || Math.Abs(now.ToUnixTimeSeconds() - seconds) > options.NotificationWindowSeconds)
            throw new NotificationRejectedException("The timestamp is outside the accepted window.");
        if (!WxCrypto.Verify(keys.PlatformKey, WxCrypto.Message(timestamp, nonce, n.Body), signature))
            throw new NotificationRejectedException("The signature does not verify.");
        try
        {
            var body = JsonSerializer.Deserialize<WxNotification>(n.Body) ?? throw new NotificationRejectedException("Empty notification.");
            var plain = WxCrypto.Decrypt(keys.ApiV3Key, body.Resource);
            if (body.EventType == "TRANSACTION.SUCCESS")
            {
                var tx = JsonSerializer.Deserialize<WxTransaction>(plain)!;
                var payment = Map(tx);
                return new ChannelNotice(body.Id, tx.OutTradeNo, null, payment.Status, tx.Amount.Total, tx.TransactionId);
            }
            if (body.EventType.StartsWith("PAPAY.", StringComparison.Ordinal))
            {
                var contract = JsonSerializer.Deserialize<WxContractResource>(plain)!;
                return new ChannelNotice(body.Id, "", null, contract.ChangeType == "ADD" ? AgreementStatus.Signed : AgreementStatus.Terminated, 0,
                    contract.ContractId, contract.OutContractCode);
            }
            if (body.EventType.StartsWith("REFUND.", StringComparison.Ordinal))
            {
                var refund = JsonSerializer.Deserialize<WxRefundResource>(plain)!;
                return new ChannelNotice(body.Id, refund.OutTradeNo, refund.OutRefundNo, RefundState(refund.RefundStatus), refund.Amount.Refund, refund.RefundId);
            }
            throw new NotificationRejectedException($"Unknown event_type {body.EventType}.");
        }
        catch (Exception e) when (e is JsonException or CryptographicException or FormatException or NullReferenceException)
        {
            throw new NotificationRejectedException("The notification cannot be read: " + e.Message);
        }
    }

    // API v3: 200/204 without a body means received; anything else makes WeChat deliver again.
    public ChannelAnswer Answer(bool accepted) => accepted
        ? new ChannelAnswer(204, "application/json", "")
        : new ChannelAnswer(500, "application/json", """{"code":"FAIL","message":"not processed"}""");

    static ChannelPayment Map(WxTransaction t) => new(t.OutTradeNo, t.TradeState switch
        {
            "SUCCESS" or "REFUND" => IntentStatus.Succeeded,
            "USERPAYING" => IntentStatus.Processing,
            "PAYERROR" => IntentStatus.Failed,
            "CLOSED" or "REVOKED" => IntentStatus.Canceled,
            _ => IntentStatus.RequiresPayment, // NOTPAY
        }, t.Amount.Total, TransactionId: t.TransactionId,
        FailureCode: t.TradeState == "PAYERROR" ? "payment_error" : null,
        PaidAt: t.SuccessTime is null ? null : DateTimeOffset.Parse(t.SuccessTime, CultureInfo.InvariantCulture));

    static ChannelRefund Map(WxRefund r) => new(r.OutTradeNo, r.OutRefundNo, RefundState(r.Status), r.Amount.Refund,
        r.Status is "ABNORMAL" or "CLOSED" ? "refund_" + r.Status.ToLowerInvariant() : null);

    static string RefundState(string status) => status switch
    {
        "SUCCESS" => RefundStatus.Succeeded,
        "ABNORMAL" or "CLOSED" => RefundStatus.Failed,
        _ => RefundStatus.Pending,
    };

    static string Header(InboundNotification n, string name) =>
        n.Headers.TryGetValue(name, out var v) && v.Length > 0 ? v : throw new NotificationRejectedException($"Missing header {name}.");

    static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
