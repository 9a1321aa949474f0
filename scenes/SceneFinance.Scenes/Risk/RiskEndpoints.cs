using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using SceneFinance.Platform.Scheduling;
using SceneFinance.Grains;
using SceneFinance.Platform.Exports;
using SceneFinance.Platform.Problems;

namespace SceneFinance.Scenes.Risk;

/// <summary>The risk routes: lists (the tenant's and the platform's), rules and approvals, backtests, interceptions, cases.</summary>
public static class RiskEndpoints
{
    const long MaxFileBytes = 20 * 1024 * 1024;

    public static IEndpointRouteBuilder MapRisk(this IEndpointRouteBuilder api)
    {
        var risk = api.MapGroup("/tenants/{tenantId}/risk").WithTags("Risk");
        MapLists(risk, "", http => (string)http.GetRouteValue("tenantId")!);
        MapLists(api.MapGroup("/risk/platform").WithTags("Risk"), "Platform", _ => RiskOwners.Platform);

        risk.MapGet("/rules", async (string tenantId, int? page, int? size, HttpContext http, IDocumentStore store) =>
                TypedResults.Ok(await RiskRules.Page(http.User, store, tenantId, page ?? 0, size ?? 50)))
            .Doc("listRiskRules", "The tenant's risk rules", "Each rule with its live version and action (none while nothing is approved) and whether a newer version waits for a second approver.");

        risk.MapPost("/rules", async (string tenantId, RiskRuleDefinition body, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
                (await RiskRules.Create(http.User, grains, tenantId, body, clock.GetUtcNow())).ToCreated(r => $"/api/v1/tenants/{tenantId}/risk/rules/{r.Id}"))
            .Doc("createRiskRule", "Draft a new risk rule (version 1)",
                "A rule is data: name, action (block, review, shadow) and 1 to 8 conditions that must all hold (amount; window over card, holder or terminal "
                + "with count, sum, declines or terminals; timeOfDay; mealPeriod; merchantCategory; list; firstUseAfterReplacement; terminalHop). "
                + "Nothing is live until the version is approved.");

        risk.MapGet("/rules/{ruleId}", async (string tenantId, string ruleId, HttpContext http, IGrainFactory grains) =>
                (await RiskRules.Get(http.User, grains, tenantId, ruleId)).ToOk())
            .Doc("getRiskRule", "A risk rule with every version and its audit trail", "Who drafted, approved and disabled which version, when.");

        risk.MapPost("/rules/{ruleId}/versions", async (string tenantId, string ruleId, RiskRuleDefinition body, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
                (await RiskRules.Revise(http.User, grains, tenantId, ruleId, body, clock.GetUtcNow())).ToOk())
            .Doc("reviseRiskRule", "Draft a new version of a rule", "The live version stays live until the new one is approved.");

        risk.MapPost("/rules/{ruleId}/versions/{version:int}/approve", async (string tenantId, string ruleId, int version, HttpContext http, IGrainFactory grains, IRiskBook book, TimeProvider clock) =>
                (await RiskRules.Approve(http.User, grains, book, tenantId, ruleId, version, clock.GetUtcNow())).ToOk())
            .Doc("approveRiskRule", "Approve a version: it goes live on every till within a second",
                "A version that blocks or reviews needs a second person: its author gets 403. A shadow version may be made live by its author. Only the latest version can be approved (409).")
            .Problems(StatusCodes.Status409Conflict);

        risk.MapPost("/rules/{ruleId}/disable", async (string tenantId, string ruleId, HttpContext http, IGrainFactory grains, IRiskBook book, TimeProvider clock) =>
                (await RiskRules.Disable(http.User, grains, book, tenantId, ruleId, clock.GetUtcNow())).ToOk())
            .Doc("disableRiskRule", "Stop a rule at once", "One person may: stopping blocks nobody. Approving a version again makes it live again.");

        risk.MapPost("/backtests", async (string tenantId, BacktestRequest body, HttpContext http, IDocumentStore store, [FromKeyedServices(Scheduler.Name)] IScheduler scheduler, TimeProvider clock) =>
                TypedResults.Accepted($"/api/v1/tenants/{tenantId}/risk/backtests", await RiskRules.StartBacktest(http.User, store, scheduler, tenantId, body, clock.GetUtcNow())))
            .Doc("startRiskBacktest", "Backtest a draft rule over a period of the tenant's stored taps (202, runs in the background)",
                "Replays the stored payment events of [from, to) through the live evaluator with the draft as the only rule and today's lists. "
                + "Follow it with getRiskBacktest: percent, then taps, holders and fen it fires on, with a sample.");

        risk.MapGet("/backtests/{backtestId}", async (string tenantId, string backtestId, HttpContext http, IDocumentStore store) =>
                (await RiskRules.Backtest(http.User, store, tenantId, backtestId)).ToOk())
            .Doc("getRiskBacktest", "A backtest's progress and result", "status queued, running, done or failed; percent for a progress bar.");

        risk.MapGet("/interceptions", async (string tenantId, string? ruleId, string? cardHolderId, string? outcome, int? page, int? size, HttpContext http, IDocumentStore store) =>
                TypedResults.Ok(await RiskRules.Interceptions(http.User, store, tenantId, ruleId, cardHolderId, outcome, page ?? 0, size ?? 50)))
            .Doc("listRiskInterceptions", "Taps rules or lists fired on, explained",
                "Newest first; each with its outcome (blocked, reviewed, shadow), the tap's answer, and every rule that fired: id, version, action and the values that made it fire.");

        risk.MapGet("/cases", async (string tenantId, string? status, int? page, int? size, HttpContext http, IDocumentStore store) =>
                TypedResults.Ok(await RiskCases.Page(http.User, store, tenantId, status, page ?? 0, size ?? 50)))
            .Doc("listRiskCases", "The review queue", "Cases opened by review rules, newest first; status open or closed.");

        risk.MapGet("/cases/{caseId}", async (string tenantId, string caseId, HttpContext http, IGrainFactory grains) =>
                (await RiskCases.Get(http.User, grains, tenantId, caseId)).ToOk())
            .Doc("getRiskCase", "A case with its history", "The tap, the rules that fired and everything done to the case.");

        risk.MapPost("/cases/{caseId}/assign", async (string tenantId, string caseId, AssignCaseRequest body, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
                (await RiskCases.Assign(http.User, grains, tenantId, caseId, body, clock.GetUtcNow())).ToOk())
            .Doc("assignRiskCase", "Assign a case to someone", "assignee is a username.");

        risk.MapPost("/cases/{caseId}/comments", async (string tenantId, string caseId, CommentCaseRequest body, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
                (await RiskCases.Comment(http.User, grains, tenantId, caseId, body, clock.GetUtcNow())).ToOk())
            .Doc("commentRiskCase", "Comment on a case", "Kept in the case's history with who and when.");

        risk.MapPost("/cases/{caseId}/close", async (string tenantId, string caseId, CloseCaseRequest body, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
                (await RiskCases.Close(http.User, grains, tenantId, caseId, body, clock.GetUtcNow())).ToOk())
            .Doc("closeRiskCase", "Close a case as fraud or not fraud",
                "As fraud it may also freeze the holder's card, blacklist the card (refused on every till within a second) and flag the holder's other taps of the last 24 h. A closed case answers 409.")
            .Problems(StatusCodes.Status409Conflict);
        return api;
    }

    /// <summary>The same list routes for a tenant's lists and for the platform's (operation ids suffixed "Platform").</summary>
    static void MapLists(RouteGroupBuilder group, string suffix, Func<HttpContext, string> ownerOf)
    {
        var whose = suffix == "" ? "the tenant's" : "the platform's (every tenant's)";
        group.MapGet("/lists", async (string? list, string? subject, int? page, int? size, HttpContext http, IDocumentStore store) =>
                TypedResults.Ok(await RiskLists.Page(http.User, store, ownerOf(http), list, subject, page ?? 0, size ?? 50)))
            .Doc($"listRiskListEntries{suffix}", $"Entries of {whose} black, allow and watch lists",
                "Filter by list (black, allow, watch) and subject (card, holder, terminal, idNumber); cards and ID numbers show their last 4 only.");

        group.MapPost("/lists", async (RiskListEntryRequest body, HttpContext http, IDocumentStore store, IRiskBook book, TimeProvider clock) =>
                TypedResults.Created(http.Request.Path, await RiskLists.Add(http.User, store, book, ownerOf(http), body, clock.GetUtcNow())))
            .Doc($"addRiskListEntry{suffix}", $"Put a card, holder, terminal or ID number on {whose} list",
                "Cards and ID numbers are kept as digests (ID numbers keyed). A blacklisted subject is declined risk_rejected on every till within a second.");

        group.MapDelete("/lists/{entryId}", async (string entryId, HttpContext http, IDocumentStore store, IRiskBook book) =>
            {
                await RiskLists.Remove(http.User, store, book, ownerOf(http), entryId);
                return TypedResults.NoContent();
            })
            .Doc($"removeRiskListEntry{suffix}", $"Take an entry off {whose} list", "Applies on every till within a second.");

        group.MapPost("/lists/import", async (string? fileName, HttpContext http, IDocumentStore store, IRiskBook book, TimeProvider clock) =>
                TypedResults.Ok(await RiskLists.Import(http.User, store, book, ownerOf(http), await ReadFile(http), clock.GetUtcNow())))
            .DisableAntiforgery()
            .BodyLimit(MaxFileBytes + 64 * 1024)
            .Doc($"importRiskList{suffix}", $"Import entries into {whose} lists from .xlsx or .csv",
                "Multipart field 'file' or the raw body. Columns list, subject, value, note (or 名单, 对象, 值, 备注); good rows are added, "
                + "the others come back with their row number, field and reason. Card and ID numbers must be text cells.");
    }

    static async Task<byte[]> ReadFile(HttpContext http)
    {
        if (http.Request.ContentLength > MaxFileBytes) throw ProblemException.Invalid("file", "The file is larger than 20 MB.");
        using var buffer = new MemoryStream();
        if (http.Request.HasFormContentType)
        {
            var file = (await http.Request.ReadFormAsync()).Files.GetFile("file") ?? throw ProblemException.Invalid("file", "Send the list as the form field 'file'.");
            await file.CopyToAsync(buffer);
        }
        else await http.Request.Body.CopyToAsync(buffer);
        if (buffer.Length == 0) throw ProblemException.Invalid("file", "The file is empty.");
        var content = buffer.ToArray();
        Xlsx.RequireSafeArchive(content);
        return content;
    }
}
