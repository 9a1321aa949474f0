using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using SceneFinance.Payments.Gateway;
using SceneFinance.Payments.Simulator;

namespace SceneFinance.Payments.Channels.WeChatPay;

/// <summary>WeChat Pay's servers, simulated: the API v3 shapes over <see cref="SimulatedChannel"/>, and its notifications.</summary>
public sealed class WeChatPaySimulator : IWeChatPayApi
{
    readonly SimulatedChannel _sim;
    readonly WeChatPayKeys _keys;
    readonly TimeProvider _clock;

    public WeChatPaySimulator(SimulatedChannel sim, WeChatPayKeys keys, TimeProvider clock)
    {
        (_sim, _keys, _clock) = (sim, keys, clock);
        sim.Format = Notification;
        sim.FormatAgreement = ContractNotification;
        sim.IsAccepted = a => a.StatusCode is 200 or 204;
    }

    public Task<WxNativePrepayResponse> NativePrepay(WxNativePrepayRequest r, CancellationToken ct)
    {
        if (r.MchId != _keys.MchId || r.AppId != _keys.AppId) throw new ChannelRejectedException(_sim.Channel, "PARAM_ERROR", "appid/mchid mismatch");
        if (r.OutTradeNo.Length is < 6 or > 32) throw new ChannelRejectedException(_sim.Channel, "PARAM_ERROR", "out_trade_no must be 6 to 32 characters");
        var order = _sim.Create(r.OutTradeNo, r.Amount.Total, r.Description, DateTimeOffset.Parse(r.TimeExpire, CultureInfo.InvariantCulture));
        _sim.MaybeLoseAnswer(r.OutTradeNo, "native-prepay");
        return Task.FromResult(new WxNativePrepayResponse($"weixin://wxpay/bizpayurl?pr={order.OrderNo}"));
    }

    public Task<WxTransaction> QueryByOutTradeNo(string outTradeNo, string mchId, CancellationToken ct)
    {
        var order = _sim.Find(outTradeNo) ?? throw new ChannelRejectedException(_sim.Channel, "ORDER_NOT_EXIST", "订单不存在");
        _sim.MaybeLoseAnswer(outTradeNo, "query");
        return Task.FromResult(Transaction(order));
    }

    public Task Close(string outTradeNo, string mchId, CancellationToken ct)
    {
        _sim.Close(outTradeNo);
        _sim.MaybeLoseAnswer(outTradeNo, "close");
        return Task.CompletedTask;
    }

    public Task<WxRefund> CreateRefund(WxRefundRequest r, CancellationToken ct)
    {
        var refund = _sim.Refund(r.OutTradeNo, r.OutRefundNo, r.Amount.Refund);
        _sim.MaybeLoseAnswer(r.OutRefundNo, "refund");
        return Task.FromResult(Refund(_sim.Find(r.OutTradeNo)!, refund));
    }

    public Task<WxRefund> QueryRefund(string outRefundNo, CancellationToken ct)
    {
        foreach (var order in _sim.Orders)
            lock (order)
                if (order.Refunds.TryGetValue(outRefundNo, out var refund)) return Task.FromResult(Refund(order, refund));
        throw new ChannelRejectedException(_sim.Channel, "RESOURCE_NOT_EXISTS", "退款单不存在");
    }

    public Task<IReadOnlyList<WxBillRow>> TradeBill(DateOnly billDate, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<WxBillRow>>(_sim.Statement(billDate).Select(l =>
            new WxBillRow(billDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), l.TransactionId, l.OrderNo, l.RefundNo,
                l.Kind == "refund" ? "REFUND" : "SUCCESS", l.Amount)).ToList());

    public Task<WxPreEntrustSignResponse> PreEntrustSign(WxPreEntrustSignRequest r, CancellationToken ct)
    {
        if (r.MchId != _keys.MchId || r.AppId != _keys.AppId || r.PlanId != _keys.PapayPlanId) throw new ChannelRejectedException(_sim.Channel, "PARAM_ERROR", "appid/mchid/plan_id mismatch");
        if (r.OutContractCode.Length is < 6 or > 32) throw new ChannelRejectedException(_sim.Channel, "PARAM_ERROR", "out_contract_code must be 6 to 32 characters");
        var agreement = _sim.OfferAgreement(r.OutContractCode, r.ContractDisplayAccount);
        _sim.MaybeLoseAnswer(r.OutContractCode, "pre-entrust-sign");
        return Task.FromResult(new WxPreEntrustSignResponse($"/simulator/{_sim.Channel}/agreements/{agreement.AgreementNo}"));
    }

    public Task<WxContract> QueryContract(string outContractCode, string planId, CancellationToken ct)
    {
        var agreement = _sim.FindAgreement(outContractCode) ?? throw new ChannelRejectedException(_sim.Channel, "RESOURCE_NOT_EXISTS", "签约协议不存在");
        _sim.MaybeLoseAnswer(outContractCode, "query-contract");
        return Task.FromResult(Contract(agreement));
    }

    public Task TerminateContract(string outContractCode, WxTerminateContractRequest r, CancellationToken ct)
    {
        _sim.TerminateAgreement(outContractCode, "merchant");
        _sim.MaybeLoseAnswer(outContractCode, "terminate-contract");
        return Task.CompletedTask;
    }

