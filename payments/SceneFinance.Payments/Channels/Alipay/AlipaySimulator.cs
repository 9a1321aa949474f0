using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SceneFinance.Payments.Gateway;
using SceneFinance.Payments.Simulator;

namespace SceneFinance.Payments.Channels.Alipay;

/// <summary>Alipay's servers, simulated: the OpenAPI shapes over <see cref="SimulatedChannel"/>, and its notifications.</summary>
public sealed class AlipaySimulator : IAlipayApi
{
    readonly SimulatedChannel _sim;
    readonly AlipayKeys _keys;
    readonly TimeProvider _clock;

    public AlipaySimulator(SimulatedChannel sim, AlipayKeys keys, TimeProvider clock)
    {
        (_sim, _keys, _clock) = (sim, keys, clock);
        sim.Format = Notification;
        sim.IsAccepted = a => a.StatusCode == 200 && a.Body == "success";
    }

    public Task<AlipayTradePrecreateResponse> Precreate(string appId, string notifyUrl, AlipayTradePrecreateModel m, CancellationToken ct)
    {
        if (appId != _keys.AppId) return Invalid<AlipayTradePrecreateResponse>("isv.invalid-app-id", "无效的AppID参数");
        if (!LegalNo(m.OutTradeNo)) return Failed<AlipayTradePrecreateResponse>("ACQ.INVALID_PARAMETER", "out_trade_no: up to 64 of [A-Za-z0-9_]");
        if (!AlipayAmount.TryToFen(m.TotalAmount, out var fen) || fen is < 1 or > 10_000_000_000)
            return Failed<AlipayTradePrecreateResponse>("ACQ.INVALID_PARAMETER", "total_amount: 0.01 to 100000000.00 with at most two decimals");
        if (m.Subject.Length is 0 or > 256) return Failed<AlipayTradePrecreateResponse>("ACQ.INVALID_PARAMETER", "subject: 1 to 256 characters");
        DateTimeOffset expires;
        try { expires = AlipaySignature.ParseTime(m.TimeExpire); }
        catch (FormatException) { return Failed<AlipayTradePrecreateResponse>("ACQ.INVALID_PARAMETER", "time_expire: yyyy-MM-dd HH:mm:ss"); }
        SimOrder order;
        try { order = _sim.Create(m.OutTradeNo, fen, m.Subject, expires); }
        catch (ChannelRejectedException e) { return Failed<AlipayTradePrecreateResponse>(e); }
        var state = State(order);
        _sim.MaybeLoseAnswer(m.OutTradeNo, "precreate");
        return state switch
        {
            SimOrderState.Paid => Failed<AlipayTradePrecreateResponse>("ACQ.TRADE_HAS_SUCCESS", "交易已被支付"),
            SimOrderState.Closed or SimOrderState.Failed => Failed<AlipayTradePrecreateResponse>("ACQ.TRADE_HAS_CLOSE", "交易已经关闭"),
            _ => Task.FromResult(new AlipayTradePrecreateResponse { OutTradeNo = order.OrderNo, QrCode = $"https://qr.alipay.com/bax0{order.OrderNo}" }),
        };
    }

    public Task<AlipayTradeQueryResponse> Query(string appId, AlipayTradeQueryModel m, CancellationToken ct)
    {
        if (appId != _keys.AppId) return Invalid<AlipayTradeQueryResponse>("isv.invalid-app-id", "无效的AppID参数");
        var order = _sim.Find(m.OutTradeNo);
        _sim.MaybeLoseAnswer(m.OutTradeNo, "query");
        // A precreated trade comes into being at Alipay when the payer scans the code.
        if (order is null || State(order) == SimOrderState.Open) return Failed<AlipayTradeQueryResponse>("ACQ.TRADE_NOT_EXIST", "交易不存在");
        lock (order)
        {
            return Task.FromResult(new AlipayTradeQueryResponse
            {
                TradeNo = TradeNo(order), OutTradeNo = order.OrderNo, BuyerUserId = Buyer(order), TradeStatus = TradeStatus(order),
                TotalAmount = AlipayAmount.ToYuan(order.Amount), SendPayDate = order.PaidAt is { } paid ? AlipaySignature.Time(paid) : null,
            });
        }
    }

    public Task<AlipayTradeCloseResponse> Close(string appId, AlipayTradeCloseModel m, CancellationToken ct)
    {
        if (appId != _keys.AppId) return Invalid<AlipayTradeCloseResponse>("isv.invalid-app-id", "无效的AppID参数");
        var order = _sim.Find(m.OutTradeNo);
        if (order is null) return Failed<AlipayTradeCloseResponse>("ACQ.TRADE_NOT_EXIST", "交易不存在");
        var closed = _sim.Close(m.OutTradeNo);
        _sim.MaybeLoseAnswer(m.OutTradeNo, "close");
        if (State(closed) == SimOrderState.Paid) return Failed<AlipayTradeCloseResponse>("ACQ.TRADE_STATUS_ERROR", "交易状态不合法");
        return Task.FromResult(new AlipayTradeCloseResponse { TradeNo = TradeNo(closed), OutTradeNo = closed.OrderNo });
    }

