using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Marten;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Platform.Time;
using SceneFinance.Scenes.Hospital.Patients;

namespace SceneFinance.Scenes.Hospital.Insuring;

/// <summary>What the inbox says to the agency: it stops delivering an answer once it reads <c>SUCCESS</c>.</summary>
public sealed record InsurerAck(string Code, string ClaimNo, string NotifyId);

/// <summary>
/// Where insurers' signed answers land (over HTTP, or in-process from the simulator): the platform's one signed-request check
/// (<see cref="RequestSignature"/>, <c>X-Insurer-Id</c> naming the signer, 64 KB at most), then the claim, then the patient's
/// account records the answer once: the same answer again (a redelivery) changes nothing, and a captured request sent again is
/// refused by its nonce. Only the sandbox agency has a key so far: an answer for a live tenant's claim does not verify.
/// </summary>
public sealed class InsuranceNotifications(IDocumentStore store, IGrainFactory grains, ITenantDirectory tenants, SignatureNonces nonces, InsurerSimulator simulator, TimeProvider clock)
{
    public const string Path = "/api/v1/insurance/notifications";

    public static void MapInsuranceNotifications(IEndpointRouteBuilder api) =>
        api.MapPost("/insurance/notifications", async (HttpContext http, InsuranceNotifications inbox) => (await inbox.Receive(http.Request)).ToOk())
            .AllowAnonymous().WithTags("Hospital").Caller(CallerKind.Channel)
            .Doc("receiveInsurerAnswer", "Insurers: the answer to an insurance claim (signed by the insurer)",
                "The agency's own shape: result APPROVED (the claimed part is paid), PARTIAL (approvedAmount below claimAmount: the rest is due from the "
                + "patient again) or REJECTED (all of it is due from the patient), for the claim named by fixmedinsCode and claimNo. Signed like the HIS's "
                + "requests (X-Insurer-Id, X-Timestamp, X-Signature; version 1.1 with X-Nonce: a captured request sent again is 401). The same answer "
                + "delivered again is applied once; another answer to an answered claim is 409. Answered {code: SUCCESS}.")
            .SignedBody<InsurerAnswer>()
            .Problems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);

    public async Task<Outcome<InsurerAck>> Receive(HttpRequest request)
    {
        var now = clock.GetUtcNow();
        // The sandbox agency (the simulator) stands in for every insurer id: its key is the one there is.
        var (insurerId, body) = await RequestSignature.Verify<string>(request, InsurerJson.SignerHeader, now,
            id => Task.FromResult<(string, byte[])?>((id, simulator.Key)), nonces: nonces);
        var a = JsonBody.Parse<InsurerAnswer>(body);
        new Validation()
            .OneOf(a.Result, "result", InsurerResults.Answers)
            .Text(a.NotifyId, "notifyId", 64).Text(a.ClaimNo, "claimNo", 64).Text(a.FixmedinsCode, "fixmedinsCode", 64)
            .Require(a.ReasonText is null || a.ReasonText.Length <= 200, "reasonText", "reasonText is at most 200 characters.")
            .ThrowIfInvalid();
        var tenant = await tenants.Find(a.FixmedinsCode);
        if (tenant is null) return Refusal.NotFound("The claim");
        // A live tenant's claims are not the sandbox agency's to answer.
        if (tenant.Live) throw new ProblemException(401, ErrorCodes.SignatureInvalid, "The signature does not match.");
        if (await InsuranceClaims.Load(store, a.FixmedinsCode, a.ClaimNo) is not { } claim) return Refusal.NotFound("The claim");
        if (claim.InsurerId != insurerId || a.ClaimAmount != claim.Claimed)
            return Refusal.Conflict($"This answer names another insurer or claim amount than claim {claim.Id} ({claim.InsurerId}, {claim.Claimed} fen).");
        var approved = a.Result switch
        {
            InsurerResults.Approved => claim.Claimed,
            InsurerResults.Rejected => 0,
            _ => a.ApprovedAmount,
        };
        if (a.Result == InsurerResults.Partial && (approved <= 0 || approved >= claim.Claimed))
            return Refusal.Invalid("approvedAmount", $"A partial approval is more than 0 and less than the claimed {claim.Claimed} fen.");
        var reason = a.ReasonText ?? a.ReasonCode ?? a.Result.ToLowerInvariant();
        var order = await grains.GetGrain<IPatientAccountGrain>(GrainKeys.For(claim.TenantId, claim.PatientId))
            .Insurance(new RecordInsurance(claim.OrderId, approved > 0, reason, now, approved));
        if (order.Refusal is { } refused) return refused;
        await InsuranceClaims.Answered(store, claim, order.Value!, reason, "insurer", now);
        return new InsurerAck("SUCCESS", a.ClaimNo, a.NotifyId);
    }
}
