using System.Text.Json;
using System.Text.Json.Serialization;

namespace SceneFinance.Scenes.Hospital.Insuring;

// A stub of a medical insurance agency's settlement exchange (医保结算), invented in the usual shape: the hospital is a designated
// institution under its institution code (fixmedinsCode; here the tenant's id), a claim file (e-voucher) names the claim by the
// hospital's claim number (claimNo: idempotent, the same file again is the same claim), amounts are fen as integers, and the
// agency answers later with a notification of its own: result APPROVED, PARTIAL (approvedAmount below claimAmount) or REJECTED,
// with a reason code. The agency signs its notification the way our HIS signs its requests (the platform's one signed-request
// check, X-Insurer-Id naming the signer, version 1.1 with a nonce): real agencies sign with SM2, which .NET does not ship. The
// transport is an interface: the sandbox simulator implements it in-process; a live agency's SDK would send HTTPS.

/// <summary>What the agency says of a claim file it received, and its answers.</summary>
public static class InsurerResults
{
    public const string Accepted = "ACCEPTED";
    public const string Approved = "APPROVED", Partial = "PARTIAL", Rejected = "REJECTED";
    public static readonly string[] Answers = [Approved, Partial, Rejected];
}

/// <summary>One claim file (e-voucher): the insured part of one paid charge order. The patient's name travels masked.</summary>
public sealed record InsurerClaimFile(
    string FixmedinsCode, string ClaimNo, string InsurerId, string PsnName, string MedicalRecordNo, string OrderNo, string ItemName,
    long TotalAmount, long ClaimAmount, string SettleTime, string NotifyUrl);

public sealed record InsurerClaimReceipt(string ClaimNo, string Status, string ReceivedTime);

/// <summary>The agency's answer, posted to the claim file's notifyUrl; <c>NotifyId</c> is the same on every redelivery.</summary>
public sealed record InsurerAnswer(
    string NotifyId, string FixmedinsCode, string ClaimNo, string InsurerId, string Result, long ClaimAmount, long ApprovedAmount,
    string? ReasonCode, string? ReasonText, string AnswerTime);

/// <summary>The agency's settlement API as the SDK calls it (one method per HTTPS endpoint).</summary>
public interface IInsurerApi
{
    /// <summary>POST /claims (idempotent on claimNo: the same file again is answered with the first receipt).</summary>
    Task<InsurerClaimReceipt> SubmitClaim(InsurerClaimFile file, CancellationToken ct);
}

public static class InsurerJson
{
    public const string SignerHeader = "X-Insurer-Id";

    /// <summary>camelCase, nulls left out; reading refuses a body without the fields a record requires.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };
}
