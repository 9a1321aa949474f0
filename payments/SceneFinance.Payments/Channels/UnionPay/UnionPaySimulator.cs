using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SceneFinance.Payments.Gateway;
using SceneFinance.Payments.Simulator;

namespace SceneFinance.Payments.Channels.UnionPay;

/// <summary>UnionPay's gateway, simulated: the UPOP shapes over <see cref="SimulatedChannel"/>, and its back notifications.</summary>
public sealed class UnionPaySimulator : IUnionPayApi
{
    readonly SimulatedChannel _sim;
    readonly UnionPayKeys _keys;
    readonly TimeProvider _clock;
    readonly ConcurrentDictionary<string, string> _reqReserved = new(); // refund orderId -> the merchant's reqReserved

    public UnionPaySimulator(SimulatedChannel sim, UnionPayKeys keys, TimeProvider clock)
    {
        (_sim, _keys, _clock) = (sim, keys, clock);
        sim.Format = Notification;
        sim.IsAccepted = a => a.StatusCode == 200 && a.Body == "ok";
    }

    public Task<UpQrConsumeResponse> ApplyQrCode(UpQrConsumeRequest r, CancellationToken ct)
    {
        if (Malformed(r.MerId, r.TxnType, UpTxnType.Consume, r.OrderId, r.TxnTime) is { } bad) return Refuse<UpQrConsumeResponse>(UpRespCode.BadFormat, bad);
        if (!UpAmount.TryParse(r.TxnAmt, out var fen)) return Refuse<UpQrConsumeResponse>(UpRespCode.BadFormat, "报文格式错误[txnAmt]");
        if (string.IsNullOrEmpty(r.BackUrl)) return Refuse<UpQrConsumeResponse>(UpRespCode.Missing, "报文交易要素缺失[backUrl]");
        DateTimeOffset expires;
        try { expires = UnionPaySignature.ParseTime(r.PayTimeout); }
        catch (FormatException) { return Refuse<UpQrConsumeResponse>(UpRespCode.BadFormat, "报文格式错误[payTimeout]"); }
        if (Refund(r.OrderId) is not null) return Refuse<UpQrConsumeResponse>(UpRespCode.Duplicate, "重复交易");
        SimOrder order;
        try { order = _sim.Create(r.OrderId, fen, r.OrderDesc, expires); }
        catch (ChannelRejectedException) { return Refuse<UpQrConsumeResponse>(UpRespCode.Duplicate, "重复交易"); } // the orderId with another amount
        var state = State(order);
        _sim.MaybeLoseAnswer(r.OrderId, "apply-qr-code");
        if (state != SimOrderState.Open) return Refuse<UpQrConsumeResponse>(UpRespCode.Duplicate, "重复交易");
        return Task.FromResult(new UpQrConsumeResponse { OrderId = r.OrderId, TxnTime = r.TxnTime, QrCode = $"https://qr.95516.com/00010000/{r.OrderId}" });
    }

    public Task<UpQueryResponse> Query(UpQueryRequest r, CancellationToken ct)
    {
        if (Malformed(r.MerId, r.TxnType, UpTxnType.Query, r.OrderId, r.TxnTime) is { } bad) return Refuse<UpQueryResponse>(UpRespCode.BadFormat, bad);
        _sim.MaybeLoseAnswer(r.OrderId, "query");
        if (_sim.Find(r.OrderId) is { } o)
        {
            lock (o)
            {
                // The consumption exists once the payer paid (or tried to).
                if (o.State == SimOrderState.Open) return Refuse<UpQueryResponse>(UpRespCode.NoSuchTransaction, "查无此交易");
                var (code, message) = Outcome(o);
                return Task.FromResult(new UpQueryResponse
                {
                    OrderId = o.OrderNo, TxnType = UpTxnType.Consume, TxnTime = UnionPaySignature.Time(o.CreatedAt), TxnAmt = UpAmount.Format(o.Amount),
                    QueryId = QueryId(o.OrderNo), OrigRespCode = code, OrigRespMsg = message, SettleDate = SettleDate(o.PaidAt),
                });
            }
        }
        if (Refund(r.OrderId) is ({ } order, { } refund))
        {
            lock (order)
            {
                var (code, message) = Outcome(refund);
                return Task.FromResult(new UpQueryResponse
                {
                    OrderId = refund.RefundNo, TxnType = UpTxnType.Refund, TxnTime = UnionPaySignature.Time(refund.RequestedAt),
                    TxnAmt = UpAmount.Format(refund.Amount), QueryId = QueryId(refund.RefundNo), OrigQryId = QueryId(order.OrderNo),
                    OrigRespCode = code, OrigRespMsg = message, SettleDate = SettleDate(refund.SettledAt), ReqReserved = _reqReserved.GetValueOrDefault(refund.RefundNo),
                });
            }
        }
        return Refuse<UpQueryResponse>(UpRespCode.NoSuchTransaction, "查无此交易");
    }

