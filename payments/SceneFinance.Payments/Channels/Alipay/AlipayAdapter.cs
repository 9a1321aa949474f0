using System.Globalization;
using SceneFinance.Payments.Gateway;

namespace SceneFinance.Payments.Channels.Alipay;

/// <summary>Alipay (face-to-face precreate QR payments) in the gateway's common model.</summary>
public sealed class AlipayAdapter(IAlipayApi api, AlipayKeys keys, GatewayOptions options) : IChannelAdapter
{
    public string Channel => PaymentChannels.Alipay;

    // out_trade_no / out_request_no: up to 64 of [A-Za-z0-9_], unique per merchant.
    public string OrderNo(string intentId) => "SF_" + Hex(intentId, "pi_");
    public string RefundNo(string refundId) => "SFR_" + Hex(refundId, "re_");

    public async Task<ChannelPayment> Create(ChannelPaymentRequest r, CancellationToken ct)
    {
        var answer = await api.Precreate(keys.AppId, options.NotifyUrl(Channel),
            new AlipayTradePrecreateModel(r.OrderNo, AlipayAmount.ToYuan(r.Amount), Truncate(r.Description, 256), AlipaySignature.Time(r.ExpiresAt)), ct);
        // Precreating again an order the payer already paid (or that was closed) is refused: the trade says where it stands.
        if (answer.SubCode is "ACQ.TRADE_HAS_SUCCESS" or "ACQ.TRADE_HAS_CLOSE") return await Query(r.OrderNo, ct);
        Ok(answer);
        return new ChannelPayment(r.OrderNo, IntentStatus.RequiresPayment, r.Amount, PayUrl: answer.QrCode);
    }

    public async Task<ChannelPayment> Query(string orderNo, CancellationToken ct)
    {
        var t = await api.Query(keys.AppId, new AlipayTradeQueryModel(orderNo), ct);
        // A precreated trade exists at Alipay only once the payer scanned the code: until then there is nothing to find.
        if (t.SubCode == "ACQ.TRADE_NOT_EXIST") return new ChannelPayment(orderNo, IntentStatus.RequiresPayment, 0);
        Ok(t);
        var status = Status(t.TradeStatus!, payer: t.BuyerUserId, paidAt: t.SendPayDate);
        return new ChannelPayment(orderNo, status, AlipayAmount.ToFen(t.TotalAmount), TransactionId: t.TradeNo,
            FailureCode: status == IntentStatus.Failed ? "trade_closed" : null,
            PaidAt: string.IsNullOrEmpty(t.SendPayDate) ? null : AlipaySignature.ParseTime(t.SendPayDate));
    }

    public async Task<ChannelPayment> Close(string orderNo, CancellationToken ct)
    {
        var answer = await api.Close(keys.AppId, new AlipayTradeCloseModel(orderNo), ct);
        // A paid trade cannot be closed (ACQ.TRADE_STATUS_ERROR): the query then says it succeeded.
        if (answer.SubCode != "ACQ.TRADE_STATUS_ERROR") Ok(answer);
        return await Query(orderNo, ct);
    }

    public async Task<ChannelRefund> Refund(ChannelRefundRequest r, CancellationToken ct)
    {
        var answer = Ok(await api.Refund(keys.AppId,
            new AlipayTradeRefundModel(r.OrderNo, AlipayAmount.ToYuan(r.Amount), r.RefundNo, Truncate(r.Reason, 256)), ct));
        return new ChannelRefund(r.OrderNo, r.RefundNo, answer.FundChange == "Y" ? RefundStatus.Succeeded : RefundStatus.Pending, r.Amount);
    }

    public async Task<ChannelRefund> QueryRefund(string orderNo, string refundNo, CancellationToken ct)
    {
        var answer = Ok(await api.RefundQuery(keys.AppId, new AlipayTradeFastpayRefundQueryModel(orderNo, refundNo), ct));
        var status = RefundState(answer.RefundStatus);
        return new ChannelRefund(orderNo, refundNo, status, AlipayAmount.ToFen(answer.RefundAmount),
            status == RefundStatus.Failed ? "refund_fail" : null);
    }

    public async Task<IReadOnlyList<StatementLine>> Statement(DateOnly day, CancellationToken ct) =>
        (await api.DownloadBill(keys.AppId, "trade", day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ct)).Select(row =>
        {
            var refund = row.BizType == AlipayBillRow.Refund;
            // The bill shows refunds as negative amounts.
            var amount = AlipayAmount.ToFen(refund && row.Amount.StartsWith('-') ? row.Amount[1..] : row.Amount);
            return new StatementLine(Channel, day, refund ? "refund" : "payment", row.OutTradeNo, refund ? row.OutRequestNo : null, amount, row.TradeNo);
        }).ToList();

