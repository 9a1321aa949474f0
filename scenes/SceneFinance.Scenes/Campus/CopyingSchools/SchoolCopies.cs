using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Platform.Time;
using SceneFinance.Scenes.Campus.PlanningFees;
using SceneFinance.Platform.Audit;
using SceneFinance.Scenes.Canteen.MealPeriods;
using SceneFinance.Scenes.Canteen.Subsidies;

namespace SceneFinance.Scenes.Campus.CopyingSchools;

/// <summary>
/// A new school from a pilot one (复制学校): <paramref name="Term"/> names the new term; every fee plan date moves by
/// <paramref name="TermStart"/> minus <paramref name="SourceTermStart"/> (the pilot's term start), so due dates keep their place in the term.
/// </summary>
public sealed record CopySchoolRequest(string? Name, string? Term, DateOnly? SourceTermStart, DateOnly? TermStart, string? TimeZone);

/// <summary>
/// The new school and what was copied into it: <see cref="SubsidyPrograms"/> (their eligibility lists are people, so not copied),
/// <see cref="RiskRules"/> (the template's live rules, as drafts a person of the new school approves), and <see cref="Settings"/>:
/// the names of the per-tenant settings the template had set (<c>approvalLimits</c>, the role-bound four-eyes limits;
/// <c>alertThresholds</c>, <c>riskAlertThresholds</c>...). Roles are the same fixed set in every tenant; their people are not copied.
/// </summary>
public sealed record SchoolCopy(TenantView Tenant, string SourceId, int FeePlans, int MealPeriods, bool CampusSettings, bool CanteenSettings,
    int SubsidyPrograms = 0, int RiskRules = 0, IReadOnlyList<string>? Settings = null);

public static class SchoolCopies
{
    public static void MapSchoolCopies(this IEndpointRouteBuilder api)
    {
        api.MapGroup("/tenants").WithTags("Tenants")
            .MapPost("/{tenantId}/copies", async (string tenantId, CopySchoolRequest body, HttpContext http, IDocumentStore store, IGrainFactory grains,
                    IEnumerable<ISchoolCopyPart> parts, TimeProvider clock) =>
                (await Copy(http.User, store, grains, parts, tenantId, body, clock.GetUtcNow())).ToCreated(c => $"/api/v1/tenants/{c.Tenant.Id}"))
            .Doc("copySchool", "Create a school from another as its template (platform-admin)",
                "A new campus tenant with the template's campus settings, fee plans (every date shifted by termStart - sourceTermStart, term renamed), "
                + "canteen settings (meal periods, limit rules, offline caps, the single-payment cap), subsidy programs (dated ones shifted like the plans; "
                + "no eligibility lists), the live risk rules as drafts for the new school to approve, and the tenant's thresholds and limits (approval limits, "
                + "alert and risk alert thresholds; settings lists which). Roles are fixed per tenant; their limits come with the approval limits. "
                + "No money, no card holders, students, bills or users are copied. timeZone (optional) defaults to the template's. 409 conflict when the template is not a campus.")
            .Problems(StatusCodes.Status409Conflict);
    }