    public Task<UpRefundResponse> Refund(UpRefundRequest r, CancellationToken ct)
    {
        if (Malformed(r.MerId, r.TxnType, UpTxnType.Refund, r.OrderId, r.TxnTime) is { } bad) return Refuse<UpRefundResponse>(UpRespCode.BadFormat, bad);
        if (!UpAmount.TryParse(r.TxnAmt, out var fen)) return Refuse<UpRefundResponse>(UpRespCode.BadFormat, "报文格式错误[txnAmt]");
        // The refund's orderId is a transaction of its own: used before (by a refund or an order) it is a duplicate.
        if (_sim.Find(r.OrderId) is not null || Refund(r.OrderId) is not null) return Refuse<UpRefundResponse>(UpRespCode.Duplicate, "重复交易");
        var original = _sim.Orders.FirstOrDefault(o => QueryId(o.OrderNo) == r.OrigQryId);
        if (original is null) return Refuse<UpRefundResponse>(UpRespCode.BadOriginal, "原交易不存在或状态不正确");
        _reqReserved[r.OrderId] = r.ReqReserved;
        try
        {
            _sim.Refund(original.OrderNo, r.OrderId, fen);
        }
        catch (ChannelRejectedException e)
        {
            _reqReserved.TryRemove(r.OrderId, out _);
            return e.Code == "REFUND_AMOUNT_INVALID"
                ? Refuse<UpRefundResponse>(UpRespCode.AmountMismatch, "退货金额超过原交易可退金额")
                : Refuse<UpRefundResponse>(UpRespCode.BadOriginal, "原交易不存在或状态不正确");
        }
        _sim.MaybeLoseAnswer(r.OrderId, "refund");
        return Task.FromResult(new UpRefundResponse { OrderId = r.OrderId, QueryId = QueryId(r.OrderId) });
    }

    public Task<UpCancelResponse> Cancel(UpCancelRequest r, CancellationToken ct)
    {
        if (Malformed(r.MerId, r.TxnType, UpTxnType.Cancel, r.OrderId, r.TxnTime) is { } bad) return Refuse<UpCancelResponse>(UpRespCode.BadFormat, bad);
        if (_sim.Find(r.OrderId) is null) return Refuse<UpCancelResponse>(UpRespCode.BadOriginal, "原交易不存在或状态不正确");
        var order = _sim.Close(r.OrderId);
        _sim.MaybeLoseAnswer(r.OrderId, "cancel");
        if (State(order) == SimOrderState.Paid) return Refuse<UpCancelResponse>(UpRespCode.BadOriginal, "原交易状态不正确[已支付]");
        return Task.FromResult(new UpCancelResponse { OrderId = r.OrderId });
    }

    public Task<IReadOnlyList<UpSettleRow>> FileTransfer(UpFileTransferRequest r, CancellationToken ct)
    {
        if (r.MerId != _keys.MerId || r.TxnType != UpTxnType.FileTransfer || r.SettleDate.Length != 4)
            throw new ChannelRejectedException(_sim.Channel, UpRespCode.BadFormat, "报文格式错误");
        // settleDate has no year: the latest such day that is not in the future.
        var today = DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime);
        var day = new[] { today.Year, today.Year - 1 }
            .Select(y => DateOnly.TryParseExact($"{y}{r.SettleDate}", "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : (DateOnly?)null)
            .FirstOrDefault(d => d <= today) ?? throw new ChannelRejectedException(_sim.Channel, UpRespCode.BadFormat, "报文格式错误[settleDate]");
        _sim.MaybeLoseAnswer(r.SettleDate, "file-transfer");
        return Task.FromResult<IReadOnlyList<UpSettleRow>>(_sim.Statement(day).Select(l => l.Kind == "refund"
            ? new UpSettleRow(UpTxnType.Refund, l.RefundNo!, QueryId(l.RefundNo!), UpAmount.Format(l.Amount), r.SettleDate, _reqReserved.GetValueOrDefault(l.RefundNo!))
            : new UpSettleRow(UpTxnType.Consume, l.OrderNo, QueryId(l.OrderNo), UpAmount.Format(l.Amount), r.SettleDate, null)).ToList());
    }

    /// <summary>UnionPay's back notifications: a consumption's outcome (paid or failed) and a refund's; no "paying" notice.</summary>
    InboundNotification? Notification(SimEvent e)
    {
        var o = e.Order;
        var now = _clock.GetUtcNow();
        var f = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["version"] = "5.1.0",
            ["encoding"] = "UTF-8",
            ["signMethod"] = UnionPaySignature.SecureKeyMethod,
            ["bizType"] = "000000",
            ["accessType"] = "0",
            ["merId"] = _keys.MerId,
            ["currencyCode"] = "156",
            ["traceNo"] = Digits("trace|" + o.OrderNo + "|" + e.Refund?.RefundNo, 6),
            ["traceTime"] = now.ToOffset(TimeSpan.FromHours(8)).ToString("MMddHHmmss", CultureInfo.InvariantCulture),
            ["respTime"] = UnionPaySignature.Time(now),
        };
        lock (o)
        {
            switch (e.Kind)
            {
                case SimEvent.Paid or SimEvent.PaymentFailed:
                    var (code, message) = Outcome(o);
                    f["txnType"] = UpTxnType.Consume;
                    f["txnSubType"] = "07";
                    f["orderId"] = o.OrderNo;
                    f["txnTime"] = UnionPaySignature.Time(o.CreatedAt);
                    f["txnAmt"] = UpAmount.Format(o.Amount);
                    f["queryId"] = QueryId(o.OrderNo);
                    (f["respCode"], f["respMsg"]) = e.Kind == SimEvent.Paid ? (UpRespCode.Success, "成功[0000000]") : (code, message);
                    if (e.Kind == SimEvent.Paid) (f["settleAmt"], f["settleCurrencyCode"], f["settleDate"]) = (UpAmount.Format(o.Amount), "156", SettleDate(o.PaidAt)!);
                    break;
                case SimEvent.Refunded or SimEvent.RefundFailed:
                    var r = e.Refund!;
                    f["txnType"] = UpTxnType.Refund;
                    f["txnSubType"] = "00";
                    f["orderId"] = r.RefundNo;
                    f["txnTime"] = UnionPaySignature.Time(r.RequestedAt);
                    f["txnAmt"] = UpAmount.Format(r.Amount);
                    f["queryId"] = QueryId(r.RefundNo);
                    f["origQryId"] = QueryId(o.OrderNo);
                    f["reqReserved"] = _reqReserved.GetValueOrDefault(r.RefundNo, "");
                    (f["respCode"], f["respMsg"]) = e.Kind == SimEvent.Refunded ? (UpRespCode.Success, "成功[0000000]") : (UpRespCode.Failed, "交易失败[退货失败]");
                    break;
                default:
                    return null;
            }
        }
        f["signature"] = UnionPaySignature.Sign(UnionPaySignature.Content(f), _keys.SecureKey);
        return new InboundNotification(new Dictionary<string, string>(), UnionPaySignature.EncodeForm(f), "application/x-www-form-urlencoded");
    }