    public ChannelNotice Read(InboundNotification n, DateTimeOffset now)
    {
        IReadOnlyDictionary<string, string> p;
        try
        {
            p = AlipaySignature.ParseForm(n.Body);
        }
        catch (FormatException e)
        {
            throw new NotificationRejectedException("The notification cannot be read: " + e.Message);
        }
        if (Field(p, "sign_type") != AlipaySignature.Rsa2) throw new NotificationRejectedException("sign_type is not RSA2.");
        if (!AlipaySignature.Verify(keys.AlipayPublicKey, AlipaySignature.Content(p), Field(p, "sign")))
            throw new NotificationRejectedException("The signature does not verify.");
        if (Field(p, "app_id") != keys.AppId) throw new NotificationRejectedException("The notification is for another app_id.");
        DateTimeOffset sent;
        try
        {
            sent = AlipaySignature.ParseTime(Field(p, "notify_time"));
        }
        catch (FormatException)
        {
            throw new NotificationRejectedException("notify_time cannot be read.");
        }
        if (Math.Abs((now - sent).TotalSeconds) > options.NotificationWindowSeconds)
            throw new NotificationRejectedException("The timestamp is outside the accepted window.");
        if (Field(p, "notify_type") != "trade_status_sync") throw new NotificationRejectedException($"Unknown notify_type {p["notify_type"]}.");
        try
        {
            var id = Field(p, "notify_id");
            var orderNo = Field(p, "out_trade_no");
            var tradeNo = Field(p, "trade_no");
            // A refund's outcome comes as a trade_status_sync of the trade that carries the refund's out_biz_no.
            if (p.GetValueOrDefault("out_biz_no") is { Length: > 0 } refundNo)
                return new ChannelNotice(id, orderNo, refundNo, RefundState(p.GetValueOrDefault("refund_status") ?? "REFUND_SUCCESS"),
                    AlipayAmount.ToFen(Field(p, "send_back_fee")), tradeNo);
            var status = Status(Field(p, "trade_status"), p.GetValueOrDefault("buyer_id"), p.GetValueOrDefault("gmt_payment"));
            return new ChannelNotice(id, orderNo, null, status, AlipayAmount.ToFen(Field(p, "total_amount")), tradeNo);
        }
        catch (FormatException e)
        {
            throw new NotificationRejectedException("The notification cannot be read: " + e.Message);
        }
    }

    // Alipay stops delivering once the body is exactly "success"; anything else (whatever the status code) is tried again.
    public ChannelAnswer Answer(bool accepted) => new(200, "text/plain", accepted ? "success" : "fail");

    /// <summary>
    /// TRADE_CLOSED covers three stories: a trade paid then fully refunded (it has a payment time: the payment
    /// stands), one the payer scanned but did not pay (it has a buyer: failed), and one never scanned and closed
    /// by us or by its expiry (canceled).
    /// </summary>
    static string Status(string tradeStatus, string? payer, string? paidAt) => tradeStatus switch
    {
        "TRADE_SUCCESS" or "TRADE_FINISHED" => IntentStatus.Succeeded,
        "WAIT_BUYER_PAY" => IntentStatus.Processing,
        "TRADE_CLOSED" when !string.IsNullOrEmpty(paidAt) => IntentStatus.Succeeded,
        "TRADE_CLOSED" when !string.IsNullOrEmpty(payer) => IntentStatus.Failed,
        "TRADE_CLOSED" => IntentStatus.Canceled,
        _ => throw new FormatException($"Unknown trade_status {tradeStatus}."),
    };

    static string RefundState(string? refundStatus) => refundStatus switch
    {
        "REFUND_SUCCESS" => RefundStatus.Succeeded,
        "REFUND_FAIL" => RefundStatus.Failed,
        _ => RefundStatus.Pending,
    };

    T Ok<T>(T answer) where T : AlipayResponse =>
        answer.IsSuccess ? answer : throw new ChannelRejectedException(Channel, answer.SubCode ?? answer.Code, answer.SubMsg ?? answer.Msg);

    static string Field(IReadOnlyDictionary<string, string> p, string name) =>
        p.TryGetValue(name, out var v) && v.Length > 0 ? v : throw new NotificationRejectedException($"Missing {name}.");

    static string Hex(string id, string prefix) =>
        id.Length == prefix.Length + 26 && id.StartsWith(prefix, StringComparison.Ordinal) && id.AsSpan(prefix.Length).IndexOfAnyExcept("0123456789abcdef") < 0
            ? id[prefix.Length..]
            : throw new ArgumentException($"'{id}' is not {prefix}<26 lowercase hex>.", nameof(id));

    static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
