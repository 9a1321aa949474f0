using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SceneFinance.Scenes.Hospital.Insuring;

public sealed record SimulatedAnswerRequest(string? Result, long? ApprovedAmount, string? Reason);

/// <summary>The insurance exchange as the finance office sees it: the claims, and in the sandbox the simulated agency's answer.</summary>
public static class InsuranceClaimEndpoints
{
    public static void MapInsuranceClaims(this IEndpointRouteBuilder hospital)
    {
        hospital.MapGet("/insurance-claims", async (string tenantId, string? status, int? offset, int? limit, HttpContext http, IDocumentStore store) =>
                (await InsuranceClaims.List(http.User, store, tenantId, status, offset ?? 0, limit ?? 50)).ToOk())
            .Doc("listInsuranceClaims", "The tenant's insurance claims, newest first",
                "One claim per insured order, opened when the patient pays their part (claim number derived from the order: the insurer sees it once). "
                + "status: queued, submitted (awaiting the insurer), manual (no insurer connection: enter the answer by hand, with approval), approved, "
                + "partly_approved or rejected. The patient's name is masked.");

        hospital.MapPost("/insurance-claims/{claimNo}/simulator-answer", async (string tenantId, string claimNo, SimulatedAnswerRequest body, HttpContext http, InsurerSimulator simulator) =>
                (await simulator.Answer(http.User, tenantId, claimNo, body.Result, body.ApprovedAmount, body.Reason)).ToOk())
            .Doc("answerSimulatedInsuranceClaim", "Sandbox: answer a claim as the simulated insurer",
                "result APPROVED, PARTIAL (with approvedAmount in fen) or REJECTED; the tenant's own staff or a platform admin, sandbox tenants only (409 for a "
                + "live tenant). The simulator signs its answer and delivers it to the insurers' inbox like a real agency would; the answer is the claim after it.")
            .Problems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
    }
}
