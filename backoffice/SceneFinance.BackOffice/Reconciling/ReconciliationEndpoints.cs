using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.BackOffice.Reconciling;

public sealed record AssignRequest(string? Assignee);
public sealed record CommentRequest(string? Text);
public sealed record ResolveRequest(string? Reason);
public sealed record AdjustmentRequest(string? DebitAccount, string? CreditAccount, long? Amount, string? Memo);
public sealed record ExceptionList(IReadOnlyList<ExceptionView> Items);

/// <summary>The reconciliation slice and routes: run a day, read its result, and the exceptions' workflow.</summary>
public static class ReconciliationEndpoints
{
    /// <summary>Those who work on a tenant's exceptions (the bank's operations too); a ledger adjustment needs a second of them.</summary>
    static readonly string[] Workers = [Roles.TenantAdmin, Roles.Finance];

    public static async Task<Outcome<ReconciliationResult>> Run(ClaimsPrincipal user, IGrainFactory grains, Reconciler reconciler, string tenantId, string day, DateTimeOffset now)
    {
        await user.BankTenant(grains, tenantId);
        return await reconciler.Run(tenantId, Access.Day(day), now);
    }

    public static async Task<Outcome<ReconciliationResult>> Result(ClaimsPrincipal user, IGrainFactory grains, Reconciler reconciler, string tenantId, string day)
    {
        await user.Tenant(grains, tenantId, Roles.TenantReaders);
        return await reconciler.Find(tenantId, Access.Day(day)) is { } result ? result : Refusal.NotFound("The day's reconciliation");
    }

    public static async Task<ExceptionList> Exceptions(ClaimsPrincipal user, IGrainFactory grains, IDocumentStore store, string tenantId, string? status)
    {
        await user.Tenant(grains, tenantId, Roles.TenantReaders);
        new Validation().Require(status is null || status is ExceptionStatus.Open or ExceptionStatus.Assigned or ExceptionStatus.AwaitingApproval or ExceptionStatus.Resolved or "unresolved",
            "status", "status must be open, assigned, awaiting_approval, resolved or unresolved.").ThrowIfInvalid();
        await using var session = store.QuerySession(tenantId);
        var query = session.Query<ExceptionListing>().AsQueryable();
        if (status == "unresolved") query = query.Where(e => e.Status != ExceptionStatus.Resolved);
        else if (status is not null) query = query.Where(e => e.Status == status);
        return new ExceptionList((await query.OrderByDescending(e => e.Day).ThenBy(e => e.RaisedAt).Take(500).ToListAsync()).Select(e => e.View).ToList());
    }

    public static async Task<IReconciliationExceptionGrain> Exception(ClaimsPrincipal user, IGrainFactory grains, string tenantId, string exceptionId)
    {
        await user.Tenant(grains, tenantId, Workers);
        var grain = grains.GetGrain<IReconciliationExceptionGrain>(GrainKeys.For(tenantId, exceptionId));
        return exceptionId.StartsWith("rex_", StringComparison.Ordinal) && await grain.Get() is not null ? grain : throw ProblemException.NotFound("The reconciliation exception");
    }

    public static async Task<Outcome<ExceptionView>> Assign(ClaimsPrincipal user, IGrainFactory grains, string tenantId, string id, AssignRequest body, DateTimeOffset now)
    {
        var exception = await Exception(user, grains, tenantId, id); // access first: another tenant's caller hears 404, not what the body lacks
        new Validation().Text(body.Assignee, "assignee", 64).ThrowIfInvalid();
        return await exception.Assign(body.Assignee!.Trim(), user.Name(), now);
    }

    public static async Task<Outcome<ExceptionView>> Comment(ClaimsPrincipal user, IGrainFactory grains, string tenantId, string id, CommentRequest body, DateTimeOffset now)
    {
        var exception = await Exception(user, grains, tenantId, id); // access first: another tenant's caller hears 404, not what the body lacks
        new Validation().Text(body.Text, "text", 1000).ThrowIfInvalid();
        return await exception.Comment(body.Text!.Trim(), user.Name(), now);
    }

    public static async Task<Outcome<ExceptionView>> Resolve(ClaimsPrincipal user, IGrainFactory grains, string tenantId, string id, ResolveRequest body, DateTimeOffset now)
    {
        var exception = await Exception(user, grains, tenantId, id); // access first: another tenant's caller hears 404, not what the body lacks
        new Validation().Text(body.Reason, "reason", 500).ThrowIfInvalid();
        return await exception.Resolve(body.Reason!.Trim(), user.Name(), now);
    }

