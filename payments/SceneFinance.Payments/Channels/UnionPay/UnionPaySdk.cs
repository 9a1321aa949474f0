using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace SceneFinance.Payments.Channels.UnionPay;

// A stub of the UnionPay online gateway (UPOP 5.1) SDK for merchant-presented QR payments: its own shapes
// (flat string fields named as on the wire: txnType 01 consume / 04 refund / 31 cancel / 00 query / 76 file
// download, orderId 8 to 40 of [0-9A-Za-z], txnAmt in fen as a digit string, txnTime yyyyMMddHHmmss in
// Beijing time, respCode "00" or an error code in the body, origRespCode in query results, queryId as
// UnionPay's transaction id), its back notifications (form-urlencoded to backUrl) and its "secure key"
// signature (signMethod 11: lowercase hex SHA-256 of the sorted "k=v&k=v" fields but signature, then "&" and
// the hex SHA-256 of the merchant's secure key). Simplified: requests and synchronous answers are typed and
// unsigned (UnionPay signs both ways); a query finds a transaction by orderId alone (UnionPay also wants the
// original txnTime); txnType 31 (consume cancel, which reverses a paid consumption) here only closes an unpaid
// order and refuses a paid one with 35; a closed order queries as origRespCode 39; notifications carry a
// respTime field (the time they were sent) for the freshness check; the settlement file (by settleDate MMdd)
// arrives as rows rather than a zip of fixed-width lines. The transport is an interface: the simulator
// implements it in-process; a real SDK would POST to https://gateway.95516.com/gateway/api/*.do.

/// <summary>UnionPay's txnType values.</summary>
public static class UpTxnType
{
    public const string Query = "00", Consume = "01", Refund = "04", Cancel = "31", FileTransfer = "76";
}

/// <summary>The respCode / origRespCode values the gateway acts on.</summary>
public static class UpRespCode
{
    public const string Success = "00", Failed = "01", Timeout = "03", Unknown = "04", Accepted = "05", BadFormat = "10", BadSignature = "11",
        Duplicate = "12", Missing = "13", NoSuchTransaction = "34", BadOriginal = "35", AmountMismatch = "36", Closed = "39", Insufficient = "64";

    /// <summary>An origRespCode that means "not final yet".</summary>
    public static bool IsProcessing(string? code) => code is Timeout or Unknown or Accepted;
}

/// <summary>txnType 01 / txnSubType 07: apply for a consume QR code (payer scans it with a UnionPay app).</summary>
public sealed record UpQrConsumeRequest(string MerId, string OrderId, string TxnTime, string TxnAmt, string BackUrl, string PayTimeout, string OrderDesc)
{
    public string Version { get; init; } = "5.1.0";
    public string TxnType { get; init; } = UpTxnType.Consume;
    public string TxnSubType { get; init; } = "07";
    public string BizType { get; init; } = "000000";
    public string ChannelType { get; init; } = "08";
    public string AccessType { get; init; } = "0";
    public string CurrencyCode { get; init; } = "156";
}

/// <summary>txnType 00: query a transaction (a consumption or a refund) by its orderId.</summary>
public sealed record UpQueryRequest(string MerId, string OrderId, string TxnTime)
{
    public string Version { get; init; } = "5.1.0";
    public string TxnType { get; init; } = UpTxnType.Query;
    public string TxnSubType { get; init; } = "00";
    public string BizType { get; init; } = "000000";
}

/// <summary>txnType 04: refund (退货) a paid consumption found by <c>origQryId</c>, under the refund's own orderId. <c>reqReserved</c> is echoed back.</summary>
public sealed record UpRefundRequest(string MerId, string OrderId, string TxnTime, string TxnAmt, string OrigQryId, string BackUrl, string ReqReserved)
{
    public string Version { get; init; } = "5.1.0";
    public string TxnType { get; init; } = UpTxnType.Refund;
    public string TxnSubType { get; init; } = "00";
    public string BizType { get; init; } = "000000";
    public string CurrencyCode { get; init; } = "156";
}

/// <summary>txnType 31: cancel (close) the order <c>orderId</c> (simplified, see the top).</summary>
public sealed record UpCancelRequest(string MerId, string OrderId, string TxnTime)
{
    public string Version { get; init; } = "5.1.0";
    public string TxnType { get; init; } = UpTxnType.Cancel;
    public string TxnSubType { get; init; } = "00";
    public string BizType { get; init; } = "000000";
}

/// <summary>txnType 76: download the settlement file of <c>settleDate</c> (MMdd).</summary>
public sealed record UpFileTransferRequest(string MerId, string SettleDate, string TxnTime)
{
    public string Version { get; init; } = "5.1.0";
    public string TxnType { get; init; } = UpTxnType.FileTransfer;
    public string TxnSubType { get; init; } = "01";
    public string FileType { get; init; } = "00";
}

/// <summary>UnionPay's synchronous answer: <c>respCode</c> "00" means the request was accepted, anything else names the refusal.</summary>
public abstract class UpResponse
{
    public string RespCode { get; init; } = UpRespCode.Success;
    public string RespMsg { get; init; } = "成功[0000000]";
    public bool IsSuccess => RespCode == UpRespCode.Success;
}

public sealed class UpQrConsumeResponse : UpResponse
{
    public string? OrderId { get; init; }
    public string? TxnTime { get; init; }
    public string? QrCode { get; init; }
}