    public Task<AlipayTradeRefundResponse> Refund(string appId, AlipayTradeRefundModel m, CancellationToken ct)
    {
        if (appId != _keys.AppId) return Invalid<AlipayTradeRefundResponse>("isv.invalid-app-id", "无效的AppID参数");
        if (!LegalNo(m.OutRequestNo)) return Failed<AlipayTradeRefundResponse>("ACQ.INVALID_PARAMETER", "out_request_no: up to 64 of [A-Za-z0-9_]");
        if (!AlipayAmount.TryToFen(m.RefundAmount, out var fen) || fen < 1)
            return Failed<AlipayTradeRefundResponse>("ACQ.INVALID_PARAMETER", "refund_amount: at least 0.01 with at most two decimals");
        SimRefund refund;
        try { refund = _sim.Refund(m.OutTradeNo, m.OutRequestNo, fen); }
        catch (ChannelRejectedException e) { return Failed<AlipayTradeRefundResponse>(e); }
        _sim.MaybeLoseAnswer(m.OutRequestNo, "refund");
        var order = _sim.Find(m.OutTradeNo)!;
        lock (order)
        {
            return Task.FromResult(new AlipayTradeRefundResponse
            {
                TradeNo = TradeNo(order), OutTradeNo = order.OrderNo, BuyerUserId = Buyer(order),
                FundChange = refund.State == SimRefundState.Succeeded ? "Y" : "N", RefundFee = AlipayAmount.ToYuan(Refunded(order)),
            });
        }
    }

    public Task<AlipayTradeFastpayRefundQueryResponse> RefundQuery(string appId, AlipayTradeFastpayRefundQueryModel m, CancellationToken ct)
    {
        if (appId != _keys.AppId) return Invalid<AlipayTradeFastpayRefundQueryResponse>("isv.invalid-app-id", "无效的AppID参数");
        var order = _sim.Find(m.OutTradeNo);
        _sim.MaybeLoseAnswer(m.OutRequestNo, "refund-query");
        if (order is null) return Failed<AlipayTradeFastpayRefundQueryResponse>("ACQ.TRADE_NOT_EXIST", "交易不存在");
        lock (order)
        {
            if (!order.Refunds.TryGetValue(m.OutRequestNo, out var refund))
                return Failed<AlipayTradeFastpayRefundQueryResponse>("ACQ.TRADE_NOT_EXIST", "退款请求不存在");
            return Task.FromResult(new AlipayTradeFastpayRefundQueryResponse
            {
                TradeNo = TradeNo(order), OutTradeNo = order.OrderNo, OutRequestNo = refund.RefundNo,
                TotalAmount = AlipayAmount.ToYuan(order.Amount), RefundAmount = AlipayAmount.ToYuan(refund.Amount),
                RefundStatus = RefundStatus(refund), GmtRefundPay = refund.SettledAt is { } at ? AlipaySignature.Time(at) : null,
            });
        }
    }

    public Task<IReadOnlyList<AlipayBillRow>> DownloadBill(string appId, string billType, string billDate, CancellationToken ct)
    {
        if (appId != _keys.AppId || billType != "trade") throw new ChannelRejectedException(_sim.Channel, "isv.invalid-parameter", "bill_type");
        var day = DateOnly.ParseExact(billDate, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        _sim.MaybeLoseAnswer(billDate, "bill");
        return Task.FromResult<IReadOnlyList<AlipayBillRow>>(_sim.Statement(day).Select(l => l.Kind == "refund"
            ? new AlipayBillRow(TradeNo(l.OrderNo), l.OrderNo, AlipayBillRow.Refund, l.RefundNo, billDate, "-" + AlipayAmount.ToYuan(l.Amount))
            : new AlipayBillRow(TradeNo(l.OrderNo), l.OrderNo, AlipayBillRow.Payment, null, billDate, AlipayAmount.ToYuan(l.Amount))).ToList());
    }

    /// <summary>
    /// Alipay notifies every change of the trade: WAIT_BUYER_PAY when the payer scans, TRADE_SUCCESS, TRADE_CLOSED when
    /// the payment fails, and each refund's outcome (the trade's status, with out_biz_no, refund_fee and refund_status).
    /// </summary>
    InboundNotification? Notification(SimEvent e)
    {
        var o = e.Order;
        var now = _clock.GetUtcNow();
        var p = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["notify_time"] = AlipaySignature.Time(now),
            ["notify_type"] = "trade_status_sync",
            ["notify_id"] = Guid.NewGuid().ToString("N"),
            ["app_id"] = _keys.AppId,
            ["charset"] = "utf-8",
            ["version"] = "1.0",
            ["seller_id"] = _keys.SellerId,
            ["out_trade_no"] = o.OrderNo,
            ["trade_no"] = TradeNo(o),
            ["buyer_id"] = Buyer(o) ?? "",
            ["subject"] = o.Description,
            ["total_amount"] = AlipayAmount.ToYuan(o.Amount),
            ["gmt_create"] = AlipaySignature.Time(o.CreatedAt),
        };
        lock (o)
        {
            switch (e.Kind)
            {
                case SimEvent.Paying:
                    p["trade_status"] = "WAIT_BUYER_PAY";
                    break;
                case SimEvent.Paid:
                    p["trade_status"] = "TRADE_SUCCESS";
                    p["receipt_amount"] = AlipayAmount.ToYuan(o.Amount);
                    p["gmt_payment"] = AlipaySignature.Time(o.PaidAt!.Value);
                    break;
                case SimEvent.PaymentFailed:
                    p["trade_status"] = "TRADE_CLOSED";
                    p["gmt_close"] = AlipaySignature.Time(now);
                    break;
                case SimEvent.Refunded or SimEvent.RefundFailed:
                    var r = e.Refund!;
                    p["trade_status"] = TradeStatus(o);
                    p["gmt_payment"] = AlipaySignature.Time(o.PaidAt!.Value);
                    p["out_biz_no"] = r.RefundNo;
                    p["refund_fee"] = AlipayAmount.ToYuan(Refunded(o));
                    p["send_back_fee"] = AlipayAmount.ToYuan(r.Amount);
                    p["gmt_refund"] = AlipaySignature.Time(r.SettledAt ?? now);
                    p["refund_status"] = RefundStatus(r);
                    break;
                default:
                    return null;
            }
        }
        p["sign"] = AlipaySignature.Sign(_keys.AlipayPrivateKey, AlipaySignature.Content(p));
        p["sign_type"] = AlipaySignature.Rsa2;
        return new InboundNotification(new Dictionary<string, string>(), AlipaySignature.EncodeForm(p), "application/x-www-form-urlencoded; charset=utf-8");
    }