    public static async Task<Outcome<ExceptionView>> Propose(ClaimsPrincipal user, IGrainFactory grains, string tenantId, string id, AdjustmentRequest body, DateTimeOffset now)
    {
        var exception = await Exception(user, grains, tenantId, id); // access first: another tenant's caller hears 404, not what the body lacks
        new Validation().Text(body.DebitAccount, "debitAccount", 128).Text(body.CreditAccount, "creditAccount", 128).Amount(body.Amount).Text(body.Memo, "memo", 500).ThrowIfInvalid();
        return await exception.ProposeAdjustment(body.DebitAccount!.Trim(), body.CreditAccount!.Trim(), body.Amount!.Value, body.Memo!.Trim(), user.UserId(), now); // by user id: the second person is compared by who they are, not a name
    }

    public static async Task<Outcome<ExceptionView>> Approve(ClaimsPrincipal user, IGrainFactory grains, string tenantId, string id, string key, DateTimeOffset now) =>
        await (await Exception(user, grains, tenantId, id)).ApproveAdjustment(user.UserId(), IdempotencyTicket.For($"{user.UserId()}|adjustment", key, id), now);

    public static IEndpointRouteBuilder MapReconciliation(this IEndpointRouteBuilder api)
    {
        var reconciliation = api.MapGroup("/tenants/{tenantId}/reconciliation").WithTags("Back office");

        reconciliation.MapPost("/{day}/run", async (string tenantId, string day, HttpContext http, IGrainFactory grains, Reconciler reconciler, TimeProvider clock) =>
                (await Run(http.User, grains, reconciler, tenantId, day, clock.GetUtcNow())).ToOk())
            .Doc("runReconciliation", "Reconcile a closed business day now (platform-admin)",
                "The day's window in the tenant's zone: each channel's statements against the intents and refunds that succeeded in it, and each till's "
                + "day summary against the taps recorded for it. Differences become exceptions (missing_at_channel, missing_here, amount_differs, "
                + "duplicate, late); running it again raises nothing twice. It also runs by itself once a day is due. Moves no money.")
            .Problems(StatusCodes.Status409Conflict);

        reconciliation.MapGet("/{day}", async (string tenantId, string day, HttpContext http, IGrainFactory grains, Reconciler reconciler) =>
                (await Result(http.User, grains, reconciler, tenantId, day)).ToOk())
            .Doc("getReconciliation", "A business day's reconciliation result", "Per channel and till: ours against theirs; the exceptions found, as they stand now.");

        reconciliation.MapGet("/exceptions", async (string tenantId, string? status, HttpContext http, IGrainFactory grains, IDocumentStore store) =>
                TypedResults.Ok(await Exceptions(http.User, grains, store, tenantId, status)))
            .Doc("listReconciliationExceptions", "Reconciliation exceptions, newest day first", "status: open, assigned, awaiting_approval, resolved or unresolved.");

        var exception = reconciliation.MapGroup("/exceptions/{exceptionId}");
        exception.MapPost("/assign", async (string tenantId, string exceptionId, AssignRequest body, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
                (await Assign(http.User, grains, tenantId, exceptionId, body, clock.GetUtcNow())).ToOk())
            .Doc("assignReconciliationException", "Assign an exception to a person").Problems(StatusCodes.Status409Conflict);
        exception.MapPost("/comments", async (string tenantId, string exceptionId, CommentRequest body, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
                (await Comment(http.User, grains, tenantId, exceptionId, body, clock.GetUtcNow())).ToOk())
            .Doc("commentReconciliationException", "Comment on an exception");
        exception.MapPost("/resolve", async (string tenantId, string exceptionId, ResolveRequest body, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
                (await Resolve(http.User, grains, tenantId, exceptionId, body, clock.GetUtcNow())).ToOk())
            .Doc("resolveReconciliationException", "Resolve an exception with a reason (no money moves)").Problems(StatusCodes.Status409Conflict);
        exception.MapPost("/adjustment", async (string tenantId, string exceptionId, AdjustmentRequest body, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
                (await Propose(http.User, grains, tenantId, exceptionId, body, clock.GetUtcNow())).ToOk())
            .Doc("proposeReconciliationAdjustment", "Propose the ledger adjustment that resolves an exception",
                "debitAccount, creditAccount, amount (fen) and memo. A second person approves it.").Problems(StatusCodes.Status409Conflict);
        exception.MapPost("/adjustment/approve", async (string tenantId, string exceptionId, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
                (await Approve(http.User, grains, tenantId, exceptionId, IdempotencyTicket.RequireKey(http.Request), clock.GetUtcNow())).ToOk())
            .Idempotent()
            .Doc("approveReconciliationAdjustment", "Approve and post a proposed adjustment (a second person)",
                "Posts the entry in the open business day, naming the exception and the day it corrects, and resolves the exception. "
                + "403 for the person who proposed it: a second person must approve.");
        return api;
    }
}