/// <summary>The queried transaction: <c>origRespCode</c> "00" done, "03"/"04"/"05" processing, "39" closed (simplified), others failed.</summary>
public sealed class UpQueryResponse : UpResponse
{
    public string? OrderId { get; init; }
    public string? TxnType { get; init; }
    public string? TxnTime { get; init; }
    public string? TxnAmt { get; init; }
    public string? QueryId { get; init; }
    public string? OrigQryId { get; init; }
    public string? OrigRespCode { get; init; }
    public string? OrigRespMsg { get; init; }
    public string? SettleDate { get; init; }
    public string? ReqReserved { get; init; }
}

public sealed class UpRefundResponse : UpResponse
{
    public string? OrderId { get; init; }
    public string? QueryId { get; init; }
}

public sealed class UpCancelResponse : UpResponse
{
    public string? OrderId { get; init; }
}

/// <summary>A settled transaction of the settlement file: consumptions (01) and refunds (04, with the merchant's reqReserved).</summary>
public sealed record UpSettleRow(string TxnType, string OrderId, string QueryId, string TxnAmt, string SettleDate, string? ReqReserved);

/// <summary>UnionPay's gateway as the SDK calls it (one method per transaction kind and endpoint).</summary>
public interface IUnionPayApi
{
    /// <summary>POST /gateway/api/backTransReq.do (txnType 01, txnSubType 07)</summary>
    Task<UpQrConsumeResponse> ApplyQrCode(UpQrConsumeRequest request, CancellationToken ct);

    /// <summary>POST /gateway/api/queryTrans.do (txnType 00)</summary>
    Task<UpQueryResponse> Query(UpQueryRequest request, CancellationToken ct);

    /// <summary>POST /gateway/api/backTransReq.do (txnType 04)</summary>
    Task<UpRefundResponse> Refund(UpRefundRequest request, CancellationToken ct);

    /// <summary>POST /gateway/api/backTransReq.do (txnType 31)</summary>
    Task<UpCancelResponse> Cancel(UpCancelRequest request, CancellationToken ct);

    /// <summary>POST /gateway/api/fileTransfer.do (txnType 76), the file's rows already unpacked.</summary>
    Task<IReadOnlyList<UpSettleRow>> FileTransfer(UpFileTransferRequest request, CancellationToken ct);
}

/// <summary>The merchant's UnionPay credentials: its merchant number and the secure key both sides sign with (signMethod 11).</summary>
public sealed class UnionPayKeys
{
    public string MerId { get; init; } = "777290058110048";
    public string SecureKey { get; init; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
}

/// <summary>UnionPay's amounts: fen as a digit string ("1234" is 12.34 yuan), 1 to 12 digits, no sign, no leading zero.</summary>
public static class UpAmount
{
    public static string Format(long fen) =>
        fen > 0 ? fen.ToString(CultureInfo.InvariantCulture) : throw new ArgumentOutOfRangeException(nameof(fen), "txnAmt is positive.");

    public static bool TryParse(string? txnAmt, out long fen)
    {
        fen = 0;
        if (string.IsNullOrEmpty(txnAmt) || txnAmt.Length > 12 || txnAmt[0] == '0' || txnAmt.AsSpan().IndexOfAnyExceptInRange('0', '9') >= 0) return false;
        fen = long.Parse(txnAmt, NumberStyles.None, CultureInfo.InvariantCulture);
        return true;
    }

    public static long Parse(string? txnAmt) => TryParse(txnAmt, out var fen) ? fen : throw new FormatException($"'{txnAmt}' is not a txnAmt.");
}

/// <summary>UnionPay's forms, times and signMethod 11 signature.</summary>
public static class UnionPaySignature
{
    public const string SecureKeyMethod = "11";

    /// <summary>The signed content: every non-empty field but signature, sorted by name, as "k=v&amp;k=v" (values not encoded).</summary>
    public static string Content(IReadOnlyDictionary<string, string> fields) => string.Join("&",
        fields.Where(f => f.Key != "signature" && f.Value.Length > 0).OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value}"));

    /// <summary>sha256hex(content + "&amp;" + sha256hex(secureKey)), lowercase.</summary>
    public static string Sign(string content, string secureKey) =>
        Sha256Hex(content + "&" + Sha256Hex(secureKey));

    public static bool Verify(string content, string secureKey, string signature) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(content, secureKey)), Encoding.ASCII.GetBytes(signature));

    static string Sha256Hex(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)));

    public static string EncodeForm(IEnumerable<KeyValuePair<string, string>> fields) =>
        string.Join("&", fields.Select(f => $"{WebUtility.UrlEncode(f.Key)}={WebUtility.UrlEncode(f.Value)}"));

    /// <summary>Parses an application/x-www-form-urlencoded body; a repeated or nameless field is a <see cref="FormatException"/>.</summary>
    public static IReadOnlyDictionary<string, string> ParseForm(string body)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var key = WebUtility.UrlDecode(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? "" : WebUtility.UrlDecode(pair[(eq + 1)..]);
            if (key.Length == 0 || !fields.TryAdd(key, value)) throw new FormatException($"Bad or repeated form field '{key}'.");
        }
        return fields;
    }

    /// <summary>UnionPay's times: yyyyMMddHHmmss in Beijing time (UTC+8).</summary>
    public static string Time(DateTimeOffset t) => t.ToOffset(TimeSpan.FromHours(8)).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTime(string s) =>
        new(DateTime.ParseExact(s, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None), TimeSpan.FromHours(8));
}
