using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Time;

namespace SceneFinance.Scenes.Canteen.Subsidies;

/// <summary><c>period</c>: the period to grant or end (<c>2026-09</c> for a monthly program); absent: the one today falls in.</summary>
public sealed record SubsidyRunRequest(string? Period);

public sealed record SubsidyProgramView(SubsidyProgram Program, string FunderAccount, ProgramFigures Figures);
public sealed record SubsidyProgramList(IReadOnlyList<SubsidyProgramView> Items);
public sealed record SubsidyRunList(IReadOnlyList<SubsidyRunView> Items);
public sealed record EligibleListResult(int Listed, IReadOnlyList<RejectedId> Rejected);
public sealed record RejectedId(int Row, string Reason);

/// <summary>
/// Subsidy programs: create, read (with the funder's figures), import who is eligible, and run grants, period ends and the
/// close on the scheduler. Runs are money-moving: each takes an Idempotency-Key, which names the run, so the same key and
/// request give the same run; and each holder is credited or emptied once, whatever the number of runs.
/// </summary>
public static class SubsidyEndpoints
{
    public static void MapSubsidies(this IEndpointRouteBuilder canteen)
    {
        var programs = canteen.MapGroup("/subsidy-programs");

        programs.MapPost("", async (string tenantId, SubsidyProgramRequest body, HttpContext http, IDocumentStore store, IGrainFactory grains, TimeProvider clock) =>
                (await SubsidyPrograms.Create(http.User, store, grains, tenantId, body, clock.GetUtcNow())).ToCreated(p => $"/api/v1/tenants/{tenantId}/canteen/subsidy-programs/{p.Program.Id}"))
            .Doc("createSubsidyProgram", "Create a subsidy program (meal subsidy, holiday subsidy)",
                "kind meal or holiday; amountPerPerson fen; period monthly (calendar months in the tenant's zone) or dates (from, to); endAction reset "
                + "(the remainder goes back to the funder at the period's end) or rollover; categories and mealPeriods where it may be spent (empty: "
                + "anywhere); funder names who pays (account subsidy-funder:{programId}); kinds and groups choose who is eligible unless a list is "
                + "imported; autoGrant grants each period when it starts.");

        programs.MapGet("", async (string tenantId, HttpContext http, IDocumentStore store) =>
                TypedResults.Ok(new SubsidyProgramList(await SubsidyPrograms.List(http.User, store, tenantId))))
            .Doc("listSubsidyPrograms", "The tenant's subsidy programs with their funder figures",
                "granted, spent, returned (period ends and refunds after a program) and outstanding (still in purses), in fen, from the ledger.");

        programs.MapGet("/{programId}", async (string tenantId, string programId, HttpContext http, IDocumentStore store) =>
                (await SubsidyPrograms.Get(http.User, store, tenantId, programId)).ToOk())
            .Doc("getSubsidyProgram", "A subsidy program with its funder figures");

        programs.MapPost("/{programId}/eligible-holders", async (string tenantId, string programId, HttpContext http, IDocumentStore store, TimeProvider clock) =>
            {
                http.User.RequireTenantAccess(tenantId, CanteenAccess.Managers); // who asks, before their file is read
                return (await SubsidyPrograms.ImportList(http.User, store, tenantId, programId, await Upload.Read(http), clock.GetUtcNow())).ToOk();
            })
            .DisableAntiforgery()
            .Doc("importEligibleHolders", "Import who is eligible: a .xlsx or .csv of external ids (student or staff numbers)",
                "The column externalId (学号, 工号, 编号), else the first; ids are text and keep their leading zeros (a number cell is refused). "
                + "The list replaces the kinds and groups filter from the next grant on; ids nobody holds are left out then.");

        programs.MapPost("/{programId}/grants", (string tenantId, string programId, SubsidyRunRequest? body, HttpContext http, IDocumentStore store, SubsidyRunner runner, TenantClock clock) =>
                Run(http, store, runner, clock, tenantId, programId, SubsidyRun.Grant, body?.Period))
            .Idempotent().Produces<SubsidyRunView>(StatusCodes.Status202Accepted)
            .Doc("grantSubsidy", "Grant a period of the program to every eligible holder (a job on the scheduler)",
                "202 with the run; follow it at runs/{runId}. Each holder is credited once per period: running it again changes nothing (changed: 0).");

        programs.MapPost("/{programId}/period-ends", (string tenantId, string programId, SubsidyRunRequest? body, HttpContext http, IDocumentStore store, SubsidyRunner runner, TenantClock clock) =>
                Run(http, store, runner, clock, tenantId, programId, SubsidyRun.End, body?.Period))
            .Idempotent().Produces<SubsidyRunView>(StatusCodes.Status202Accepted)
            .Doc("endSubsidyPeriod", "End a period that is over: what each holder has left of it goes back to the funder, once",
                "Only after the period's end (409 before) and for programs that reset. The calendar job does this by itself within a minute of the end; "
                + "running it again, or after a restart, returns nothing twice.");

        programs.MapPost("/{programId}/close", (string tenantId, string programId, HttpContext http, IDocumentStore store, SubsidyRunner runner, TenantClock clock) =>
                Run(http, store, runner, clock, tenantId, programId, SubsidyRun.Close, null))
            .Idempotent().Produces<SubsidyRunView>(StatusCodes.Status202Accepted)
            .Doc("closeSubsidyProgram", "Close a program: no more grants, and what every holder has left of it goes back to the funder",
                "202 with the run. Refunds of its payments from now on go to the funder.");

        programs.MapGet("/{programId}/runs", async (string tenantId, string programId, HttpContext http, IDocumentStore store) =>
                TypedResults.Ok(new SubsidyRunList(await SubsidyPrograms.Runs(http.User, store, tenantId, programId))))
            .Doc("listSubsidyRuns", "A program's runs (grants, period ends, close), newest first");

        programs.MapGet("/{programId}/runs/{runId}", async (string tenantId, string programId, string runId, HttpContext http, IDocumentStore store) =>
                (await SubsidyPrograms.RunOf(http.User, store, tenantId, programId, runId)).ToOk())
            .Doc("getSubsidyRun", "A run's progress: total, done, changed, unchanged, failed",
                "status queued, running, completed or failed; a failed run is run again by queuing it again.");
    }

