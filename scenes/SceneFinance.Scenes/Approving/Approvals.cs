using System.Collections.Immutable;
using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Storage;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Scenes.Approving;

public sealed record ApprovalList(IReadOnlyList<ApprovalListing> Items, long Total);

/// <summary>
/// The tenant's approval queue: requests that need a second person (a bill cancelled with money on it, a loan or subsidy payment...).
/// The scenes ask through <see cref="Request"/>; approvers decide through <see cref="Approve"/> and <see cref="Reject"/>, which the
/// API routes and the shell's approvals page both call.
/// </summary>
public static class Approvals
{
    public static void MapApprovals(this IEndpointRouteBuilder api)
    {
        var approvals = api.MapGroup("/tenants/{tenantId}/approvals").WithTags("Approvals");

        approvals.MapGet("", async (string tenantId, string? status, int? offset, int? limit, HttpContext http, IDocumentStore store) =>
                (await List(http.User, store, tenantId, status, offset ?? 0, limit ?? 50)).ToOk())
            .Doc("listApprovals", "The tenant's approval queue, newest first",
                "status: pending, approved, rejected, done or lapsed. Each request names who asked (user id and name) and who decided.");

        approvals.MapGet("/{approvalId}", async (string tenantId, string approvalId, HttpContext http, StreamWriters writers) =>
                (await Get(http.User, writers, tenantId, approvalId)).ToOk())
            .Doc("getApproval", "One approval request, with what it asks for");

        approvals.MapPost("/{approvalId}/approve", async (string tenantId, string approvalId, HttpContext http, StreamWriters writers, IEnumerable<IApprovalAction> actions, TimeProvider clock) =>
                (await Approve(http.User, writers, actions, tenantId, approvalId, clock.GetUtcNow())).ToOk())
            .Doc("approveApproval", "Approve a request: what it asks for is done, once",
                "403 second_approver_required for the person who asked (compared by user id); 409 when it was rejected (of an approval and a "
                + "rejection at the same moment exactly one wins), or when it could no longer be done (it lapses, nothing moves).")
            .Problems(StatusCodes.Status409Conflict);

        approvals.MapPost("/{approvalId}/reject", async (string tenantId, string approvalId, HttpContext http, StreamWriters writers, IEnumerable<IApprovalAction> actions, TimeProvider clock) =>
                (await Reject(http.User, writers, actions, tenantId, approvalId, clock.GetUtcNow())).ToOk())
            .Doc("rejectApproval", "Reject a request: nothing is done",
                "403 second_approver_required for the person who asked (compared by user id); 409 when it was approved already.")
            .Problems(StatusCodes.Status409Conflict);
    }

    /// <summary>Opens a request for a second person's approval (the caller checked access and validated what it asks for).</summary>
    public static async Task<Outcome<ApprovalView>> Request(ClaimsPrincipal user, StreamWriters writers, string tenantId, string kind, string subject, long amount,
        string summary, IReadOnlyDictionary<string, string> details, DateTimeOffset now)
    {
        var requested = new ApprovalRequested(Ids.New("apr"), kind, subject, amount, summary, details.ToImmutableDictionary(), Name(user), user.UserId(), now);
        return await Stream(writers, tenantId, requested.ApprovalId).Start(s => ApprovalDecisions.Request(s, requested), (next, _) => next.View());
    }

    public static async Task<Outcome<ApprovalList>> List(ClaimsPrincipal user, IDocumentStore store, string tenantId, string? status, int offset, int limit)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        await using var session = store.QuerySession(tenantId);
        var query = session.Query<ApprovalListing>().AsQueryable();
        if (status is not null) query = query.Where(a => a.Status == status);
        var total = await query.CountAsync();
        var items = await query.OrderByDescending(a => a.RequestedAt).Skip(Math.Max(0, offset)).Take(Math.Clamp(limit, 1, 500)).ToListAsync();
        return new ApprovalList(items, total);
    }

    public static async Task<Outcome<ApprovalView>> Get(ClaimsPrincipal user, StreamWriters writers, string tenantId, string approvalId)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        var stream = Stream(writers, tenantId, approvalId);
        await stream.Load();
        return stream.State is { } a ? a.View() : Refusal.NotFound("The approval");
    }

    public static async Task<Outcome<ApprovalView>> Approve(ClaimsPrincipal user, StreamWriters writers, IEnumerable<IApprovalAction> actions, string tenantId,
        string approvalId, DateTimeOffset now)
    {
        var (stream, action) = await Decidable(user, writers, actions, tenantId, approvalId);
        if (stream is null || action is null) return Refusal.NotFound("The approval");
        var by = new Actor(user.UserId(), Name(user));
        // The decision first, at the expected version; then what it approves, once (a crash between is finished by approving again).
        var granted = await stream.Write(s => ApprovalDecisions.Approve(s, by, now), next => next);
        if (granted.Refusal is { } refused) return refused;
        if (granted.Value!.Status != ApprovalStatus.Approved) return granted.Value.View();
        var done = await action.CarryOut(tenantId, granted.Value, now);
        var recorded = await stream.Write(s => done.Refusal is { } why ? ApprovalDecisions.Lapse(s, why, now) : ApprovalDecisions.CarriedOut(s, done.Value!, now),
            next => next.View());
        // A lapsed approval answers why nothing moved.
        return done.Refusal is { } lapsed ? lapsed : recorded;
    }

    public static async Task<Outcome<ApprovalView>> Reject(ClaimsPrincipal user, StreamWriters writers, IEnumerable<IApprovalAction> actions, string tenantId,
        string approvalId, DateTimeOffset now)
    {
        var (stream, action) = await Decidable(user, writers, actions, tenantId, approvalId);
        if (stream is null || action is null) return Refusal.NotFound("The approval");
        var by = new Actor(user.UserId(), Name(user));
        return await stream.Write(s => ApprovalDecisions.Reject(s, by, now), next => next.View());
    }

    static async Task<(StreamWriter<Approval>?, IApprovalAction?)> Decidable(ClaimsPrincipal user, StreamWriters writers, IEnumerable<IApprovalAction> actions,
        string tenantId, string approvalId)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        var stream = Stream(writers, tenantId, approvalId);
        await stream.Load();
        if (stream.State is not { } approval) return (null, null);
        var action = actions.FirstOrDefault(a => a.Kind == approval.Kind);
        if (action is not null) user.RequireTenantAccess(tenantId, action.Approvers);
        return (stream, action);
    }

    static string Name(ClaimsPrincipal user) => user.Identity?.Name ?? "anonymous";

    static StreamWriter<Approval> Stream(StreamWriters writers, string tenantId, string approvalId) =>
        writers.For<Approval>(tenantId, approvalId, Approval.Fold, Refusal.NotFound("The approval"), (next, d) => d.Upsert(ApprovalListing.Of(next)));

    public static void Configure(StoreOptions opts)
    {
        opts.Events.AddEventTypes([typeof(ApprovalRequested), typeof(ApprovalGranted), typeof(ApprovalRejected), typeof(ApprovalCarriedOut), typeof(ApprovalLapsed)]);
        opts.Schema.For<ApprovalListing>().Index(x => x.Status).Index(x => x.RequestedAt);
        opts.Schema.For<ApprovalLimits>(); // the product's store creates no table online: every document type is registered
    }
}
