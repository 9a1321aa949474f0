using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SceneFinance.Payments.Channels.ECny;

// A stub of an e-CNY (digital RMB) operator bank's merchant API. e-CNY has no single public merchant API
// (each operator bank publishes its own), so this one is invented in the usual shape: JSON in camelCase,
// merchantOrderNo / merchantRefundNo of exactly 32 decimal digits, amounts in fen as integers, order
// statuses CREATED (invented: the payer has not opened the order yet) / PAYING / PAID / FAILED / CLOSED,
// refund statuses REFUNDING / REFUNDED / REFUND_FAILED, refusals as HTTP 4xx with {"code","message"}, and
// notifications as a JSON body with X-Ecny-Timestamp (unix ms), X-Ecny-Nonce and X-Ecny-Signature headers.
// Simplified: the real schemes sign with SM2 and digest with SM3 (China's national algorithms), which .NET
// does not ship: here the signature is base64 HMAC-SHA256 over "timestamp\nnonce\nbody" with a key shared
// with the bank, and requests are not signed at all. The transport is an interface: the simulator
// implements it in-process; a real SDK would send HTTPS to the operator bank's gateway.

/// <summary>e-CNY order statuses (CREATED, PAYING, PAID, FAILED, CLOSED) and refund statuses (REFUNDING, REFUNDED, REFUND_FAILED).</summary>
public static class ECnyStatus
{
    public const string Created = "CREATED", Paying = "PAYING", Paid = "PAID", Failed = "FAILED", Closed = "CLOSED";
    public const string Refunding = "REFUNDING", Refunded = "REFUNDED", RefundFailed = "REFUND_FAILED";
}

public sealed record ECnyCreateOrderRequest(
    string MerchantNo, string MerchantOrderNo, long Amount, string Subject, string ExpireTime, string NotifyUrl, string Currency = "CNY");

public sealed record ECnyOrder(
    string MerchantNo, string MerchantOrderNo, string Status, long Amount, string? PayUrl = null, string? TransactionId = null,
    string? PaidTime = null, string? FailureCode = null, string? FailureMessage = null);

public sealed record ECnyCreateRefundRequest(
    string MerchantNo, string MerchantOrderNo, string MerchantRefundNo, long RefundAmount, string Reason, string NotifyUrl);

public sealed record ECnyRefund(
    string MerchantNo, string MerchantOrderNo, string MerchantRefundNo, string Status, long RefundAmount,
    string? RefundTransactionId = null, string? FailureCode = null);

/// <summary>A line of the daily statement: <c>Type</c> PAYMENT or REFUND.</summary>
public sealed record ECnyStatementRow(string Date, string Type, string MerchantOrderNo, string? MerchantRefundNo, long Amount, string TransactionId);

/// <summary>The notification body: <c>NotifyType</c> PAYMENT (Status an order status) or REFUND (a refund status, with the refund's fields).</summary>
public sealed record ECnyNotification(
    string NotifyId, string NotifyType, string MerchantNo, string MerchantOrderNo, string Status, long Amount, string EventTime,
    string? TransactionId = null, string? MerchantRefundNo = null, long? RefundAmount = null, string? RefundTransactionId = null,
    string? FailureCode = null)
{
    public const string Payment = "PAYMENT", Refund = "REFUND";
}

/// <summary>The operator bank's merchant API as the SDK calls it (one method per HTTPS endpoint).</summary>
public interface IECnyApi
{
    /// <summary>POST /v1/merchant/orders (idempotent on merchantOrderNo)</summary>
    Task<ECnyOrder> CreateOrder(ECnyCreateOrderRequest request, CancellationToken ct);

    /// <summary>GET /v1/merchant/orders/{merchantOrderNo}?merchantNo=</summary>
    Task<ECnyOrder> GetOrder(string merchantNo, string merchantOrderNo, CancellationToken ct);

    /// <summary>POST /v1/merchant/orders/{merchantOrderNo}/close: the order as it stands afterwards (a paid one stays PAID).</summary>
    Task<ECnyOrder> CloseOrder(string merchantNo, string merchantOrderNo, CancellationToken ct);

    /// <summary>POST /v1/merchant/refunds (idempotent on merchantRefundNo)</summary>
    Task<ECnyRefund> CreateRefund(ECnyCreateRefundRequest request, CancellationToken ct);

    /// <summary>GET /v1/merchant/refunds/{merchantRefundNo}?merchantNo=</summary>
    Task<ECnyRefund> GetRefund(string merchantNo, string merchantRefundNo, CancellationToken ct);

    /// <summary>GET /v1/merchant/statements/{yyyyMMdd}?merchantNo=</summary>
    Task<IReadOnlyList<ECnyStatementRow>> Statement(string merchantNo, string date, CancellationToken ct);
}

/// <summary>The merchant's e-CNY credentials: its merchant number at the operator bank and the key notifications are signed with.</summary>
public sealed class ECnyKeys
{
    public string MerchantNo { get; init; } = "898310060514001";
    public byte[] MerchantKey { get; init; } = RandomNumberGenerator.GetBytes(32);
}

/// <summary>The notification signature (HMAC-SHA256 standing in for SM2/SM3) and the API's JSON.</summary>
public static class ECnyCrypto
{
    public const string TimestampHeader = "x-ecny-timestamp", NonceHeader = "x-ecny-nonce", SignatureHeader = "x-ecny-signature";

    public static string Message(string timestamp, string nonce, string body) => $"{timestamp}\n{nonce}\n{body}";

    public static string Sign(byte[] key, string message) => Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(message)));

    public static bool Verify(byte[] key, string message, string signature)
    {
        try
        {
            return CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(message)), Convert.FromBase64String(signature));
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>camelCase, nulls left out; reading refuses a body without the fields a record requires.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };
}
