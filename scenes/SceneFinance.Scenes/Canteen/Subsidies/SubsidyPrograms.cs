using System.Security.Claims;
using Marten;
using SceneFinance.Grains;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Platform.Time;
using SceneFinance.Scenes.Canteen.MealPeriods;

namespace SceneFinance.Scenes.Canteen.Subsidies;

public sealed record SubsidyProgramRequest(
    string? Name, string? Kind, long? AmountPerPerson, string? Period, DateOnly? From, DateOnly? To, string? EndAction,
    IReadOnlyList<string>? Categories, IReadOnlyList<string>? MealPeriods, string? Funder, IReadOnlyList<string>? Kinds,
    IReadOnlyList<string>? Groups, bool? AutoGrant);

/// <summary>The subsidy programs slice: the functions the routes and the shell's page call (same checks, same idempotency).</summary>
public static class SubsidyPrograms
{
    public static async Task<Outcome<SubsidyProgramView>> Create(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId,
        SubsidyProgramRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, CanteenAccess.Managers);
        await grains.FindTenant(tenantId).OrThrow();
        await using var session = store.LightweightSession(tenantId);
        var periods = (await CanteenSettings.Load(session)).MealPeriods.Select(p => p.Id).ToHashSet();
        var dated = (body.Period ?? SubsidyProgram.Monthly) == SubsidyProgram.Dates;
        new Validation()
            .Text(body.Name, "name", 100)
            .OneOf(body.Kind ?? SubsidyProgram.Meal, "kind", SubsidyProgram.Meal, SubsidyProgram.Holiday)
            .Amount(body.AmountPerPerson, "amountPerPerson")
            .OneOf(body.Period ?? SubsidyProgram.Monthly, "period", SubsidyProgram.Monthly, SubsidyProgram.Dates)
            .Require(!dated || body.From is not null, "from", "from is required for a program by dates.")
            .Require(!dated || (body.To is not null && body.To >= body.From), "to", "to is required for a program by dates, on or after from.")
            .Require((body.Kind ?? SubsidyProgram.Meal) != SubsidyProgram.Holiday || dated, "period", "A holiday subsidy is kept until a date: its period is dates.")
            .OneOf(body.EndAction ?? SubsidyProgram.Reset, "endAction", SubsidyProgram.Reset, SubsidyProgram.Rollover)
            .Require(body.Categories is null || body.Categories.All(MerchantCategories.All.Contains), "categories", $"categories must be among {string.Join(", ", MerchantCategories.All)}.")
            .Require(body.MealPeriods is null || body.MealPeriods.All(periods.Contains), "mealPeriods", "mealPeriods must be the canteen's meal periods.")
            .Text(body.Funder, "funder", 100)
            .Require(body.Kinds is null || body.Kinds.All(CardHolders.CardHolderEndpoints.Kinds.Contains), "kinds", "kinds must be card holder kinds.")
            .Require(body.Groups is null || body.Groups.All(g => g is { Length: >= 1 and <= 64 }), "groups", "groups must be 1 to 64 characters each.")
            .ThrowIfInvalid();
        var program = new SubsidyProgram
        {
            Id = Ids.New("sp"), TenantId = tenantId, Name = body.Name!.Trim(), Kind = body.Kind ?? SubsidyProgram.Meal, AmountPerPerson = body.AmountPerPerson!.Value,
            Period = body.Period ?? SubsidyProgram.Monthly, From = dated ? body.From : null, To = dated ? body.To : null,
            EndAction = body.EndAction ?? SubsidyProgram.Reset, Categories = [.. body.Categories?.Distinct() ?? []], MealPeriods = [.. body.MealPeriods?.Distinct() ?? []],
            Funder = body.Funder!.Trim(), Kinds = [.. body.Kinds?.Distinct() ?? []], Groups = [.. body.Groups?.Distinct() ?? []], AutoGrant = body.AutoGrant ?? false,
            CreatedAt = now,
        };
        session.Insert(program);
        await session.SaveChangesAsync();
        return new SubsidyProgramView(program, Grains.Canteen.CanteenAccounts.Funder(program.Id), new ProgramFigures(program.Id, program.Name, program.Funder, 0, 0, 0, 0));
    }

    public static async Task<IReadOnlyList<SubsidyProgramView>> List(ClaimsPrincipal user, IDocumentStore store, string tenantId)
    {
        user.RequireTenantAccess(tenantId, CanteenAccess.Readers);
        await using var session = store.QuerySession(tenantId);
        var programs = await session.Query<SubsidyProgram>().OrderByDescending(p => p.CreatedAt).Take(500).ToListAsync();
        var figures = await FunderFigures.Of(store, tenantId, programs);
        return programs.Zip(figures, (p, f) => new SubsidyProgramView(p, Grains.Canteen.CanteenAccounts.Funder(p.Id), f)).ToList();
    }

    public static async Task<Outcome<SubsidyProgramView>> Get(ClaimsPrincipal user, IDocumentStore store, string tenantId, string programId)
    {
        user.RequireTenantAccess(tenantId, CanteenAccess.Readers);
        if (await Load(store, tenantId, programId) is not { } program) return Refusal.NotFound("The subsidy program");
        return new SubsidyProgramView(program, Grains.Canteen.CanteenAccounts.Funder(program.Id), (await FunderFigures.Of(store, tenantId, [program]))[0]);
    }

    public static async Task<Outcome<EligibleListResult>> ImportList(ClaimsPrincipal user, IDocumentStore store, string tenantId, string programId,
        (string Name, byte[] Content) file, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, CanteenAccess.Managers);
        if (await Load(store, tenantId, programId) is not { } program) return Refusal.NotFound("The subsidy program");
        List<string> ids;
        List<(int Row, string Reason)> rejected;
        try { (ids, rejected) = EligibleListFile.Read(file.Content); }
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException or FormatException or IOException)
        {
            return Refusal.Invalid("file", "The file could not be read as .xlsx or .csv.");
        }
        await using var session = store.LightweightSession(tenantId);
        session.Store(new SubsidyEligibleList { Id = program.Id, ExternalIds = ids, FileName = file.Name, ImportedAt = now });
        program.ListedHolders = ids.Count;
        session.Store(program);
        await session.SaveChangesAsync();
        return new EligibleListResult(ids.Count, [.. rejected.Select(r => new RejectedId(r.Row, r.Reason))]);
    }

    /// <summary>
    /// Queues a run under an idempotency key: the key names the run (per tenant), so the same key and request give the same run
    /// back and a different request under it is refused <c>idempotency_conflict</c>.
    /// </summary>
    public static async Task<Outcome<SubsidyRunView>> Queue(ClaimsPrincipal user, IDocumentStore store, SubsidyRunner runner, TenantClock clock,
        string tenantId, string programId, string action, string? period, string key)
    {
        user.RequireTenantAccess(tenantId, CanteenAccess.Managers);
        if (await Load(store, tenantId, programId) is not { } program) return Refusal.NotFound("The subsidy program");
        var periodKey = Period(program, action, period, await clock.For(tenantId));
        if (periodKey.Refusal is { } wrong) return wrong;

        var ticket = IdempotencyTicket.For("tenant", key, "subsidy-run", programId, action, periodKey.Value);
        var runId = Ids.Derived("run", tenantId + "|" + ticket.DocumentId);
        await using (var session = store.QuerySession(tenantId))
            if (await session.LoadAsync<SubsidyRunKey>(runId) is { } known)
                return known.RequestHash == ticket.RequestHash ? (await session.LoadAsync<SubsidyRun>(runId))!.View() : Refusal.IdempotencyConflict;
        if (action == SubsidyRun.Grant && !user.IsInRole(Roles.PlatformAdmin) // platform admins make users anywhere: no second person could stop them
            && await SubsidyGrantApprovals.Amount(runner, tenantId, program) is var amount && amount > (await Approving.ApprovalLimits.Load(store, tenantId)).SubsidyGrantLimit)
            return Campus.WritingOff.WriteOffs.ApprovalRequired($"A grant of {Platform.Money.Yuan(amount)} yuan (above the tenant's limit per grant)");
        var run = await runner.Queue(tenantId, program, action, periodKey.Value, user.Identity?.Name ?? "", runId, ticket.RequestHash);
        return run.View();
    }

    /// <summary>The period a run is for (null for a close): the one named, or today's; refused when it cannot be run now.</summary>
    public static Outcome<string?> Period(SubsidyProgram program, string action, string? period, TenantTime time)
    {
        if (program.Status == "closed" && action != SubsidyRun.Close) return Refusal.Conflict("This program is closed.");
        if (action == SubsidyRun.Close) return (string?)null;
        var p = period is null ? program.PeriodOf(time.Today, time) : Periods.ByKey(program, period, time);
        if (p is null) return Refusal.Invalid("period", period is null ? "Today is outside the program's dates: name the period." : "No such period in this program.");
        if (action == SubsidyRun.End && p.EndsAt > time.Now) return Refusal.Conflict($"The period {p.Key} has not ended yet.");
        if (action == SubsidyRun.End && !program.ResetAtEnd) return Refusal.Conflict("This program rolls over: its periods do not end with a return.");
        return p.Key;
    }

    public static async Task<IReadOnlyList<SubsidyRunView>> Runs(ClaimsPrincipal user, IDocumentStore store, string tenantId, string programId)
    {
        user.RequireTenantAccess(tenantId, CanteenAccess.Readers);
        if (await Load(store, tenantId, programId) is null) throw ProblemException.NotFound("The subsidy program");
        await using var session = store.QuerySession(tenantId);
        return (await session.Query<SubsidyRun>().Where(r => r.ProgramId == programId).OrderByDescending(r => r.QueuedAt).Take(100).ToListAsync())
            .Select(r => r.View()).ToList();
    }

    public static async Task<Outcome<SubsidyRunView>> RunOf(ClaimsPrincipal user, IDocumentStore store, string tenantId, string programId, string runId)
    {
        user.RequireTenantAccess(tenantId, CanteenAccess.Readers);
        await using var session = store.QuerySession(tenantId);
        return await session.LoadAsync<SubsidyRun>(runId) is { } run && run.ProgramId == programId ? run.View() : Refusal.NotFound("The run");
    }

    internal static async Task<SubsidyProgram?> Load(IDocumentStore store, string tenantId, string programId)
    {
        if (!programId.StartsWith("sp_", StringComparison.Ordinal)) return null;
        await using var session = store.QuerySession(tenantId);
        return await session.LoadAsync<SubsidyProgram>(programId);
    }
}

/// <summary>The request a run was queued for, under its idempotency key (id = the run's).</summary>
public sealed class SubsidyRunKey
{
    public string Id { get; set; } = "";
    public string RequestHash { get; set; } = "";
}
