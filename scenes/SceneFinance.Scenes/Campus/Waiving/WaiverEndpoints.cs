using System.Security.Claims;
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

public sealed record WaiverList(IReadOnlyList<Waiver> Items);

public static class WaiverEndpoints
{
    public static readonly string[] Kinds = ["waiver", "scholarship", "hardship"];

    public static void MapWaivers(this IEndpointRouteBuilder api)
    {
        api.MapGroup("/tenants/{tenantId}/campus/bills/{billId}").WithTags("Campus")
            .MapPost("/waivers", async (string tenantId, string billId, WaiverRequest body, HttpContext http, IDocumentStore store, IGrainFactory grains, TimeProvider clock) =>
                (await Request(http.User, store, grains, tenantId, billId, body, clock.GetUtcNow())).ToCreated(w => $"/api/v1/tenants/{tenantId}/campus/waivers/{w.Id}"))
            .Doc("requestWaiver", "Ask for a waiver or scholarship on a bill",
                "201 pending: nothing moves until someone other than the requester approves it. 409 exceeds_outstanding above what is owed.")
            .Problems(StatusCodes.Status409Conflict);

        var waivers = api.MapGroup("/tenants/{tenantId}/campus/waivers").WithTags("Campus");

        waivers.MapGet("", async (string tenantId, string? status, HttpContext http, IDocumentStore store) => (await List(http.User, store, tenantId, status)).ToOk())
            .Doc("listWaivers", "Waiver and scholarship requests, newest first", "status: pending, approved or rejected.");

        waivers.MapGet("/{waiverId}", async (string tenantId, string waiverId, HttpContext http, IDocumentStore store) => (await Get(http.User, store, tenantId, waiverId)).ToOk())
            .Doc("getWaiver", "One waiver or scholarship request");

        waivers.MapPost("/{waiverId}/approve", async (string tenantId, string waiverId, HttpContext http, IDocumentStore store, IGrainFactory grains, TimeProvider clock) =>
                (await Approve(http.User, store, grains, tenantId, waiverId, clock.GetUtcNow())).ToOk())
            .Doc("approveWaiver", "Approve a waiver: the bill is waived, once",
                "403 second_approver_required for the person who asked for it; 409 when it was rejected, or the bill no longer owes that much.")
            .Problems(StatusCodes.Status409Conflict);

        waivers.MapPost("/{waiverId}/reject", async (string tenantId, string waiverId, HttpContext http, IDocumentStore store, TimeProvider clock) =>
                (await Reject(http.User, store, tenantId, waiverId, clock.GetUtcNow())).ToOk())
            .Doc("rejectWaiver", "Reject a waiver", "403 second_approver_required for the person who asked for it; 409 when it was approved already.")
            .Problems(StatusCodes.Status409Conflict);
    }

    public static async Task<Outcome<Waiver>> Request(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId, string billId,
        WaiverRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.FinanceOffice);
        new Validation().OneOf(body.Kind, "kind", Kinds).Amount(body.Amount).Text(body.Reason, "reason", 200).ThrowIfInvalid();
        return await (await BillEndpoints.Find(user, store, grains, tenantId, billId)).Then<Waiver>(async bill =>
        {
            if (body.Amount > bill.OutstandingAmount)
                return Refusal.Conflict($"At most {bill.OutstandingAmount} fen is outstanding on this bill.", CampusCodes.ExceedsOutstanding);
            var waiver = new Waiver
            {
                Id = Ids.New("wv"), BillId = billId, StudentNumber = bill.StudentNumber, Kind = body.Kind!, Amount = body.Amount!.Value,
                Reason = body.Reason!.Trim(), RequestedBy = user.UserName(), RequestedAt = now,
            };
            await using var session = store.LightweightSession(tenantId);
            session.Insert(waiver);
            await session.SaveChangesAsync();
            return waiver;
        });
    }

    public static async Task<Outcome<WaiverList>> List(ClaimsPrincipal user, IDocumentStore store, string tenantId, string? status)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.Staff);
        await using var session = store.QuerySession(tenantId);
        var query = session.Query<Waiver>().AsQueryable();
        if (status is not null) query = query.Where(w => w.Status == status);
        return new WaiverList(await query.OrderByDescending(w => w.RequestedAt).Take(1000).ToListAsync());
    }

    public static async Task<Outcome<Waiver>> Get(ClaimsPrincipal user, IDocumentStore store, string tenantId, string waiverId)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.Staff);
        await using var session = store.QuerySession(tenantId);
        return await session.LoadAsync<Waiver>(waiverId) is { } waiver ? waiver : Refusal.NotFound("The waiver");
    }

    public static async Task<Outcome<Waiver>> Approve(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId, string waiverId, DateTimeOffset now) =>
        await (await Pending(user, store, tenantId, waiverId)).Then<Waiver>(async waiver =>
        {
            if (waiver.Status == "approved") return waiver; // approved twice (two clicks, two approvers): applied once
            // The bill first (once per waiver id), then the request: a crash in between is finished by approving again.
            var waived = await BillEndpoints.Grain(grains, tenantId, waiver.BillId)
                .Waive(new ApplyWaiver(waiver.Id, waiver.Kind, waiver.Amount, waiver.RequestedBy, user.UserName(), now));
            if (waived.Refusal is { } refused) return refused;
            return await Decide(store, tenantId, waiver, "approved", user.UserName(), now);
        });

    public static async Task<Outcome<Waiver>> Reject(ClaimsPrincipal user, IDocumentStore store, string tenantId, string waiverId, DateTimeOffset now) =>
        await (await Pending(user, store, tenantId, waiverId)).Then<Waiver>(async waiver =>
        {
            if (waiver.Status == "approved") return Refusal.Conflict("This waiver was approved already.");
            return await Decide(store, tenantId, waiver, "rejected", user.UserName(), now);
        });

    /// <summary>The waiver to decide on, by someone who is not its requester (the four-eyes rule).</summary>
    static async Task<Outcome<Waiver>> Pending(ClaimsPrincipal user, IDocumentStore store, string tenantId, string waiverId)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.FinanceOffice);
        await using var session = store.QuerySession(tenantId);
        var waiver = await session.LoadAsync<Waiver>(waiverId);
        if (waiver is null) return Refusal.NotFound("The waiver");
        if (waiver.Status == "rejected") return Refusal.Conflict("This waiver was rejected.");
        if (string.Equals(waiver.RequestedBy, user.UserName(), StringComparison.OrdinalIgnoreCase))
            return Refusal.Forbidden("A waiver must be approved or rejected by someone other than the person who asked for it.", CampusCodes.SecondApproverRequired);
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