    static SimOrderState State(SimOrder o)
    {
        lock (o) return o.State;
    }

    /// <summary>Call under the order's lock. A trade paid then wholly refunded is TRADE_CLOSED.</summary>
    static string TradeStatus(SimOrder o) => o.State switch
    {
        SimOrderState.Paid => Refunded(o) == o.Amount ? "TRADE_CLOSED" : "TRADE_SUCCESS",
        SimOrderState.Paying => "WAIT_BUYER_PAY",
        _ => "TRADE_CLOSED",
    };

    static long Refunded(SimOrder o) => o.Refunds.Values.Where(r => r.State == SimRefundState.Succeeded).Sum(r => r.Amount);

    static string RefundStatus(SimRefund r) => r.State switch
    {
        SimRefundState.Succeeded => "REFUND_SUCCESS",
        SimRefundState.Failed => "REFUND_FAIL",
        _ => "REFUND_PROCESSING",
    };

    /// <summary>The payer's Alipay user id once they scanned the code (a 16-digit 2088 number), none before.</summary>
    static string? Buyer(SimOrder o) => o.State is SimOrderState.Paying or SimOrderState.Paid or SimOrderState.Failed ? "2088" + Digits("buyer|" + o.OrderNo, 12) : null;

    static string TradeNo(SimOrder o) => TradeNo(o.OrderNo);

    /// <summary>Alipay's 28-digit trade number, fixed by the order number so every answer and notice agrees.</summary>
    static string TradeNo(string orderNo) => "2026" + Digits("trade|" + orderNo, 24);

    static string Digits(string seed, int count)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        var s = new StringBuilder(count);
        for (var i = 0; s.Length < count; i++) s.Append((char)('0' + hash[i % hash.Length] % 10));
        return s.ToString();
    }

    static bool LegalNo(string no) => no.Length is >= 1 and <= 64 && no.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    static Task<T> Failed<T>(ChannelRejectedException e) where T : AlipayResponse, new() => e.Code switch
    {
        "ORDER_NOT_EXIST" => Failed<T>("ACQ.TRADE_NOT_EXIST", "交易不存在"),
        "ORDER_MISMATCH" or "REFUND_MISMATCH" => Failed<T>("ACQ.CONTEXT_INCONSISTENT", "交易信息被篡改"),
        "TRADE_NOT_PAID" => Failed<T>("ACQ.TRADE_STATUS_ERROR", "交易状态不合法"),
        "REFUND_AMOUNT_INVALID" => Failed<T>("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限"),
        _ => Failed<T>("ACQ.SYSTEM_ERROR", "系统错误"),
    };

    static Task<T> Failed<T>(string subCode, string subMsg) where T : AlipayResponse, new() =>
        Task.FromResult(new T { Code = AlipayResponse.BusinessFailed, Msg = "Business Failed", SubCode = subCode, SubMsg = subMsg });

    static Task<T> Invalid<T>(string subCode, string subMsg) where T : AlipayResponse, new() =>
        Task.FromResult(new T { Code = AlipayResponse.InvalidArguments, Msg = "Invalid Arguments", SubCode = subCode, SubMsg = subMsg });
}
