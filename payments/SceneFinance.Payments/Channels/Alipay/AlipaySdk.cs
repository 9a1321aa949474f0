using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace SceneFinance.Payments.Channels.Alipay;

// A stub of the Alipay OpenAPI SDK (face-to-face "precreate" QR payments): its own shapes (snake_case
// biz_content, amounts as yuan strings with two decimals, trade_status names, code 10000 / 40004 with a
// sub_code in the body instead of HTTP errors), its notification format (form-urlencoded trade_status_sync)
// and its signature scheme (RSA2: RSA-SHA256 PKCS#1 over the sorted "k=v&k=v" string of the non-empty
// parameters but sign and sign_type). Simplified: the request envelope (method, timestamp, charset,
// version...), the merchant's own signature on requests and Alipay's on responses are left out (only
// notifications are signed); the bill arrives as rows rather than a zipped CSV behind bill_download_url;
// refund_status REFUND_PROCESSING / REFUND_FAIL and the refund_status / send_back_fee fields of refund
// notices stand in for what Alipay leaves implicit (a missing refund_status means "not succeeded").
// The transport is an interface: the simulator implements it in-process; a real SDK would POST to
// https://openapi.alipay.com/gateway.do.

/// <summary>Alipay's answer envelope: <c>code</c> 10000 is success; 40004 is a business failure named by <c>sub_code</c>.</summary>
public abstract class AlipayResponse
{
    public const string Success = "10000", BusinessFailed = "40004", InvalidArguments = "40002";

    [JsonPropertyName("code")] public string Code { get; init; } = Success;
    [JsonPropertyName("msg")] public string Msg { get; init; } = "Success";
    [JsonPropertyName("sub_code")] public string? SubCode { get; init; }
    [JsonPropertyName("sub_msg")] public string? SubMsg { get; init; }

    [JsonIgnore] public bool IsSuccess => Code == Success;
}

/// <summary>biz_content of alipay.trade.precreate.</summary>
public sealed record AlipayTradePrecreateModel(
    [property: JsonPropertyName("out_trade_no")] string OutTradeNo,
    [property: JsonPropertyName("total_amount")] string TotalAmount,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("time_expire")] string TimeExpire);

public sealed class AlipayTradePrecreateResponse : AlipayResponse
{
    [JsonPropertyName("out_trade_no")] public string? OutTradeNo { get; init; }
    [JsonPropertyName("qr_code")] public string? QrCode { get; init; }
}

public sealed record AlipayTradeQueryModel([property: JsonPropertyName("out_trade_no")] string OutTradeNo);

/// <summary>trade_status: WAIT_BUYER_PAY, TRADE_CLOSED, TRADE_SUCCESS, TRADE_FINISHED.</summary>
public sealed class AlipayTradeQueryResponse : AlipayResponse
{
    [JsonPropertyName("trade_no")] public string? TradeNo { get; init; }
    [JsonPropertyName("out_trade_no")] public string? OutTradeNo { get; init; }
    [JsonPropertyName("buyer_user_id")] public string? BuyerUserId { get; init; }
    [JsonPropertyName("trade_status")] public string? TradeStatus { get; init; }
    [JsonPropertyName("total_amount")] public string? TotalAmount { get; init; }
    [JsonPropertyName("send_pay_date")] public string? SendPayDate { get; init; }
}

public sealed record AlipayTradeCloseModel([property: JsonPropertyName("out_trade_no")] string OutTradeNo);

public sealed class AlipayTradeCloseResponse : AlipayResponse
{
    [JsonPropertyName("trade_no")] public string? TradeNo { get; init; }
    [JsonPropertyName("out_trade_no")] public string? OutTradeNo { get; init; }
}

/// <summary>biz_content of alipay.trade.refund: <c>out_request_no</c> makes a partial refund idempotent.</summary>
public sealed record AlipayTradeRefundModel(
    [property: JsonPropertyName("out_trade_no")] string OutTradeNo,
    [property: JsonPropertyName("refund_amount")] string RefundAmount,
    [property: JsonPropertyName("out_request_no")] string OutRequestNo,
    [property: JsonPropertyName("refund_reason")] string RefundReason);

