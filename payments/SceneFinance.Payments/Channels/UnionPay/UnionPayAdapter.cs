using System.Globalization;
using SceneFinance.Payments.Gateway;

namespace SceneFinance.Payments.Channels.UnionPay;

/// <summary>UnionPay (online gateway, merchant-presented QR) in the gateway's common model.</summary>
public sealed class UnionPayAdapter(IUnionPayApi api, UnionPayKeys keys, GatewayOptions options, TimeProvider? clock = null) : IChannelAdapter
{
    readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public string Channel => PaymentChannels.UnionPay;

    // orderId: 8 to 40 of [0-9A-Za-z], no underscore. A refund is a transaction of its own in the same namespace,
    // so it gets another prefix: "SF" + 26 hex (28 characters) never equals "SFR" + 26 hex (29).
    public string OrderNo(string intentId) => "SF" + Hex(intentId, "pi_");
    public string RefundNo(string refundId) => "SFR" + Hex(refundId, "re_");

    public async Task<ChannelPayment> Create(ChannelPaymentRequest r, CancellationToken ct)
    {
        var answer = await api.ApplyQrCode(new UpQrConsumeRequest(keys.MerId, r.OrderNo, Now(), UpAmount.Format(r.Amount), options.NotifyUrl(Channel),
            UnionPaySignature.Time(r.ExpiresAt), Truncate(r.Description, 32)), ct);
        // An orderId already paid or closed is a duplicate transaction (12): the query says where it stands.
        if (answer.RespCode == UpRespCode.Duplicate) return await Query(r.OrderNo, ct);
        Ok(answer);
        return new ChannelPayment(r.OrderNo, IntentStatus.RequiresPayment, r.Amount, PayUrl: answer.QrCode);
    }

    public async Task<ChannelPayment> Query(string orderNo, CancellationToken ct)
    {
        var t = await api.Query(new UpQueryRequest(keys.MerId, orderNo, Now()), ct);
        // Until the payer pays, there is no consumption to find (34).
        if (t.RespCode == UpRespCode.NoSuchTransaction) return new ChannelPayment(orderNo, IntentStatus.RequiresPayment, 0);
        Ok(t);
        var status = t.OrigRespCode switch
        {
            UpRespCode.Success => IntentStatus.Succeeded,
            var c when UpRespCode.IsProcessing(c) => IntentStatus.Processing,
            UpRespCode.Closed => IntentStatus.Canceled,
            _ => IntentStatus.Failed,
        };
        return new ChannelPayment(orderNo, status, UpAmount.Parse(t.TxnAmt), TransactionId: t.QueryId,
            FailureCode: status == IntentStatus.Failed ? "unionpay_" + t.OrigRespCode : null);
    }

    public async Task<ChannelPayment> Close(string orderNo, CancellationToken ct)
    {
        var answer = await api.Cancel(new UpCancelRequest(keys.MerId, orderNo, Now()), ct);
        // A paid order is not closed (35): the query then says it succeeded.
        if (answer.RespCode != UpRespCode.BadOriginal) Ok(answer);
        return await Query(orderNo, ct);
    }

    public async Task<ChannelRefund> Refund(ChannelRefundRequest r, CancellationToken ct)
    {
        // A refund names the consumption by its queryId, which the query of the order gives.
        var original = Ok(await api.Query(new UpQueryRequest(keys.MerId, r.OrderNo, Now()), ct));
        var answer = await api.Refund(new UpRefundRequest(keys.MerId, r.RefundNo, Now(), UpAmount.Format(r.Amount), original.QueryId ?? "",
            options.NotifyUrl(Channel), ReqReserved: r.OrderNo), ct);
        // The same refund orderId again is a duplicate (12): the refund exists, the query says how it stands.
        if (answer.RespCode == UpRespCode.Duplicate) return await QueryRefund(r.OrderNo, r.RefundNo, ct);
        Ok(answer);
        return new ChannelRefund(r.OrderNo, r.RefundNo, RefundStatus.Pending, r.Amount);
    }