    string? Malformed(string merId, string txnType, string expectedTxnType, string orderId, string txnTime)
    {
        if (merId != _keys.MerId) return "报文格式错误[merId]";
        if (txnType != expectedTxnType) return "报文格式错误[txnType]";
        if (orderId.Length is < 8 or > 40 || !orderId.All(char.IsAsciiLetterOrDigit)) return "报文格式错误[orderId: 8 to 40 of 0-9A-Za-z]";
        try { UnionPaySignature.ParseTime(txnTime); }
        catch (FormatException) { return "报文格式错误[txnTime]"; }
        return null;
    }

    /// <summary>The refund with this (refund) orderId, with its order.</summary>
    (SimOrder, SimRefund)? Refund(string orderId)
    {
        foreach (var order in _sim.Orders)
            lock (order)
                if (order.Refunds.TryGetValue(orderId, out var refund)) return (order, refund);
        return null;
    }

    static SimOrderState State(SimOrder o)
    {
        lock (o) return o.State;
    }

    /// <summary>The consumption's origRespCode; call under the order's lock.</summary>
    static (string Code, string Message) Outcome(SimOrder o) => o.State switch
    {
        SimOrderState.Paid => (UpRespCode.Success, "成功[0000000]"),
        SimOrderState.Paying => (UpRespCode.Accepted, "交易已受理，请稍后查询交易结果"),
        SimOrderState.Closed => (UpRespCode.Closed, "交易已关闭"),
        _ => o.FailureCode == "BALANCE_NOT_ENOUGH" ? (UpRespCode.Insufficient, "卡上的余额不足") : (UpRespCode.Failed, "交易失败[持卡人取消]"),
    };

    static (string Code, string Message) Outcome(SimRefund r) => r.State switch
    {
        SimRefundState.Succeeded => (UpRespCode.Success, "成功[0000000]"),
        SimRefundState.Processing => (UpRespCode.Accepted, "交易已受理，请稍后查询交易结果"),
        _ => (UpRespCode.Failed, "交易失败[退货失败]"),
    };

    static string? SettleDate(DateTimeOffset? at) => at?.UtcDateTime.ToString("MMdd", CultureInfo.InvariantCulture);

    /// <summary>UnionPay's 21-digit queryId, fixed by the transaction's orderId so every answer, notice and file agrees.</summary>
    static string QueryId(string orderId) => Digits("query|" + orderId, 21);

    static string Digits(string seed, int count)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        var s = new StringBuilder(count);
        for (var i = 0; s.Length < count; i++) s.Append((char)('0' + hash[i % hash.Length] % 10));
        return s.ToString();
    }

    static Task<T> Refuse<T>(string code, string message) where T : UpResponse, new() => Task.FromResult(new T { RespCode = code, RespMsg = message });
}