    static async Task<IResult> Run(HttpContext http, IDocumentStore store, SubsidyRunner runner, TenantClock clock, string tenantId, string programId, string action, string? period)
    {
        http.RequireTenantAccess(tenantId, CanteenAccess.Managers);
        var key = IdempotencyTicket.RequireKey(http.Request);
        var run = await SubsidyPrograms.Queue(http.User, store, runner, clock, tenantId, programId, action, period, key);
        return run.Refusal is { } r ? r.ToProblem() : TypedResults.Json(run.Value!, statusCode: StatusCodes.Status202Accepted);
    }
}

/// <summary>A file sent as the form field <c>file</c> or as the raw body (at most 20 MB).</summary>
public static class Upload
{
    public const long MaxBytes = 20 * 1024 * 1024;

    public static async Task<(string Name, byte[] Content)> Read(HttpContext http)
    {
        if (http.Request.ContentLength > MaxBytes) throw ProblemException.Invalid("file", "The file is larger than 20 MB.");
        using var buffer = new MemoryStream();
        var name = http.Request.Query["fileName"].ToString() is { Length: > 0 } n ? n : "upload";
        if (http.Request.HasFormContentType)
        {
            var file = (await http.Request.ReadFormAsync()).Files.GetFile("file") ?? throw ProblemException.Invalid("file", "Send the file as the form field 'file'.");
            await file.CopyToAsync(buffer);
            name = file.FileName;
        }
        else await http.Request.Body.CopyToAsync(buffer);
        if (buffer.Length == 0) throw ProblemException.Invalid("file", "The file is empty.");
        if (buffer.Length > MaxBytes) throw ProblemException.Invalid("file", "The file is larger than 20 MB.");
        return (Path.GetFileName(name), buffer.ToArray());
    }
}
