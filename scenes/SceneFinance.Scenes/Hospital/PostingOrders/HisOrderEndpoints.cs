using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Hospital.Patients;
using SceneFinance.Scenes.Hospital.PayingOrders;

namespace SceneFinance.Scenes.Hospital.PostingOrders;

public sealed record HisOrderRequest(
    string? PatientId, string? MedicalCardNumber, string? VisitId, string? HisOrderId, string? Kind, string? Description,
    long? Amount, long? InsuredAmount, string? InsurerId, string? PayFrom);

public sealed record HisCancelRequest(string? Reason);

/// <summary>
/// The HIS's system-to-system API (signed by a system client): charge orders for a visit, each under the HIS's own order
/// id, which is its idempotency key: the same order again replays the first answer, a different one under that id conflicts.
/// </summary>
public static class HisOrderEndpoints
{
    public static readonly string[] Kinds = ["registration", "lab", "imaging", "drug", "treatment", "bed", "other"];

    public static void MapHisOrders(this IEndpointRouteBuilder api)
    {
        var his = api.MapGroup("/his").WithTags("Hospital").Caller(CallerKind.SystemClient);

        his.MapPost("/orders", async (HttpContext http, HisSignature signature, IGrainFactory grains, TimeProvider clock) =>
            {
                var (client, body) = await signature.Verify(http.Request);
                var posted = await Post(grains, client, JsonBody.Parse<HisOrderRequest>(body), clock.GetUtcNow());
                return posted.Map(p => p.Order).ToCreated(_ => $"/api/v1/tenants/{client.TenantId}/hospital/patients/{posted.Value!.Patient}");
            })
            .Doc("postHisOrder", "HIS: post a charge order",
                "Signed by the HIS's system client. The HIS order id is the idempotency key: the same order again replays the first answer (201), "
                + "another order under it is 409 idempotency_conflict (or conflict for another client's). payFrom deposit draws an inpatient's charge from the deposit at once.")
            .SignedBody<HisOrderRequest>()
            .Problems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);

        his.MapPost("/orders/{hisOrderId}/cancel", async (string hisOrderId, HttpContext http, HisSignature signature, IGrainFactory grains, IDocumentStore store, TimeProvider clock) =>
            {
                var (client, body) = await signature.Verify(http.Request);
                var r = JsonBody.Parse(body, new HisCancelRequest(null));
                // Optional, but capped like every other reason (a 10,000-character one was stored before).
                if (r.Reason is not null) new Validation().Text(r.Reason, "reason", 200).ThrowIfInvalid();
                await using var session = store.QuerySession(client.TenantId);
                var claim = await session.LoadAsync<HisOrderClaim>(hisOrderId);
                if (claim is null) return Refusal.NotFound("The order").ToOutcome<OrderView>().ToOk();
                return (await grains.GetGrain<IPatientAccountGrain>(GrainKeys.For(client.TenantId, claim.PatientId))
                    .CancelOrder(claim.OrderId, r.Reason ?? "canceled by the HIS", clock.GetUtcNow())).ToOk();
            })
            .Doc("cancelHisOrder", "HIS: cancel an unpaid charge order", "reason is optional, at most 200 characters. 409 once paid: refund it instead.")
            .SignedBody<HisCancelRequest>()
            .Problems(StatusCodes.Status409Conflict);
    }

    sealed record Posted(string Patient, OrderView Order);

    /// <summary>Posts the order to the patient's account; with <c>payFrom: deposit</c> the deposit pays it at once if it holds enough.</summary>
    static async Task<Outcome<Posted>> Post(IGrainFactory grains, HisClient client, HisOrderRequest r, DateTimeOffset now)
    {
        new Validation()
            .Require(r.PatientId is not null || r.MedicalCardNumber is not null, "patientId", "Name the patient by patientId or medicalCardNumber.")
            .Text(r.VisitId, "visitId", 64).Text(r.HisOrderId, "hisOrderId", 64).OneOf(r.Kind, "kind", Kinds).Text(r.Description, "description", 200)
            .Amount(r.Amount)
            .Require(r.InsuredAmount is null or >= 0 && (r.InsuredAmount ?? 0) < (r.Amount ?? 0), "insuredAmount", "insuredAmount must be 0 or more and below amount (the patient pays a part).")
            .Require((r.InsuredAmount ?? 0) == 0 || r.InsurerId is { Length: > 0 and <= 64 }, "insurerId", "An insured part needs its insurerId.")
            .Require(r.PayFrom is null or Tenders.Deposit, "payFrom", "payFrom may only be deposit (an inpatient's daily charges).")
            .ThrowIfInvalid();
        var found = await FindPatient(grains, client.TenantId, r.PatientId, r.MedicalCardNumber);
        if (found.Refusal is { } missing) return missing;
        var patientId = found.Value!;
        var by = $"his:{client.Id}";
        var ticket = IdempotencyTicket.For($"his/{client.Id}", r.HisOrderId!, patientId, r.VisitId, r.Kind, r.Description, r.Amount, r.InsuredAmount ?? 0, r.InsurerId, r.PayFrom);
        var patient = grains.GetGrain<IPatientAccountGrain>(GrainKeys.For(client.TenantId, patientId));
        var posted = await patient.PostOrder(new PostHisOrder(
            new OrderSpec(r.HisOrderId!, r.VisitId!, r.Kind!, r.Description!.Trim(), r.Amount!.Value, r.InsuredAmount ?? 0, (r.InsuredAmount ?? 0) > 0 ? r.InsurerId : null),
            by, ticket, now));
        if (posted.Refusal is { } refused) return refused;
        if (r.PayFrom != Tenders.Deposit) return new Posted(patientId, posted.Value!);
        // An inpatient's daily charge is drawn from the deposit at once (once: its own ticket); if the deposit holds too
        // little the order stays open, and the answer is the order as it is now.
        var order = posted.Value!;
        await patient.Pay(new PayOrders([order.Id], Tenders.Deposit, by, IdempotencyTicket.For($"his/{client.Id}", r.HisOrderId + "/deposit", order.Id), now));
        var account = await patient.Get();
        return account.Map(a => new Posted(patientId, a.Orders.First(o => o.Id == order.Id)));
    }

    /// <summary>The patient's id, from the id or the medical card number; <c>not_found</c> for anyone else.</summary>
    public static async Task<Outcome<string>> FindPatient(IGrainFactory grains, string tenantId, string? patientId, string? medicalCardNumber)
    {
        var id = patientId ?? await grains.GetGrain<ICardGrain>(CardKeys.Grain(tenantId, medicalCardNumber!)).Holder();
        if (id is null || !HospitalDesk.IsPatientId(id)) return Refusal.NotFound("The patient");
        return await grains.GetGrain<IPatientAccountGrain>(GrainKeys.For(tenantId, id)).Check([], 0) is { } refused ? refused : id;
    }
}
