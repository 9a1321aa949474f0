using System.Text.Json;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Platform;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Hospital.Patients;

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
        api.MapPost("/his/orders", async (HttpContext http, HisSignature signature, IGrainFactory grains, IDocumentStore store, TimeProvider clock) =>
        {
            var (client, body) = await signature.Verify(http.Request);
            var r = HospitalJson.Parse<HisOrderRequest>(body);
            new Validation()
                .Require(r.PatientId is not null || r.MedicalCardNumber is not null, "patientId", "Name the patient by patientId or medicalCardNumber.")
                .Text(r.VisitId, "visitId", 64).Text(r.HisOrderId, "hisOrderId", 64).OneOf(r.Kind, "kind", Kinds).Text(r.Description, "description", 200)
                .Amount(r.Amount)
                .Require(r.InsuredAmount is null or >= 0 && (r.InsuredAmount ?? 0) < (r.Amount ?? 0), "insuredAmount", "insuredAmount must be 0 or more and below amount (the patient pays a part).")
                .Require((r.InsuredAmount ?? 0) == 0 || r.InsurerId is { Length: > 0 and <= 64 }, "insurerId", "An insured part needs its insurerId.")
                .Require(r.PayFrom is null or Tenders.Deposit, "payFrom", "payFrom may only be deposit (an inpatient's daily charges).")
                .ThrowIfInvalid();
            var patientId = await Patients(grains, client.TenantId, r.PatientId, r.MedicalCardNumber);
            var now = clock.GetUtcNow();
            var ticket = IdempotencyTicket.For($"his/{client.Id}", r.HisOrderId!, patientId, r.VisitId, r.Kind, r.Description, r.Amount, r.InsuredAmount ?? 0, r.InsurerId, r.PayFrom);
            var patient = grains.GetGrain<IPatientAccountGrain>(GrainKeys.For(client.TenantId, patientId));
            var reply = await IdempotentRequest.Run(store, client.TenantId, ticket, () => patient.PostOrder(
                new OrderSpec(r.HisOrderId!, r.VisitId!, r.Kind!, r.Description!.Trim(), r.Amount!.Value, r.InsuredAmount ?? 0, (r.InsuredAmount ?? 0) > 0 ? r.InsurerId : null),
                $"his:{client.Id}", ticket, now));
            if (r.PayFrom == Tenders.Deposit && reply.Status == 201)
            {
                // An inpatient's daily charge is drawn from the deposit at once; if it holds too little the order stays open.
                var order = JsonSerializer.Deserialize<OrderView>(reply.Json, SceneJson.Options)!;
                var draw = IdempotencyTicket.For($"his/{client.Id}", r.HisOrderId + "/deposit", order.Id);
                try
                {
                    await patient.Pay([order.Id], Tenders.Deposit, $"his:{client.Id}", draw, now);
                }
                catch (ProblemException e) when (e.Code is ErrorCodes.InsufficientFunds or ErrorCodes.Conflict) { }
                var view = await patient.Get();
                return Results.Json(view.Orders.First(o => o.Id == order.Id), SceneJson.Options, statusCode: 201);
            }
            return reply.ToResult();
        }).WithTags("Hospital").WithSummary("HIS: post a charge order (signed system client; the HIS order id is the idempotency key)");

        api.MapPost("/his/orders/{hisOrderId}/cancel", async (string hisOrderId, HttpContext http, HisSignature signature, IGrainFactory grains, IDocumentStore store, TimeProvider clock) =>
        {
            var (client, body) = await signature.Verify(http.Request);
            var r = body.Length == 0 ? new HisCancelRequest(null) : HospitalJson.Parse<HisCancelRequest>(body);
            await using var session = store.QuerySession(client.TenantId);
            var claim = await session.LoadAsync<HisOrderClaim>(hisOrderId) ?? throw ProblemException.NotFound("The order");
            var order = await grains.GetGrain<IPatientAccountGrain>(GrainKeys.For(client.TenantId, claim.PatientId))
                .CancelOrder(claim.OrderId, r.Reason ?? "canceled by the HIS", clock.GetUtcNow());
            return TypedResults.Ok(order);
        }).WithTags("Hospital").WithSummary("HIS: cancel an unpaid charge order");
    }

    /// <summary>The patient's id, from the id or the medical card number; <c>not_found</c> for anyone else.</summary>
    public static async Task<string> Patients(IGrainFactory grains, string tenantId, string? patientId, string? medicalCardNumber)
    {
        var id = patientId ?? await grains.GetGrain<ICardGrain>(CardKeys.Grain(tenantId, medicalCardNumber!)).Holder();
        if (id is null || !id.StartsWith("ch_", StringComparison.Ordinal)) throw ProblemException.NotFound("The patient");
        await grains.GetGrain<IPatientAccountGrain>(GrainKeys.For(tenantId, id)).Check([], 0);
        return id;
    }
}

public static class HospitalJson
{
    public static T Parse<T>(byte[] body) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, SceneJson.Options) ?? throw new JsonException();
        }
        catch (JsonException)
        {
            throw ProblemException.Invalid("body", "The body must be a JSON object of this route's shape.");
        }
    }
}