/// <summary><c>fund_change</c> Y: the money went back; N: not (yet). <c>refund_fee</c> is the trade's total refunded so far.</summary>
public sealed class AlipayTradeRefundResponse : AlipayResponse
{
    [JsonPropertyName("trade_no")] public string? TradeNo { get; init; }
    [JsonPropertyName("out_trade_no")] public string? OutTradeNo { get; init; }
    [JsonPropertyName("buyer_user_id")] public string? BuyerUserId { get; init; }
    [JsonPropertyName("fund_change")] public string? FundChange { get; init; }
    [JsonPropertyName("refund_fee")] public string? RefundFee { get; init; }
}

public sealed record AlipayTradeFastpayRefundQueryModel(
    [property: JsonPropertyName("out_trade_no")] string OutTradeNo,
    [property: JsonPropertyName("out_request_no")] string OutRequestNo);

/// <summary>refund_status: REFUND_SUCCESS (Alipay's), REFUND_PROCESSING and REFUND_FAIL (simplified, see the top).</summary>
public sealed class AlipayTradeFastpayRefundQueryResponse : AlipayResponse
{
    [JsonPropertyName("trade_no")] public string? TradeNo { get; init; }
    [JsonPropertyName("out_trade_no")] public string? OutTradeNo { get; init; }
    [JsonPropertyName("out_request_no")] public string? OutRequestNo { get; init; }
    [JsonPropertyName("total_amount")] public string? TotalAmount { get; init; }
    [JsonPropertyName("refund_amount")] public string? RefundAmount { get; init; }
    [JsonPropertyName("refund_status")] public string? RefundStatus { get; init; }
    [JsonPropertyName("gmt_refund_pay")] public string? GmtRefundPay { get; init; }
}

/// <summary>A row of the trade bill. <c>BizType</c> 交易 (payment) or 退款 (refund, with a negative amount).</summary>
public sealed record AlipayBillRow(string TradeNo, string OutTradeNo, string BizType, string? OutRequestNo, string GmtFinish, string Amount)
{
    public const string Payment = "交易", Refund = "退款";
}

/// <summary>Alipay's OpenAPI as the SDK calls it (one method per API method name on gateway.do).</summary>
public interface IAlipayApi
{
    /// <summary>alipay.trade.precreate (notify_url is a common parameter).</summary>
    Task<AlipayTradePrecreateResponse> Precreate(string appId, string notifyUrl, AlipayTradePrecreateModel bizContent, CancellationToken ct);

    /// <summary>alipay.trade.query</summary>
    Task<AlipayTradeQueryResponse> Query(string appId, AlipayTradeQueryModel bizContent, CancellationToken ct);

    /// <summary>alipay.trade.close</summary>
    Task<AlipayTradeCloseResponse> Close(string appId, AlipayTradeCloseModel bizContent, CancellationToken ct);

    /// <summary>alipay.trade.refund</summary>
    Task<AlipayTradeRefundResponse> Refund(string appId, AlipayTradeRefundModel bizContent, CancellationToken ct);

    /// <summary>alipay.trade.fastpay.refund.query</summary>
    Task<AlipayTradeFastpayRefundQueryResponse> RefundQuery(string appId, AlipayTradeFastpayRefundQueryModel bizContent, CancellationToken ct);

    /// <summary>alipay.data.dataservice.bill.downloadurl.query (bill_type=trade, bill_date yyyy-MM-dd), the bill's rows already downloaded.</summary>
    Task<IReadOnlyList<AlipayBillRow>> DownloadBill(string appId, string billType, string billDate, CancellationToken ct);
}

/// <summary>
/// The merchant's Alipay credentials. Alipay's key pair is generated here for the simulator: Alipay (the
/// simulator) signs with <see cref="AlipayPrivateKey"/>; the merchant (the adapter) only ever uses
/// <see cref="AlipayPublicKey"/>, as it would with the public key downloaded from Alipay's console.
/// </summary>
public sealed class AlipayKeys
{
    public string AppId { get; init; } = "2021000122671234";
    public string SellerId { get; init; } = "2088621938214960";
    public RSA AlipayPrivateKey { get; }
    public RSA AlipayPublicKey { get; }

