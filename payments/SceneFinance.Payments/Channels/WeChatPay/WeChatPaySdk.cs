using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SceneFinance.Payments.Channels.WeChatPay;

// A stub of the WeChat Pay API v3 SDK: its own shapes (snake_case, amounts in fen as integers, trade_state
// names), its notification format (an AES-256-GCM encrypted resource) and its signature scheme (RSA-SHA256
// over "timestamp\nnonce\nbody\n" in Wechatpay-* headers). The transport is an interface: the simulator
// implements it in-process; a real SDK would send HTTPS to api.mch.weixin.qq.com.

public sealed record WxAmount(
    [property: JsonPropertyName("total")] long Total,
    [property: JsonPropertyName("currency")] string Currency = "CNY",
    [property: JsonPropertyName("payer_total")] long? PayerTotal = null);

public sealed record WxNativePrepayRequest(
    [property: JsonPropertyName("appid")] string AppId,
    [property: JsonPropertyName("mchid")] string MchId,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("out_trade_no")] string OutTradeNo,
    [property: JsonPropertyName("time_expire")] string TimeExpire,
    [property: JsonPropertyName("notify_url")] string NotifyUrl,
    [property: JsonPropertyName("amount")] WxAmount Amount);

public sealed record WxNativePrepayResponse([property: JsonPropertyName("code_url")] string CodeUrl);

/// <summary>trade_state: SUCCESS, REFUND, NOTPAY, CLOSED, REVOKED, USERPAYING, PAYERROR.</summary>
public sealed record WxTransaction(
    [property: JsonPropertyName("appid")] string AppId,
    [property: JsonPropertyName("mchid")] string MchId,
    [property: JsonPropertyName("out_trade_no")] string OutTradeNo,
    [property: JsonPropertyName("transaction_id")] string? TransactionId,
    [property: JsonPropertyName("trade_type")] string TradeType,
    [property: JsonPropertyName("trade_state")] string TradeState,
    [property: JsonPropertyName("trade_state_desc")] string TradeStateDesc,
    [property: JsonPropertyName("success_time")] string? SuccessTime,
    [property: JsonPropertyName("amount")] WxAmount Amount);

public sealed record WxRefundAmount(
    [property: JsonPropertyName("refund")] long Refund,
    [property: JsonPropertyName("total")] long Total,
    [property: JsonPropertyName("currency")] string Currency = "CNY");

public sealed record WxRefundRequest(
    [property: JsonPropertyName("out_trade_no")] string OutTradeNo,
    [property: JsonPropertyName("out_refund_no")] string OutRefundNo,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("notify_url")] string NotifyUrl,
    [property: JsonPropertyName("amount")] WxRefundAmount Amount);

/// <summary>status: SUCCESS, CLOSED, PROCESSING, ABNORMAL.</summary>
public sealed record WxRefund(
    [property: JsonPropertyName("refund_id")] string RefundId,
    [property: JsonPropertyName("out_refund_no")] string OutRefundNo,
    [property: JsonPropertyName("out_trade_no")] string OutTradeNo,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("amount")] WxRefundAmount Amount);

public sealed record WxBillRow(string TradeTime, string TransactionId, string OutTradeNo, string? OutRefundNo, string TradeState, long Fen);

public sealed record WxNotifyResource(
    [property: JsonPropertyName("original_type")] string OriginalType,
    [property: JsonPropertyName("algorithm")] string Algorithm,
    [property: JsonPropertyName("ciphertext")] string Ciphertext,
    [property: JsonPropertyName("associated_data")] string AssociatedData,
    [property: JsonPropertyName("nonce")] string Nonce);

/// <summary>event_type: TRANSACTION.SUCCESS, REFUND.SUCCESS, REFUND.ABNORMAL, REFUND.CLOSED.</summary>
public sealed record WxNotification(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("create_time")] string CreateTime,
    [property: JsonPropertyName("resource_type")] string ResourceType,
    [property: JsonPropertyName("event_type")] string EventType,
    [property: JsonPropertyName("summary")] string Summary,
    [property: JsonPropertyName("resource")] WxNotifyResource Resource);

