using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Platform.Audit;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Storage;

namespace SceneFinance.Scenes.Approving;

/// <summary>
/// A tenant's four-eyes limits that are not a scene's own setting (one document per tenant): above them a second person approves.
/// A limit is never changed by one person: a change is an approval request (<see cref="Kind"/>) and applies when someone else approves it.
/// </summary>
public sealed class ApprovalLimits
{
    public const string DocumentId = "approval-limits";

    /// <summary>50,000 yuan a day per person at the counter: a busy canteen counter's day, far below what a till could be drained of.</summary>
    public const long DefaultCounterTopUpDailyLimit = 5_000_000;

    public string Id { get; set; } = DocumentId;

    /// <summary>
    /// Fen a person may credit at the counter (counter and bank-transfer top-ups) in the tenant's local day; a top-up that would pass it
    /// is refused <c>approval_required</c> and asked for as a <see cref="CounterTopUps.Kind"/> approval instead.
    /// </summary>
    public long CounterTopUpDailyLimit { get; set; } = DefaultCounterTopUpDailyLimit;

    /// <summary>100,000 yuan of subsidy credited by one grant a person starts: a school canteen's month, well above a day's meals.</summary>
    public const long DefaultSubsidyGrantLimit = 10_000_000;

    /// <summary>
    /// Fen a subsidy grant a person starts may credit (the program's amount per person times its eligible holders); a larger grant is
    /// refused <c>approval_required</c> and asked for as a <c>subsidy-grant</c> approval instead.
    /// </summary>
    public long SubsidyGrantLimit { get; set; } = DefaultSubsidyGrantLimit;

    public DateTimeOffset UpdatedAt { get; set; }

    public ApprovalLimitsView View() => new(CounterTopUpDailyLimit, SubsidyGrantLimit);

    public static async Task<ApprovalLimits> Load(IDocumentStore store, string tenantId)
    {
        await using var session = store.QuerySession(tenantId);
        return await session.LoadAsync<ApprovalLimits>(DocumentId) ?? new ApprovalLimits();
    }

    public const string Kind = "approval-limit-change";
}

public sealed record ApprovalLimitsView(long CounterTopUpDailyLimit, long SubsidyGrantLimit);

public sealed record ApprovalLimitsChange(long? CounterTopUpDailyLimit, string? Reason, long? SubsidyGrantLimit = null);

public static class ApprovalLimitEndpoints
{
    /// <summary>Who may ask for a limit change, and approve one (never their own).</summary>
    public static readonly string[] Editors = [Roles.TenantAdmin, Roles.Finance];

    public static void MapApprovalLimits(this IEndpointRouteBuilder api)
    {
        var limits = api.MapGroup("/tenants/{tenantId}/approval-limits").WithTags("Approvals");

        limits.MapGet("", async (string tenantId, HttpContext http, IDocumentStore store) =>
                TypedResults.Ok(await Get(http.User, store, tenantId)))
            .Doc("getApprovalLimits", "The tenant's four-eyes limits",
                "counterTopUpDailyLimit: fen one person may credit at the counter (counter and bank-transfer top-ups) in the tenant's day "
                + "before each further top-up needs a second person; subsidyGrantLimit: fen one subsidy grant a person starts may credit.");

        limits.MapPost("/change-requests", async (string tenantId, ApprovalLimitsChange body, HttpContext http, IDocumentStore store, StreamWriters writers,
                    TimeProvider clock) =>
                (await RequestChange(http.User, store, writers, tenantId, body, clock.GetUtcNow())).ToCreated(a => $"/api/v1/tenants/{tenantId}/approval-limits/change-requests/{a.Id}"))
            .Doc("requestApprovalLimitChange", "Ask for a change of a four-eyes limit",
                "One of counterTopUpDailyLimit or subsidyGrantLimit (fen), and a reason. 201 a pending approval (kind approval-limit-change): the limit changes when another user (by user id) approves it in the approval "
                + "queue, never by the person who asked. Tenant admin or finance.");
    }

    public static async Task<ApprovalLimitsView> Get(ClaimsPrincipal user, IDocumentStore store, string tenantId)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        return (await ApprovalLimits.Load(store, tenantId)).View();
    }

    public static async Task<Outcome<ApprovalView>> RequestChange(ClaimsPrincipal user, IDocumentStore store, StreamWriters writers, string tenantId,
        ApprovalLimitsChange body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, Editors);
        var (name, value) = body.SubsidyGrantLimit is { } grant ? ("subsidyGrantLimit", (long?)grant) : ("counterTopUpDailyLimit", body.CounterTopUpDailyLimit);
        new Validation()
            .Require(body.CounterTopUpDailyLimit is null || body.SubsidyGrantLimit is null, "subsidyGrantLimit", "Change one limit at a time.")
            .Require(value is >= 0 and <= Validation.MaxAmount * 100, name, $"{name} must be fen, 0 to {Validation.MaxAmount * 100}.")
            .Text(body.Reason, "reason", 200)
            .ThrowIfInvalid();
        var current = await ApprovalLimits.Load(store, tenantId);
        var (from, what) = name == "subsidyGrantLimit"
            ? (current.SubsidyGrantLimit, "Subsidy credited by one grant")
            : (current.CounterTopUpDailyLimit, "Counter top-up limit per person per day");
        var limit = value!.Value;
        var reason = body.Reason!.Trim();
        return await Approvals.Request(user, writers, tenantId, ApprovalLimits.Kind, name, limit,
            $"{what}: {Platform.Money.Yuan(from)} → {Platform.Money.Yuan(limit)} ({reason})",
            new Dictionary<string, string> { ["limit"] = name, ["from"] = from.ToString(), ["to"] = limit.ToString(), ["reason"] = reason }, now);
    }

    /// <summary>Applies an approved change, audited in the same commit (by the approver; the approval names who asked).</summary>
    public sealed class Change(IDocumentStore store) : IApprovalAction
    {
        public string Kind => ApprovalLimits.Kind;
        public string[] Approvers => Editors;

        public async Task<Outcome<string>> CarryOut(string tenantId, Approval a, DateTimeOffset now)
        {
            var name = a.Details.GetValueOrDefault("limit");
            if (name is not ("counterTopUpDailyLimit" or "subsidyGrantLimit")) return Refusal.Conflict("This limit is not known.");
            await using var session = store.LightweightSession(tenantId);
            var limits = await session.LoadAsync<ApprovalLimits>(ApprovalLimits.DocumentId) ?? new ApprovalLimits();
            var before = limits.View();
            if (name == "subsidyGrantLimit") limits.SubsidyGrantLimit = a.Amount;
            else limits.CounterTopUpDailyLimit = a.Amount;
            limits.UpdatedAt = now;
            session.Store(limits);
            session.Audit(tenantId, "approval-limits.changed", ApprovalLimits.DocumentId, before, limits.View(),
                $"approval {a.Id}, asked by {a.RequestedBy} ({a.RequestedById})");
            await session.SaveChangesAsync();
            return $"{name} {a.Amount}";
        }
    }
}