    public async Task<ChannelRefund> QueryRefund(string orderNo, string refundNo, CancellationToken ct)
    {
        var t = Ok(await api.Query(new UpQueryRequest(keys.MerId, refundNo, Now()), ct));
        if (t.TxnType != UpTxnType.Refund) throw new ChannelRejectedException(Channel, UpRespCode.BadOriginal, $"{refundNo} is not a refund.");
        var status = t.OrigRespCode switch
        {
            UpRespCode.Success => RefundStatus.Succeeded,
            var c when UpRespCode.IsProcessing(c) => RefundStatus.Pending,
            _ => RefundStatus.Failed,
        };
        return new ChannelRefund(orderNo, refundNo, status, UpAmount.Parse(t.TxnAmt), status == RefundStatus.Failed ? "unionpay_" + t.OrigRespCode : null);
    }

    public async Task<IReadOnlyList<StatementLine>> Statement(DateOnly day, CancellationToken ct) =>
        (await api.FileTransfer(new UpFileTransferRequest(keys.MerId, day.ToString("MMdd", CultureInfo.InvariantCulture), Now()), ct)).Select(row =>
            row.TxnType == UpTxnType.Refund
                ? new StatementLine(Channel, day, "refund", row.ReqReserved ?? "", row.OrderId, UpAmount.Parse(row.TxnAmt), row.QueryId)
                : new StatementLine(Channel, day, "payment", row.OrderId, null, UpAmount.Parse(row.TxnAmt), row.QueryId)).ToList();

    public ChannelNotice Read(InboundNotification n, DateTimeOffset now)
    {
        try
        {
            var f = UnionPaySignature.ParseForm(n.Body);
            if (Field(f, "signMethod") != UnionPaySignature.SecureKeyMethod) throw new NotificationRejectedException("signMethod is not 11.");
            if (!UnionPaySignature.Verify(UnionPaySignature.Content(f), keys.SecureKey, Field(f, "signature")))
                throw new NotificationRejectedException("The signature does not verify.");
            if (Field(f, "merId") != keys.MerId) throw new NotificationRejectedException("The notification is for another merId.");
            if (Math.Abs((now - UnionPaySignature.ParseTime(Field(f, "respTime"))).TotalSeconds) > options.NotificationWindowSeconds)
                throw new NotificationRejectedException("The timestamp is outside the accepted window.");
            var queryId = Field(f, "queryId");
            var succeeded = Field(f, "respCode") == UpRespCode.Success;
            var amount = UpAmount.Parse(Field(f, "txnAmt"));
            return Field(f, "txnType") switch
            {
                UpTxnType.Consume => new ChannelNotice(queryId, Field(f, "orderId"), null, succeeded ? IntentStatus.Succeeded : IntentStatus.Failed, amount, queryId),
                // A refund's notice names the refund's orderId; the consumption's orderId comes back in reqReserved.
                UpTxnType.Refund => new ChannelNotice(queryId, Field(f, "reqReserved"), Field(f, "orderId"),
                    succeeded ? RefundStatus.Succeeded : RefundStatus.Failed, amount, queryId),
                var other => throw new NotificationRejectedException($"Unknown txnType {other}."),
            };
        }
        catch (FormatException e)
        {
            throw new NotificationRejectedException("The notification cannot be read: " + e.Message);
        }
    }

    // UnionPay stops delivering on HTTP 200 with "ok"; anything else is delivered again.
    public ChannelAnswer Answer(bool accepted) => accepted
        ? new ChannelAnswer(200, "text/plain", "ok")
        : new ChannelAnswer(500, "text/plain", "fail");

    string Now() => UnionPaySignature.Time(_clock.GetUtcNow());

    T Ok<T>(T answer) where T : UpResponse =>
        answer.IsSuccess ? answer : throw new ChannelRejectedException(Channel, answer.RespCode, answer.RespMsg);

    static string Field(IReadOnlyDictionary<string, string> f, string name) =>
        f.TryGetValue(name, out var v) && v.Length > 0 ? v : throw new NotificationRejectedException($"Missing {name}.");

    static string Hex(string id, string prefix) =>
        id.Length == prefix.Length + 26 && id.StartsWith(prefix, StringComparison.Ordinal) && id.AsSpan(prefix.Length).IndexOfAnyExcept("0123456789abcdef") < 0
            ? id[prefix.Length..]
            : throw new ArgumentException($"'{id}' is not {prefix}<26 lowercase hex>.", nameof(id));

    static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