/// <summary>The decrypted resource of a refund notification.</summary>
public sealed record WxRefundResource(
    [property: JsonPropertyName("out_trade_no")] string OutTradeNo,
    [property: JsonPropertyName("out_refund_no")] string OutRefundNo,
    [property: JsonPropertyName("refund_id")] string RefundId,
    [property: JsonPropertyName("refund_status")] string RefundStatus,
    [property: JsonPropertyName("amount")] WxRefundAmount Amount);

// 委托代扣 (papay): the payer signs a contract under the merchant's plan in WeChat; the merchant then applies for debits.

public sealed record WxPreEntrustSignRequest(
    [property: JsonPropertyName("appid")] string AppId,
    [property: JsonPropertyName("mchid")] string MchId,
    [property: JsonPropertyName("plan_id")] string PlanId,
    [property: JsonPropertyName("out_contract_code")] string OutContractCode,
    [property: JsonPropertyName("contract_display_account")] string ContractDisplayAccount,
    [property: JsonPropertyName("notify_url")] string NotifyUrl);

public sealed record WxPreEntrustSignResponse([property: JsonPropertyName("redirect_url")] string RedirectUrl);

/// <summary>contract_state: NOT_SIGNED, SIGNED, TERMINATED.</summary>
public sealed record WxContract(
    [property: JsonPropertyName("mchid")] string MchId,
    [property: JsonPropertyName("plan_id")] string PlanId,
    [property: JsonPropertyName("out_contract_code")] string OutContractCode,
    [property: JsonPropertyName("contract_id")] string? ContractId,
    [property: JsonPropertyName("contract_state")] string ContractState,
    [property: JsonPropertyName("contract_termination_mode")] string? TerminationMode = null);

public sealed record WxTerminateContractRequest(
    [property: JsonPropertyName("mchid")] string MchId,
    [property: JsonPropertyName("contract_termination_remark")] string Remark);

public sealed record WxPapayApplyRequest(
    [property: JsonPropertyName("appid")] string AppId,
    [property: JsonPropertyName("mchid")] string MchId,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("out_trade_no")] string OutTradeNo,
    [property: JsonPropertyName("out_contract_code")] string OutContractCode,
    [property: JsonPropertyName("notify_url")] string NotifyUrl,
    [property: JsonPropertyName("amount")] WxAmount Amount);

/// <summary>The decrypted resource of a contract notification (event_type PAPAY.SIGN or PAPAY.TERMINATE); change_type ADD or DELETE.</summary>
public sealed record WxContractResource(
    [property: JsonPropertyName("out_contract_code")] string OutContractCode,
    [property: JsonPropertyName("contract_id")] string? ContractId,
    [property: JsonPropertyName("plan_id")] string PlanId,
    [property: JsonPropertyName("change_type")] string ChangeType,
    [property: JsonPropertyName("operate_time")] string OperateTime);

/// <summary>WeChat Pay's API as the SDK calls it (one method per HTTPS endpoint).</summary>
public interface IWeChatPayApi
{
    /// <summary>POST /v3/pay/transactions/native</summary>
    Task<WxNativePrepayResponse> NativePrepay(WxNativePrepayRequest request, CancellationToken ct);

    /// <summary>GET /v3/pay/transactions/out-trade-no/{out_trade_no}?mchid=</summary>
    Task<WxTransaction> QueryByOutTradeNo(string outTradeNo, string mchId, CancellationToken ct);

    /// <summary>POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close</summary>
    Task Close(string outTradeNo, string mchId, CancellationToken ct);

    /// <summary>POST /v3/refund/domestic/refunds</summary>
    Task<WxRefund> CreateRefund(WxRefundRequest request, CancellationToken ct);