    public AlipayKeys()
    {
        AlipayPrivateKey = RSA.Create(2048);
        AlipayPublicKey = RSA.Create();
        AlipayPublicKey.ImportSubjectPublicKeyInfo(AlipayPrivateKey.ExportSubjectPublicKeyInfo(), out _);
    }
}

/// <summary>
/// Alipay's amounts: yuan with two decimals ("12.34"), converted to and from fen with integer arithmetic
/// only (money never goes through double or decimal here).
/// </summary>
public static class AlipayAmount
{
    /// <summary>1234 fen -> "12.34"; 1 -> "0.01".</summary>
    public static string ToYuan(long fen)
    {
        if (fen < 0) throw new ArgumentOutOfRangeException(nameof(fen), "Alipay amounts are not negative.");
        return (fen / 100).ToString(CultureInfo.InvariantCulture) + "." + (fen % 100).ToString("D2", CultureInfo.InvariantCulture);
    }

    /// <summary>"12.34" -> 1234, "12.3" -> 1230, "12" -> 1200; anything else (sign, exponent, 3+ decimals, blanks) is refused.</summary>
    public static bool TryToFen(string? yuan, out long fen)
    {
        fen = 0;
        if (string.IsNullOrEmpty(yuan)) return false;
        var dot = yuan.IndexOf('.');
        var whole = dot < 0 ? yuan : yuan[..dot];
        var fraction = dot < 0 ? "" : yuan[(dot + 1)..];
        if (whole.Length is 0 or > 15 || !AllDigits(whole)) return false;
        if (dot >= 0 && (fraction.Length is 0 or > 2 || !AllDigits(fraction))) return false;
        var cents = fraction.Length switch { 0 => 0, 1 => (fraction[0] - '0') * 10, _ => (fraction[0] - '0') * 10 + (fraction[1] - '0') };
        fen = long.Parse(whole, NumberStyles.None, CultureInfo.InvariantCulture) * 100 + cents;
        return true;
    }

    public static long ToFen(string? yuan) =>
        TryToFen(yuan, out var fen) ? fen : throw new FormatException($"'{yuan}' is not an amount in yuan with at most two decimals.");

    static bool AllDigits(string s)
    {
        foreach (var c in s) if (c is < '0' or > '9') return false;
        return true;
    }
}

/// <summary>Alipay's notification form and its RSA2 signature.</summary>
public static class AlipaySignature
{
    public const string Rsa2 = "RSA2";

    /// <summary>The signed content: every non-empty parameter but sign and sign_type, sorted by name, as "k=v&amp;k=v" (values not encoded).</summary>
    public static string Content(IReadOnlyDictionary<string, string> parameters) => string.Join("&",
        parameters.Where(p => p.Key is not ("sign" or "sign_type") && p.Value.Length > 0)
            .OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

    public static string Sign(RSA alipayPrivateKey, string content) =>
        Convert.ToBase64String(alipayPrivateKey.SignData(Encoding.UTF8.GetBytes(content), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    public static bool Verify(RSA alipayPublicKey, string content, string sign)
    {
        try
        {
            return alipayPublicKey.VerifyData(Encoding.UTF8.GetBytes(content), Convert.FromBase64String(sign), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public static string EncodeForm(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join("&", parameters.Select(p => $"{WebUtility.UrlEncode(p.Key)}={WebUtility.UrlEncode(p.Value)}"));

    /// <summary>Parses an application/x-www-form-urlencoded body; a repeated or nameless parameter is a <see cref="FormatException"/>.</summary>
    public static IReadOnlyDictionary<string, string> ParseForm(string body)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var key = WebUtility.UrlDecode(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? "" : WebUtility.UrlDecode(pair[(eq + 1)..]);
            if (key.Length == 0 || !parameters.TryAdd(key, value)) throw new FormatException($"Bad or repeated form parameter '{key}'.");
        }
        return parameters;
    }

    /// <summary>Alipay's times: "yyyy-MM-dd HH:mm:ss" in Beijing time (UTC+8).</summary>
    public static string Time(DateTimeOffset t) => t.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTime(string s) =>
        new(DateTime.ParseExact(s, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None), TimeSpan.FromHours(8));
}
