using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Storage;
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
    public string RequestedById { get; set; } = "";
    public string? DecidedBy { get; set; }
    public string? DecidedById { get; set; }
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
            .MapPost("/waivers", async (string tenantId, string billId, WaiverRequest body, HttpContext http, IDocumentStore store, StreamWriters writers, IGrainFactory grains, TimeProvider clock) =>
                (await Request(http.User, store, writers, grains, tenantId, billId, body, clock.GetUtcNow())).ToCreated(w => $"/api/v1/tenants/{tenantId}/campus/waivers/{w.Id}"))
            .Doc("requestWaiver", "Ask for a waiver or scholarship on a bill",
                "201 pending: nothing moves until someone other than the requester approves it. 409 exceeds_outstanding above what is owed.")
            .Problems(StatusCodes.Status409Conflict);

        var waivers = api.MapGroup("/tenants/{tenantId}/campus/waivers").WithTags("Campus");

        waivers.MapGet("", async (string tenantId, string? status, HttpContext http, IDocumentStore store) => (await List(http.User, store, tenantId, status)).ToOk())
            .Doc("listWaivers", "Waiver and scholarship requests, newest first", "status: pending, approved or rejected.");

        waivers.MapGet("/{waiverId}", async (string tenantId, string waiverId, HttpContext http, IDocumentStore store) => (await Get(http.User, store, tenantId, waiverId)).ToOk())
            .Doc("getWaiver", "One waiver or scholarship request");

        waivers.MapPost("/{waiverId}/approve", async (string tenantId, string waiverId, HttpContext http, IDocumentStore store, StreamWriters writers, IGrainFactory grains, TimeProvider clock) =>
                (await Approve(http.User, store, writers, grains, tenantId, waiverId, clock.GetUtcNow())).ToOk())
            .Doc("approveWaiver", "Approve a waiver: the bill is waived, once",
                "403 second_approver_required for the person who asked for it (compared by user id); 409 when it was rejected (a rejection at the same "
                + "moment: exactly one of the two wins), or the bill no longer owes that much (the waiver then lapses).")
            .Problems(StatusCodes.Status409Conflict);

        waivers.MapPost("/{waiverId}/reject", async (string tenantId, string waiverId, HttpContext http, IDocumentStore store, StreamWriters writers, TimeProvider clock) =>
                (await Reject(http.User, store, writers, tenantId, waiverId, clock.GetUtcNow())).ToOk())
            .Doc("rejectWaiver", "Reject a waiver", "403 second_approver_required for the person who asked for it (compared by user id); 409 when it was approved already (an approval "
                + "at the same moment: exactly one of the two wins).")
            .Problems(StatusCodes.Status409Conflict);
    }

    public static async Task<Outcome<Waiver>> Request(ClaimsPrincipal user, IDocumentStore store, StreamWriters writers, IGrainFactory grains, string tenantId, string billId,
        WaiverRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.FinanceOffice);
        new Validation().OneOf(body.Kind, "kind", Kinds).Amount(body.Amount).Text(body.Reason, "reason", 200).ThrowIfInvalid();
        return await (await BillEndpoints.Find(user, store, grains, tenantId, billId)).Then<Waiver>(async bill =>
        {
            if (body.Amount > bill.OutstandingAmount)
                return Refusal.Conflict($"At most {bill.OutstandingAmount} fen is outstanding on this bill.", CampusCodes.ExceedsOutstanding);
            var requested = new WaiverRequested(Ids.New("wv"), billId, bill.StudentNumber, body.Kind!, body.Amount!.Value, body.Reason!.Trim(),
                user.UserName(), user.UserId(), now);
            return await Stream(writers, tenantId, requested.WaiverId).Start(s => s is null ? Decided.To(requested) : Decided.Nothing, (next, _) => next.Listing());
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

    public static async Task<Outcome<Waiver>> Approve(ClaimsPrincipal user, IDocumentStore store, StreamWriters writers, IGrainFactory grains, string tenantId, string waiverId, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.FinanceOffice);
        var by = new Decider(user.UserId(), user.UserName());
        var stream = await Loaded(store, writers, tenantId, waiverId);
        // The decision first, at the stream's expected version (a rejection at the same moment loses, or wins and this is refused);
        // then the bill, once per waiver id: a crash in between is finished by approving again.
        var approved = await stream.Write(s => WaiverDecisions.Approve(s, by, now), next => next);
        if (approved.Refusal is { } refused) return refused;
        var waiver = approved.Value!;
        var waived = await BillEndpoints.Grain(grains, tenantId, waiver.BillId)
            .Waive(new ApplyWaiver(waiver.Id, waiver.Kind, waiver.Amount, waiver.RequestedBy, waiver.DecidedBy!, now));
        if (waived.Refusal is { } billRefused)
        {
            await stream.Write(s => WaiverDecisions.Lapse(s, billRefused, now), next => next);
            return billRefused;
        }
        return waiver.Listing();
    }

    public static async Task<Outcome<Waiver>> Reject(ClaimsPrincipal user, IDocumentStore store, StreamWriters writers, string tenantId, string waiverId, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.FinanceOffice);
        var by = new Decider(user.UserId(), user.UserName());
        var stream = await Loaded(store, writers, tenantId, waiverId);
        return await stream.Write(s => WaiverDecisions.Reject(s, by, now), next => next.Listing());
    }

    static StreamWriter<WaiverState> Stream(StreamWriters writers, string tenantId, string waiverId) =>
        writers.For<WaiverState>(tenantId, waiverId, WaiverState.Fold, Refusal.NotFound("The waiver"), (next, d) => d.Upsert(next.Listing()));

    /// <summary>The waiver's stream, loaded; a waiver asked for before waivers were streams gets its stream from its document first.</summary>
    static async Task<StreamWriter<WaiverState>> Loaded(IDocumentStore store, StreamWriters writers, string tenantId, string waiverId)
    {
        var stream = Stream(writers, tenantId, waiverId);
        await stream.Load();
        if (stream.State is not null) return stream;
        await using var query = store.QuerySession(tenantId);
        if (await query.LoadAsync<Waiver>(waiverId) is not { } old) return stream;
        var requested = new WaiverRequested(old.Id, old.BillId, old.StudentNumber, old.Kind, old.Amount, old.Reason, old.RequestedBy,
            old.RequestedById is { Length: > 0 } id ? id : old.RequestedBy.Trim().ToLowerInvariant(), old.RequestedAt);
        var history = old.Status switch
        {
            WaiverStatus.Approved => Decided.To(requested, new WaiverApproved(old.Id, old.DecidedBy ?? "", old.DecidedById ?? "", old.DecidedAt ?? old.RequestedAt)),
            WaiverStatus.Rejected => Decided.To(requested, new WaiverRejected(old.Id, old.DecidedBy ?? "", old.DecidedById ?? "", old.DecidedAt ?? old.RequestedAt)),
            _ => Decided.To(requested),
        };
        await stream.Start(s => s is null ? history : Decided.Nothing, (next, _) => next);
        return stream;
    }
}