    /// <summary>GET /v3/refund/domestic/refunds/{out_refund_no}</summary>
    Task<WxRefund> QueryRefund(string outRefundNo, CancellationToken ct);

    /// <summary>GET /v3/bill/tradebill?bill_date= (the bill's rows, already downloaded).</summary>
    Task<IReadOnlyList<WxBillRow>> TradeBill(DateOnly billDate, CancellationToken ct);

    /// <summary>POST /v3/papay/contracts/pre-entrust-sign</summary>
    Task<WxPreEntrustSignResponse> PreEntrustSign(WxPreEntrustSignRequest request, CancellationToken ct);

    /// <summary>GET /v3/papay/contracts/out-contract-code/{out_contract_code}?plan_id=</summary>
    Task<WxContract> QueryContract(string outContractCode, string planId, CancellationToken ct);

    /// <summary>POST /v3/papay/contracts/out-contract-code/{out_contract_code}/terminate</summary>
    Task TerminateContract(string outContractCode, WxTerminateContractRequest request, CancellationToken ct);

    /// <summary>POST /v3/papay/pay/transactions/apply (the outcome is queried or notified like a Native payment's).</summary>
    Task ApplyDeduct(WxPapayApplyRequest request, CancellationToken ct);
}

/// <summary>The merchant's WeChat Pay credentials: ids, the API v3 key (decrypts notifications) and the platform's public key (verifies them).</summary>
public sealed class WeChatPayKeys
{
    public string AppId { get; init; } = "wx8888888888888888";
    public string MchId { get; init; } = "1900000109";
    public byte[] ApiV3Key { get; init; } = RandomNumberGenerator.GetBytes(32);
    public RSA PlatformKey { get; init; } = RSA.Create(2048);
    public string PlatformSerial { get; init; } = "5157F09EFDC096DE15EBE81A47057A72";
    /// <summary>The 委托代扣 template (plan) the merchant registered with WeChat Pay.</summary>
    public string PapayPlanId { get; init; } = "12535";
}

/// <summary>WeChat Pay's notification cryptography: the resource is AES-256-GCM encrypted, the body RSA-SHA256 signed.</summary>
public static class WxCrypto
{
    public static string Message(string timestamp, string nonce, string body) => $"{timestamp}\n{nonce}\n{body}\n";

    public static string Sign(RSA key, string message) =>
        Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(message), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    public static bool Verify(RSA key, string message, string signature)
    {
        try
        {
            return key.VerifyData(Encoding.UTF8.GetBytes(message), Convert.FromBase64String(signature), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public static WxNotifyResource Encrypt(byte[] key, string originalType, string plaintext)
    {
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(9))[..12]; // WeChat uses 12 printable characters
        const string aad = "transaction";
        using var gcm = new AesGcm(key, 16);
        var data = Encoding.UTF8.GetBytes(plaintext);
        var cipher = new byte[data.Length];
        var tag = new byte[16];
        gcm.Encrypt(Encoding.UTF8.GetBytes(nonce), data, cipher, tag, Encoding.UTF8.GetBytes(aad));
        return new WxNotifyResource(originalType, "AEAD_AES_256_GCM", Convert.ToBase64String([.. cipher, .. tag]), aad, nonce);
    }

    public static string Decrypt(byte[] key, WxNotifyResource resource)
    {
        var all = Convert.FromBase64String(resource.Ciphertext);
        if (all.Length < 16) throw new CryptographicException("The ciphertext is too short.");
        var plain = new byte[all.Length - 16];
        using var gcm = new AesGcm(key, 16);
        gcm.Decrypt(Encoding.UTF8.GetBytes(resource.Nonce), all.AsSpan(0, all.Length - 16), all.AsSpan(all.Length - 16), plain, Encoding.UTF8.GetBytes(resource.AssociatedData));
        return Encoding.UTF8.GetString(plain);
    }

    public static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
}
