using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Storage;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Platform.Time;
using SceneFinance.Scenes.Approving;

namespace SceneFinance.Scenes.Canteen.Subsidies;

public sealed record SubsidyGrantRequest(string? Period, string? Reason);

/// <summary>
/// Subsidy credits above the tenant's limit per grant (<see cref="ApprovalLimits.SubsidyGrantLimit"/>): one person asks, another (by user id)
/// approves in the one approval queue, and only then is the grant run queued, once, as the asker's. The calendar's own grants of a
/// program are not asked for: the program's amount and holders were set by its managers.
/// </summary>
public static class SubsidyGrantApprovals
{
    public const string Kind = "subsidy-grant";

    public static void MapSubsidyGrantRequests(this IEndpointRouteBuilder api)
    {
        api.MapPost("/tenants/{tenantId}/canteen/subsidy-programs/{programId}/grant-requests", async (string tenantId, string programId, SubsidyGrantRequest body,
                    HttpContext http, IDocumentStore store, StreamWriters writers, SubsidyRunner runner, TenantClock clock) =>
                (await Request(http.User, store, writers, runner, clock, tenantId, programId, body)).ToCreated(a => $"/api/v1/tenants/{tenantId}/approvals/{a.Id}"))
            .WithTags("Approvals")
            .Doc("requestSubsidyGrant", "Ask for a subsidy grant above the limit per grant",
                "period as for a grant (today's when absent) and a reason. 201 a pending approval (kind subsidy-grant, amount = the program's amount per "
                + "person times its eligible holders now): the grant run is queued, as the asker's, when a tenant admin or finance person other than "
                + "the asker approves it. 404 for an unknown program.");
    }

    /// <summary>What a grant of the program would credit now: its amount per person times its eligible holders.</summary>
    public static async Task<long> Amount(SubsidyRunner runner, string tenantId, SubsidyProgram program) =>
        program.AmountPerPerson * (await runner.Holders(tenantId, program, SubsidyRun.Grant)).Count;

    public static async Task<Outcome<ApprovalView>> Request(ClaimsPrincipal user, IDocumentStore store, StreamWriters writers, SubsidyRunner runner, TenantClock clock,
        string tenantId, string programId, SubsidyGrantRequest body)
    {
        user.RequireTenantAccess(tenantId, CanteenAccess.Managers);
        new Validation().Text(body.Reason, "reason", 200).ThrowIfInvalid();
        if (await SubsidyPrograms.Load(store, tenantId, programId) is not { } program) return Refusal.NotFound("The subsidy program");
        var time = await clock.For(tenantId);
        var period = SubsidyPrograms.Period(program, SubsidyRun.Grant, body.Period, time);
        if (period.Refusal is { } wrong) return wrong;
        var amount = await Amount(runner, tenantId, program);
        return await Approvals.Request(user, writers, tenantId, Kind, programId, amount,
            $"Subsidy grant of {program.Name}, period {period.Value}: {Platform.Money.Yuan(amount)} ({body.Reason!.Trim()})",
            new Dictionary<string, string> { ["period"] = period.Value!, ["reason"] = body.Reason!.Trim() }, time.Now);
    }

    /// <summary>Queues the approved grant once: its run's id is the approval's, so carrying it out again finds the same run.</summary>
    public sealed class Grant(IDocumentStore store, SubsidyRunner runner) : IApprovalAction
    {
        public string Kind => SubsidyGrantApprovals.Kind;
        public string[] Approvers => CanteenAccess.Managers;

        public async Task<Outcome<string>> CarryOut(string tenantId, Approval a, DateTimeOffset now)
        {
            if (await SubsidyPrograms.Load(store, tenantId, a.Subject) is not { } program) return Refusal.NotFound("The subsidy program");
            if (program.Status == "closed") return Refusal.Conflict("This program is closed.");
            var run = await runner.Queue(tenantId, program, SubsidyRun.Grant, a.Details["period"], a.RequestedBy, Ids.Derived("run", $"{tenantId}|{a.Id}"));
            return $"grant run {run.Id} queued";
        }
    }
}