    public static async Task<Outcome<SchoolCopy>> Copy(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, IEnumerable<ISchoolCopyPart> parts,
        string sourceId, CopySchoolRequest body, DateTimeOffset now)
    {
        user.RequirePlatformAdmin();
        new Validation()
            .Text(body.Name, "name", 100)
            .Text(body.Term, "term", 50)
            .Require(body.SourceTermStart is not null, "sourceTermStart", "sourceTermStart (yyyy-MM-dd, the template's term start) is required.")
            .Require(body.TermStart is not null, "termStart", "termStart (yyyy-MM-dd, the new term's start) is required.")
            .Require(body.TimeZone is null || Zones.IsKnown(body.TimeZone), "timeZone", $"timeZone must be an IANA time zone id, such as {Zones.Default}.")
            .ThrowIfInvalid();
        var found = await grains.FindTenant(sourceId);
        if (found.Refusal is { } missing) return missing;
        var source = found.Value!;
        if (source.Kind != "campus") return Refusal.Conflict("Only a campus can be the template of a school.");

        var created = await grains.GetGrain<ITenantGrain>(Ids.New("tn")).Create(body.Name!.Trim(), "campus", now, body.TimeZone ?? source.TimeZone);
        if (created.Refusal is { } refused) return refused;
        var tenant = created.Value!;

        var shift = body.TermStart!.Value.DayNumber - body.SourceTermStart!.Value.DayNumber;
        List<FeePlan> plans;
        List<SubsidyProgram> programs;
        List<RiskRuleListing> rules;
        CampusSettings? settings;
        await using (var read = store.QuerySession(sourceId))
        {
            plans = [.. await read.Query<FeePlan>().ToListAsync()];
            programs = [.. await read.Query<SubsidyProgram>().Where(p => p.Status == "active").ToListAsync()];
            rules = [.. await read.Query<RiskRuleListing>().Where(r => r.Status == "live").ToListAsync()];
            settings = await read.LoadAsync<CampusSettings>(CampusSettings.DocumentId);
        }
        await using (var write = store.LightweightSession(tenant.Id))
        {
            if (settings is not null) write.Store(settings);
            foreach (var plan in plans)
                write.Insert(Shifted(plan, body.Term!.Trim(), shift, user.UserName(), now));
            foreach (var program in programs)
                write.Insert(Shifted(program, tenant.Id, shift, now));
            await write.SaveChangesAsync();
        }
        // A rule that blocks goes live only when a second person approves it: in the new school, someone of the new school.
        foreach (var rule in rules.Where(r => r.Live is not null))
            (await grains.GetGrain<IRiskRuleGrain>(GrainKeys.For(tenant.Id, Ids.New("rul"))).Draft(rule.Live!, user.UserName(), now)).OrThrow();
        var copiedSettings = new List<string>();
        foreach (var part in parts)
            if (await part.Copy(store, sourceId, tenant.Id)) copiedSettings.Add(part.Name);

        var c = await CanteenSettingsEndpoints.Get(user, store, grains, sourceId).OrThrow();
        (await CanteenSettingsEndpoints.Update(user, store, grains, tenant.Id,
            new CanteenSettingsRequest(c.MealPeriods, c.Limits, c.OfflineHolderCap, c.OfflineTillCap, c.SinglePaymentCap), now)).OrThrow();
        var copy = new SchoolCopy(tenant, sourceId, plans.Count, c.MealPeriods.Count, settings is not null, true, programs.Count, rules.Count(r => r.Live is not null), copiedSettings);
        await using (var audit = store.LightweightSession(tenant.Id))
        {
            audit.Audit(tenant.Id, "school.copied", tenant.Id, null, copy with { Tenant = tenant }, $"from {sourceId}");
            await audit.SaveChangesAsync();
        }
        return copy;
    }

    /// <summary>The template's program for the new school: a new id, dates moved like the plans', nobody listed (lists are people), made now.</summary>
    public static SubsidyProgram Shifted(SubsidyProgram p, string tenantId, int days, DateTimeOffset now) => new()
    {
        Id = Ids.New("sp"), TenantId = tenantId, Name = p.Name, Kind = p.Kind, AmountPerPerson = p.AmountPerPerson, Period = p.Period,
        From = p.From?.AddDays(days), To = p.To?.AddDays(days), EndAction = p.EndAction, Categories = [.. p.Categories], MealPeriods = [.. p.MealPeriods],
        Funder = p.Funder, Kinds = [.. p.Kinds], Groups = [.. p.Groups], ListedHolders = 0,
        AutoGrant = p.AutoGrant && p.ListedHolders == 0, // a listed program without its list would grant to everyone its filter names: an operator starts it
        Status = "active", CreatedAt = now,
    };

    /// <summary>The template's plan for the new term: a new id, every due date moved by <paramref name="days"/>, made by whoever copied it.</summary>
    public static FeePlan Shifted(FeePlan plan, string term, int days, string by, DateTimeOffset now) => new()
    {
        Id = Ids.New("plan"), Name = plan.Name, Term = term, Grade = plan.Grade, Class = plan.Class, Items = [.. plan.Items],
        Installments = [.. plan.Installments.Select(i => i with { DueDate = i.DueDate.AddDays(days) })],
        SiblingDiscountBp = plan.SiblingDiscountBp, LateFeeFixed = plan.LateFeeFixed, LateFeeBp = plan.LateFeeBp, CreatedBy = by, CreatedAt = now,
    };
}
