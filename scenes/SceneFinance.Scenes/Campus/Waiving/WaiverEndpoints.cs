using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Campus.Billing;

namespace SceneFinance.Scenes.Campus.Waiving;

/// <summary>A request to waive part of a bill (免缴) or grant a scholarship (奖助学金); it moves nothing until a second person approves it.</summary>
public sealed class Waiver
{
    public string Id { get; set; } = "";
    public string BillId { get; set; } = "";
    public string StudentNumber { get; set; } = "";
    public string Kind { get; set; } = "";
    public long Amount { get; set; }
    public string Reason { get; set; } = "";
    public string Status { get; set; } = "pending";
    public string RequestedBy { get; set; } = "";
    public string? DecidedBy { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
}

public sealed record WaiverRequest(string? Kind, long? Amount, string? Reason);

public static class WaiverEndpoints
{
    public static readonly string[] Kinds = ["waiver", "scholarship", "hardship"];

    /// <summary>
    /// <c>POST /tenants/{t}/campus/bills/{id}/waivers</c> <c>{"kind","amount","reason"}</c> → <c>201</c> pending;
    /// <c>GET .../campus/waivers?status=pending</c>; <c>POST .../campus/waivers/{id}/approve</c> (someone other than the requester) and <c>/reject</c>.
    /// </summary>
    public static void MapWaivers(this IEndpointRouteBuilder api)
    {
        api.MapPost("/tenants/{tenantId}/campus/bills/{billId}/waivers", async (string tenantId, string billId, WaiverRequest body, HttpContext http,
            IDocumentStore store, IGrainFactory grains, TimeProvider clock) =>
        {
            http.RequireTenantAccess(tenantId, CampusAccess.FinanceOffice);
            new Validation().OneOf(body.Kind, "kind", Kinds).Amount(body.Amount).Text(body.Reason, "reason", 200).ThrowIfInvalid();
            var bill = await BillEndpoints.RequireBill(http, store, grains, tenantId, billId);
            if (body.Amount > bill.OutstandingAmount)
                throw new ProblemException(409, "exceeds_outstanding", $"At most {bill.OutstandingAmount} fen is outstanding on this bill.");
            var waiver = new Waiver
            {
                Id = Ids.New("wv"), BillId = billId, StudentNumber = bill.StudentNumber, Kind = body.Kind!, Amount = body.Amount!.Value,
                Reason = body.Reason!.Trim(), RequestedBy = http.UserName(), RequestedAt = clock.GetUtcNow(),
            };
            await using var session = store.LightweightSession(tenantId);
            session.Insert(waiver);
            await session.SaveChangesAsync();
            return Results.Json(waiver, statusCode: 201);
        }).WithTags("Campus").WithSummary("Ask for a waiver or scholarship on a bill (applied once a second person approves)");

        var waivers = api.MapGroup("/tenants/{tenantId}/campus/waivers").WithTags("Campus");

        waivers.MapGet("", async (string tenantId, string? status, HttpContext http, IDocumentStore store) =>
        {
            http.RequireTenantAccess(tenantId, CampusAccess.Staff);
            await using var session = store.QuerySession(tenantId);
            var query = session.Query<Waiver>().AsQueryable();
            if (status is not null) query = query.Where(w => w.Status == status);
            return Results.Json(new { items = await query.OrderByDescending(w => w.RequestedAt).Take(1000).ToListAsync() });
        });

        waivers.MapPost("/{waiverId}/approve", async (string tenantId, string waiverId, HttpContext http, IDocumentStore store, IGrainFactory grains, TimeProvider clock) =>
        {
            var waiver = await Pending(http, store, tenantId, waiverId);
            if (waiver.Status == "approved") return Results.Json(waiver); // approved twice (two clicks, two approvers): applied once
            var now = clock.GetUtcNow();
            // The bill first (once per waiver id), then the request: a crash in between is finished by approving again.
            await BillEndpoints.Grain(grains, tenantId, waiver.BillId).Waive(new ApplyWaiver(waiver.Id, waiver.Kind, waiver.Amount, waiver.RequestedBy, http.UserName(), now));
            return Results.Json(await Decide(store, tenantId, waiver, "approved", http.UserName(), now));
        });

        waivers.MapPost("/{waiverId}/reject", async (string tenantId, string waiverId, HttpContext http, IDocumentStore store, TimeProvider clock) =>
        {
            var waiver = await Pending(http, store, tenantId, waiverId);
            if (waiver.Status == "approved") throw ProblemException.Conflict("This waiver was approved already.");
            return Results.Json(await Decide(store, tenantId, waiver, "rejected", http.UserName(), clock.GetUtcNow()));
        });
    }

    /// <summary>The waiver to decide on, by someone who is not its requester (the four-eyes rule).</summary>
    static async Task<Waiver> Pending(HttpContext http, IDocumentStore store, string tenantId, string waiverId)
    {
        http.RequireTenantAccess(tenantId, CampusAccess.FinanceOffice);
        await using var session = store.QuerySession(tenantId);
        var waiver = await session.LoadAsync<Waiver>(waiverId) ?? throw ProblemException.NotFound("The waiver");
        if (waiver.Status == "rejected") throw ProblemException.Conflict("This waiver was rejected.");
        if (string.Equals(waiver.RequestedBy, http.UserName(), StringComparison.OrdinalIgnoreCase))
            throw new ProblemException(403, "second_approver_required", "A waiver must be approved or rejected by someone other than the person who asked for it.");
        return waiver;
    }

    static async Task<Waiver> Decide(IDocumentStore store, string tenantId, Waiver waiver, string status, string by, DateTimeOffset now)
    {
        waiver.Status = status;
        waiver.DecidedBy = by;
        waiver.DecidedAt = now;
        await using var session = store.LightweightSession(tenantId);
        session.Store(waiver);
        await session.SaveChangesAsync();
        return waiver;
    }
}
