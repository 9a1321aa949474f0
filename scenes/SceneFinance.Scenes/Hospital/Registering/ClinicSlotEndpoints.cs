using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Hospital.PayingOrders;

namespace SceneFinance.Scenes.Hospital.Registering;

public sealed record ClinicSlotRequest(string? Department, string? Doctor, DateTimeOffset? StartsAt, long? Fee, int? Capacity);
public sealed record RegistrationRequest(string? SlotId);

/// <summary>The sessions open for registration, soonest first.</summary>
public sealed record ClinicSlotList(IReadOnlyList<ClinicSlot> Items);

/// <summary>Clinic sessions (department, doctor, time, registration fee, numbers) and registering a patient for one.</summary>
public static class ClinicSlotEndpoints
{
    public static void MapClinicSlots(this IEndpointRouteBuilder hospital)
    {
        hospital.MapPost("/clinic-slots", async (string tenantId, ClinicSlotRequest body, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
            {
                http.RequireTenantAccess(tenantId, [Roles.TenantAdmin]);
                await grains.FindTenant(tenantId).OrThrow();
                new Validation().Text(body.Department, "department", 64).Text(body.Doctor, "doctor", 64)
                    .Require(body.StartsAt is not null, "startsAt", "startsAt is required.").Amount(body.Fee, "fee")
                    .Require(body.Capacity is > 0 and <= 1000, "capacity", "capacity must be 1 to 1000.").ThrowIfInvalid();
                var id = Ids.New("slot");
                return (await grains.GetGrain<IClinicSlotGrain>(GrainKeys.For(tenantId, id))
                        .Open(new OpenClinicSlot(body.Department!.Trim(), body.Doctor!.Trim(), body.StartsAt!.Value, body.Fee!.Value, body.Capacity!.Value, clock.GetUtcNow())))
                    .ToCreated(s => $"/api/v1/tenants/{tenantId}/hospital/clinic-slots/{s.Id}");
            })
            .Doc("openClinicSlot", "Open a clinic session for registration", "A department, a doctor, a start time, the registration fee and how many numbers it hands out.");

        hospital.MapGet("/clinic-slots", async (string tenantId, HttpContext http, IDocumentStore store, TimeProvider clock) =>
            {
                http.RequireTenantAccess(tenantId, Roles.TenantReaders);
                return TypedResults.Ok(new ClinicSlotList(await Open(store, tenantId, clock.GetUtcNow())));
            })
            .Doc("listClinicSlots", "Clinic sessions open for registration", "Sessions that have not started more than 4 hours ago, soonest first.");

        hospital.MapPost("/patients/{id}/registrations", async (string tenantId, string id, RegistrationRequest body, HttpContext http, HospitalDesk desk) =>
            {
                http.RequireTenantAccess(tenantId, Roles.CardOffice);
                var key = IdempotencyTicket.RequireKey(http.Request);
                new Validation().Text(body.SlotId, "slotId", 64).ThrowIfInvalid();
                return (await desk.Register(tenantId, id, body.SlotId!, $"cashier:{http.UserName()}", "tenant", key)).ToCreatedWithin();
            })
            .Doc("registerPatientForClinic", "Register a patient for a clinic session at the cashier window",
                "201 with the queue number and the registration fee as an order to pay; 409 when the session is full or earlier credit care is unpaid (credit_unsettled).")
            .Idempotent();
    }

    /// <summary>Sessions that have not started more than 4 hours ago, soonest first.</summary>
    public static async Task<IReadOnlyList<ClinicSlot>> Open(IDocumentStore store, string tenantId, DateTimeOffset now)
    {
        await using var session = store.QuerySession(tenantId);
        var from = now.AddHours(-4);
        return await session.Query<ClinicSlot>().Where(s => s.StartsAt >= from).OrderBy(s => s.StartsAt).Take(200).ToListAsync();
    }
}
