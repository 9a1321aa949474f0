using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using SceneFinance.Payments.Gateway;
using SceneFinance.Payments.Simulator;

namespace SceneFinance.Payments.Channels.ECny;

/// <summary>The e-CNY operator bank, simulated: its merchant API over <see cref="SimulatedChannel"/>, and its notifications.</summary>
public sealed class ECnySimulator : IECnyApi
{
    const long MaxAmount = 10_000_000_000; // 100,000,000.00 yuan

    readonly SimulatedChannel _sim;
    readonly ECnyKeys _keys;
    readonly TimeProvider _clock;

    public ECnySimulator(SimulatedChannel sim, ECnyKeys keys, TimeProvider clock)
    {
        (_sim, _keys, _clock) = (sim, keys, clock);
        sim.Format = Notification;
        sim.IsAccepted = Received;
    }

    public Task<ECnyOrder> CreateOrder(ECnyCreateOrderRequest r, CancellationToken ct)
    {
        Merchant(r.MerchantNo);
        if (!Is32Digits(r.MerchantOrderNo)) throw Refused("INVALID_MERCHANT_ORDER_NO", "merchantOrderNo must be exactly 32 decimal digits");
        if (r.Amount is < 1 or > MaxAmount) throw Refused("INVALID_AMOUNT", "amount must be 1 to 10000000000 fen");
        if (r.Currency != "CNY") throw Refused("INVALID_CURRENCY", "currency must be CNY");
        if (string.IsNullOrEmpty(r.NotifyUrl)) throw Refused("INVALID_NOTIFY_URL", "notifyUrl is required");
        if (!DateTimeOffset.TryParseExact(r.ExpireTime, "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out var expires))
            throw Refused("INVALID_EXPIRE_TIME", "expireTime must be yyyy-MM-ddTHH:mm:ss+08:00");
        SimOrder order;
        try { order = _sim.Create(r.MerchantOrderNo, r.Amount, r.Subject, expires); }
        catch (ChannelRejectedException e) { throw Translated(e); }
        _sim.MaybeLoseAnswer(r.MerchantOrderNo, "create-order");
        return Task.FromResult(Order(order));
    }

    public Task<ECnyOrder> GetOrder(string merchantNo, string merchantOrderNo, CancellationToken ct)
    {
        Merchant(merchantNo);
        var order = _sim.Find(merchantOrderNo) ?? throw Refused("ORDER_NOT_FOUND", "no such order");
        _sim.MaybeLoseAnswer(merchantOrderNo, "get-order");
        return Task.FromResult(Order(order));
    }

    public Task<ECnyOrder> CloseOrder(string merchantNo, string merchantOrderNo, CancellationToken ct)
    {
        Merchant(merchantNo);
        if (_sim.Find(merchantOrderNo) is null) throw Refused("ORDER_NOT_FOUND", "no such order");
        var order = _sim.Close(merchantOrderNo);
        _sim.MaybeLoseAnswer(merchantOrderNo, "close-order");
        return Task.FromResult(Order(order));
    }

    public Task<ECnyRefund> CreateRefund(ECnyCreateRefundRequest r, CancellationToken ct)
    {
        Merchant(r.MerchantNo);
        if (!Is32Digits(r.MerchantRefundNo)) throw Refused("INVALID_MERCHANT_REFUND_NO", "merchantRefundNo must be exactly 32 decimal digits");
        if (r.RefundAmount < 1) throw Refused("INVALID_AMOUNT", "refundAmount must be at least 1 fen");
        if (FindRefund(r.MerchantRefundNo) is ({ } other, _) && other.OrderNo != r.MerchantOrderNo)
            throw Refused("REFUND_CONFLICT", "merchantRefundNo is in use for another order");
        SimRefund refund;
        try { refund = _sim.Refund(r.MerchantOrderNo, r.MerchantRefundNo, r.RefundAmount); }
        catch (ChannelRejectedException e) { throw Translated(e); }
        _sim.MaybeLoseAnswer(r.MerchantRefundNo, "create-refund");
        var order = _sim.Find(r.MerchantOrderNo)!;
        lock (order) return Task.FromResult(Refund(order, refund));
    }

    public Task<ECnyRefund> GetRefund(string merchantNo, string merchantRefundNo, CancellationToken ct)
    {
        Merchant(merchantNo);
        var (order, refund) = FindRefund(merchantRefundNo) ?? throw Refused("REFUND_NOT_FOUND", "no such refund");
        _sim.MaybeLoseAnswer(merchantRefundNo, "get-refund");
        lock (order) return Task.FromResult(Refund(order, refund));
    }

    public Task<IReadOnlyList<ECnyStatementRow>> Statement(string merchantNo, string date, CancellationToken ct)
    {
        Merchant(merchantNo);
        if (!DateOnly.TryParseExact(date, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) throw Refused("INVALID_DATE", "date must be yyyyMMdd");
        _sim.MaybeLoseAnswer(date, "statement");
        return Task.FromResult<IReadOnlyList<ECnyStatementRow>>(_sim.Statement(day).Select(l =>
            new ECnyStatementRow(date, l.Kind == "refund" ? "REFUND" : "PAYMENT", l.OrderNo, l.RefundNo, l.Amount, l.TransactionId)).ToList());
    }

    /// <summary>The bank notifies every step: PAYING when the payer opens the order, PAID or FAILED, and each refund's outcome.</summary>
    InboundNotification? Notification(SimEvent e)
    {
        var o = e.Order;
        var now = _clock.GetUtcNow();
        var eventTime = now.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
        ECnyNotification? body;
        lock (o)
        {
            body = e.Kind switch
            {
                SimEvent.Paying => new ECnyNotification(NewId(), ECnyNotification.Payment, _keys.MerchantNo, o.OrderNo, ECnyStatus.Paying, o.Amount, eventTime),
                SimEvent.Paid => new ECnyNotification(NewId(), ECnyNotification.Payment, _keys.MerchantNo, o.OrderNo, ECnyStatus.Paid, o.Amount, eventTime,
                    TransactionId: o.TransactionId),
                SimEvent.PaymentFailed => new ECnyNotification(NewId(), ECnyNotification.Payment, _keys.MerchantNo, o.OrderNo, ECnyStatus.Failed, o.Amount, eventTime,
                    FailureCode: o.FailureCode),
                SimEvent.Refunded or SimEvent.RefundFailed => new ECnyNotification(NewId(), ECnyNotification.Refund, _keys.MerchantNo, o.OrderNo,
                    e.Kind == SimEvent.Refunded ? ECnyStatus.Refunded : ECnyStatus.RefundFailed, o.Amount, eventTime, TransactionId: o.TransactionId,
                    MerchantRefundNo: e.Refund!.RefundNo, RefundAmount: e.Refund.Amount, RefundTransactionId: e.Refund.RefundTransactionId,
                    FailureCode: e.Kind == SimEvent.RefundFailed ? "WALLET_CLOSED" : null),
                _ => null,
            };
        }
        if (body is null) return null;
        var json = JsonSerializer.Serialize(body, ECnyCrypto.Json);
        var timestamp = now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return new InboundNotification(new Dictionary<string, string>
        {
            [ECnyCrypto.TimestampHeader] = timestamp,
            [ECnyCrypto.NonceHeader] = nonce,
            [ECnyCrypto.SignatureHeader] = ECnyCrypto.Sign(_keys.MerchantKey, ECnyCrypto.Message(timestamp, nonce, json)),
        }, json, "application/json");
    }

    /// <summary>Only 200 with {"result":"RECEIVED"} stops the deliveries.</summary>
    static bool Received(ChannelAnswer a)
    {
        if (a.StatusCode != 200) return false;
        try
        {
            using var doc = JsonDocument.Parse(a.Body);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("result", out var result) &&
                result.ValueKind == JsonValueKind.String && result.GetString() == "RECEIVED";
        }
        catch (JsonException)
        {
            return false;
        }
    }

    ECnyOrder Order(SimOrder o)
    {
        lock (o)
        {
            var status = o.State switch
            {
                SimOrderState.Open => ECnyStatus.Created,
                SimOrderState.Paying => ECnyStatus.Paying,
                SimOrderState.Paid => ECnyStatus.Paid,
                SimOrderState.Failed => ECnyStatus.Failed,
                _ => ECnyStatus.Closed,
            };
            return new ECnyOrder(_keys.MerchantNo, o.OrderNo, status, o.Amount, PayUrl: $"https://pay.ecny.example.cn/c/{o.OrderNo}",
                TransactionId: o.TransactionId, PaidTime: o.PaidAt?.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
                FailureCode: o.FailureCode, FailureMessage: o.FailureCode is null ? null : "payment failed");
        }
    }

    /// <summary>Call under the order's lock.</summary>
    ECnyRefund Refund(SimOrder o, SimRefund r) => new(_keys.MerchantNo, o.OrderNo, r.RefundNo,
        r.State switch { SimRefundState.Succeeded => ECnyStatus.Refunded, SimRefundState.Failed => ECnyStatus.RefundFailed, _ => ECnyStatus.Refunding },
        r.Amount, r.RefundTransactionId, r.State == SimRefundState.Failed ? "WALLET_CLOSED" : null);

    (SimOrder, SimRefund)? FindRefund(string refundNo)
    {
        foreach (var order in _sim.Orders)
            lock (order)
                if (order.Refunds.TryGetValue(refundNo, out var refund)) return (order, refund);
        return null;
    }

    void Merchant(string merchantNo)
    {
        if (merchantNo != _keys.MerchantNo) throw Refused("MERCHANT_MISMATCH", "unknown merchantNo");
    }

    static bool Is32Digits(string no) => no.Length == 32 && no.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0;

    static string NewId() => "N" + Guid.NewGuid().ToString("N");

    ChannelRejectedException Refused(string code, string message) => new(_sim.Channel, code, message);

    ChannelRejectedException Translated(ChannelRejectedException e) => e.Code switch
    {
        "ORDER_NOT_EXIST" => Refused("ORDER_NOT_FOUND", "no such order"),
        "ORDER_MISMATCH" => Refused("ORDER_CONFLICT", "merchantOrderNo is in use with another amount"),
        "REFUND_MISMATCH" => Refused("REFUND_CONFLICT", "merchantRefundNo is in use with another amount"),
        "TRADE_NOT_PAID" => Refused("ORDER_NOT_PAID", "only a PAID order can be refunded"),
        "REFUND_AMOUNT_INVALID" => Refused("REFUND_AMOUNT_EXCEEDED", "more than the order's unrefunded amount"),
        _ => Refused("SYSTEM_ERROR", e.Message),
    };
}