    public Task ApplyDeduct(WxPapayApplyRequest r, CancellationToken ct)
    {
        if (r.MchId != _keys.MchId || r.AppId != _keys.AppId) throw new ChannelRejectedException(_sim.Channel, "PARAM_ERROR", "appid/mchid mismatch");
        _sim.Deduct(r.OutTradeNo, r.Amount.Total, r.Description, r.OutContractCode);
        _sim.MaybeLoseAnswer(r.OutTradeNo, "papay-apply");
        return Task.CompletedTask;
    }

    WxContract Contract(SimAgreement a)
    {
        lock (a)
            return new WxContract(_keys.MchId, _keys.PapayPlanId, a.AgreementNo, a.ContractId, a.State switch
            {
                SimAgreementState.Signed => "SIGNED",
                SimAgreementState.Terminated => "TERMINATED",
                _ => "NOT_SIGNED",
            }, a.TerminatedBy == "payer" ? "USER" : a.TerminatedBy is null ? null : "MCH");
    }

    /// <summary>PAPAY.SIGN / PAPAY.TERMINATE, encrypted and signed like every WeChat Pay notification.</summary>
    InboundNotification? ContractNotification(SimAgreement a)
    {
        var contract = Contract(a);
        if (contract.ContractState == "NOT_SIGNED") return null;
        var signed = contract.ContractState == "SIGNED";
        var now = _clock.GetUtcNow();
        var resource = JsonSerializer.Serialize(new WxContractResource(a.AgreementNo, contract.ContractId, _keys.PapayPlanId, signed ? "ADD" : "DELETE",
            now.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)), WxCrypto.Json);
        var eventType = signed ? "PAPAY.SIGN" : "PAPAY.TERMINATE";
        return Signed(JsonSerializer.Serialize(new WxNotification(Guid.NewGuid().ToString(), now.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            "encrypt-resource", eventType, signed ? "签约成功" : "解约通知", WxCrypto.Encrypt(_keys.ApiV3Key, "contract", resource)), WxCrypto.Json), now);
    }

    WxTransaction Transaction(SimOrder o)
    {
        lock (o)
        {
            var state = o.State switch
            {
                SimOrderState.Paid => o.Refunds.Count > 0 ? "REFUND" : "SUCCESS",
                SimOrderState.Paying => "USERPAYING",
                SimOrderState.Failed => "PAYERROR",
                SimOrderState.Closed => "CLOSED",
                _ => "NOTPAY",
            };
            return new WxTransaction(_keys.AppId, _keys.MchId, o.OrderNo, o.TransactionId, "NATIVE", state, state,
                o.PaidAt?.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
                new WxAmount(o.Amount, "CNY", o.State == SimOrderState.Paid ? o.Amount : null));
        }
    }

    static WxRefund Refund(SimOrder o, SimRefund r) => new($"50{r.RefundNo.GetHashCode():X8}", r.RefundNo, o.OrderNo,
        r.State switch { SimRefundState.Succeeded => "SUCCESS", SimRefundState.Failed => "ABNORMAL", _ => "PROCESSING" },
        new WxRefundAmount(r.Amount, o.Amount));

    /// <summary>WeChat Pay notifies successful payments and refund outcomes only: a failed or abandoned payment is found by querying.</summary>
    InboundNotification? Notification(SimEvent e)
    {
        string eventType, originalType, resource;
        switch (e.Kind)
        {
            case SimEvent.Paid:
                (eventType, originalType, resource) = ("TRANSACTION.SUCCESS", "transaction", JsonSerializer.Serialize(Transaction(e.Order), WxCrypto.Json));
                break;
            case SimEvent.Refunded or SimEvent.RefundFailed:
                var r = Refund(e.Order, e.Refund!);
                (eventType, originalType) = (e.Kind == SimEvent.Refunded ? "REFUND.SUCCESS" : "REFUND.ABNORMAL", "refund");
                resource = JsonSerializer.Serialize(new WxRefundResource(r.OutTradeNo, r.OutRefundNo, r.RefundId, r.Status, r.Amount), WxCrypto.Json);
                break;
            default:
                return null;
        }
        var now = _clock.GetUtcNow();
        var body = JsonSerializer.Serialize(new WxNotification(Guid.NewGuid().ToString(), now.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            "encrypt-resource", eventType, eventType == "TRANSACTION.SUCCESS" ? "支付成功" : "退款通知", WxCrypto.Encrypt(_keys.ApiV3Key, originalType, resource)), WxCrypto.Json);
        return Signed(body, now);
    }

    InboundNotification Signed(string body, DateTimeOffset now)
    {
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        return new InboundNotification(new Dictionary<string, string>
        {
            ["wechatpay-timestamp"] = timestamp,
            ["wechatpay-nonce"] = nonce,
            ["wechatpay-serial"] = _keys.PlatformSerial,
            ["wechatpay-signature"] = WxCrypto.Sign(_keys.PlatformKey, WxCrypto.Message(timestamp, nonce, body)),
        }, body, "application/json");
    }
}
