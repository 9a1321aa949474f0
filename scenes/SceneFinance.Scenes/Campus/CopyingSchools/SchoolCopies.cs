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
using SceneFinance.Scenes.Canteen.MealPeriods;

namespace SceneFinance.Scenes.Campus.CopyingSchools;

/// <summary>
/// A new school from a pilot one (复制学校): <paramref name="Term"/> names the new term; every fee plan date moves by
/// <paramref name="TermStart"/> minus <paramref name="SourceTermStart"/> (the pilot's term start), so due dates keep their place in the term.
/// </summary>
public sealed record CopySchoolRequest(string? Name, string? Term, DateOnly? SourceTermStart, DateOnly? TermStart, string? TimeZone);

/// <summary>The new school and what was copied into it.</summary>
public sealed record SchoolCopy(TenantView Tenant, string SourceId, int FeePlans, int MealPeriods, bool CampusSettings, bool CanteenSettings);

public static class SchoolCopies
{
    public static void MapSchoolCopies(this IEndpointRouteBuilder api)
    {
        api.MapGroup("/tenants").WithTags("Tenants")
            .MapPost("/{tenantId}/copies", async (string tenantId, CopySchoolRequest body, HttpContext http, IDocumentStore store, IGrainFactory grains, TimeProvider clock) =>
                (await Copy(http.User, store, grains, tenantId, body, clock.GetUtcNow())).ToCreated(c => $"/api/v1/tenants/{c.Tenant.Id}"))
            .Doc("copySchool", "Create a school from another as its template (platform-admin)",
                "A new campus tenant with the template's campus settings, fee plans (every date shifted by termStart - sourceTermStart, term renamed), "
                + "and canteen settings (meal periods, limit rules, offline caps, the single-payment cap). No money, no card holders, students, bills or users "
                + "are copied. timeZone (optional) defaults to the template's. 409 conflict when the template is not a campus.")
            .Problems(StatusCodes.Status409Conflict);
    }

    public static async Task<Outcome<SchoolCopy>> Copy(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string sourceId, CopySchoolRequest body, DateTimeOffset now)
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
        CampusSettings? settings;
        await using (var read = store.QuerySession(sourceId))
        {
            plans = [.. await read.Query<FeePlan>().ToListAsync()];
            settings = await read.LoadAsync<CampusSettings>(CampusSettings.DocumentId);
        }
        await using (var write = store.LightweightSession(tenant.Id))
        {
            if (settings is not null) write.Store(settings);
            foreach (var plan in plans)
                write.Insert(Shifted(plan, body.Term!.Trim(), shift, user.UserName(), now));
            await write.SaveChangesAsync();
        }

        var c = await CanteenSettingsEndpoints.Get(user, store, grains, sourceId).OrThrow();
        (await CanteenSettingsEndpoints.Update(user, store, grains, tenant.Id,
            new CanteenSettingsRequest(c.MealPeriods, c.Limits, c.OfflineHolderCap, c.OfflineTillCap, c.SinglePaymentCap), now)).OrThrow();
        return new SchoolCopy(tenant, sourceId, plans.Count, c.MealPeriods.Count, settings is not null, true);
    }

    /// <summary>The template's plan for the new term: a new id, every due date moved by <paramref name="days"/>, made by whoever copied it.</summary>
    public static FeePlan Shifted(FeePlan plan, string term, int days, string by, DateTimeOffset now) => new()
    {
        Id = Ids.New("plan"), Name = plan.Name, Term = term, Grade = plan.Grade, Class = plan.Class, Items = [.. plan.Items],
        Installments = [.. plan.Installments.Select(i => i with { DueDate = i.DueDate.AddDays(days) })],
        SiblingDiscountBp = plan.SiblingDiscountBp, LateFeeFixed = plan.LateFeeFixed, LateFeeBp = plan.LateFeeBp, CreatedBy = by, CreatedAt = now,
    };
}
