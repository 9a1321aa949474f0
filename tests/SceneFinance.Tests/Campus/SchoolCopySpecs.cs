using System.Net;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Campus;

/// <summary>A platform admin starts a school from the pilot one: its settings and plans, for the new term; no money, no people.</summary>
[Collection(SharedCampusApp.Name)]
public sealed class SchoolCopySpecs(CampusApp app)
{
    [Fact]
    public async Task A_new_school_gets_the_templates_settings_and_fee_plans_shifted_to_its_term_and_nothing_of_its_people_or_money()
    {
        var pilot = await Scenario.Start(app, "campus");
        (await pilot.Api.Send(HttpMethod.Put, $"{pilot.Base}/campus/settings", new { minimumPartialPayment = 10_000, reminderDaysBefore = 5 }, pilot.AdminToken)).Expect(HttpStatusCode.OK);
        (await pilot.Api.Send(HttpMethod.Put, $"{pilot.Base}/canteen/settings", new
        {
            mealPeriods = new[] { new { id = "lunch", name = "午餐 Lunch", start = "11:00", end = "13:30" } }, offlineHolderCap = 3_000, singlePaymentCap = 20_000,
        }, pilot.AdminToken)).Expect(HttpStatusCode.OK);
        await pilot.ImportCsv(Roster.Csv(Roster.Row("0101", "小明", "一年级", "1班", "妈妈", "13" + Random.Shared.NextInt64(100_000_000, 999_999_999))));
        var plan = await pilot.Plan("一年级", [80_000, 5_000], [("2026-09-10", 6000), ("2026-11-10", 4000)], siblingBp: 500, lateFeeFixed: 1_000);
        await pilot.Generate(plan);
        await pilot.TopUp((await pilot.Api.Get($"{pilot.Base}/campus/students/0101", pilot.AdminToken)).Body.Str("cardHolderId"), 5_000);

        var copied = (await pilot.Api.Post($"/api/v1/tenants/{pilot.TenantId}/copies",
            new { name = "第二小学 No.2 School", term = "2027-spring", sourceTermStart = "2026-09-01", termStart = "2027-02-20" }, pilot.AdminToken)).Expect(HttpStatusCode.Created);
        Assert.Equal((1L, 1L), (copied.Body.Long("feePlans"), copied.Body.Long("mealPeriods")));
        var school = new Scenario { Api = pilot.Api, AdminToken = pilot.AdminToken, TenantId = copied["tenant"]["id"]!.GetValue<string>() };
        Assert.Equal(("campus", "第二小学 No.2 School"), (copied["tenant"].Str("kind"), copied["tenant"].Str("name")));

        var plans = (await school.Api.Get($"{school.Base}/campus/fee-plans", school.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray();
        var copy = Assert.Single(plans)!;
        Assert.NotEqual(plan, copy.Str("id"));
        Assert.Equal(("2027-spring", 85_000L), (copy.Str("term"), copy.Long("total")));
        Assert.Equal(["2027-03-01", "2027-05-01"], copy["installments"]!.AsArray().Select(i => i.Str("dueDate"))); // 172 days on, as in the pilot's term
        Assert.Equal((500L, 1_000L), (copy.Long("siblingDiscountBp"), copy.Long("lateFeeFixed")));
        var settings = (await school.Api.Get($"{school.Base}/campus/settings", school.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal((10_000L, 5L), (settings.Body.Long("minimumPartialPayment"), settings.Body.Long("reminderDaysBefore")));
        var canteen = (await school.Api.Get($"{school.Base}/canteen/settings", school.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal(("lunch", 3_000L, 20_000L), (canteen["mealPeriods"][0].Str("id"), canteen.Body.Long("offlineHolderCap"), canteen.Body.Long("singlePaymentCap")));

        // No people and no money: no students or bills; the books are empty.
        Assert.Empty((await school.Api.Get($"{school.Base}/campus/students", school.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray());
        Assert.Empty(await school.Bills());
        Assert.Equal(0L, (await school.TrialBalance()).Long("totalDebit"));
    }

    [Fact]
    public async Task Only_a_platform_admin_copies_only_a_campus_and_bad_requests_create_nothing()
    {
        var pilot = await Scenario.Start(app, "campus");
        var body = new { name = "Copy", term = "2027-spring", sourceTermStart = "2026-09-01", termStart = "2027-02-20" };
        (await pilot.Api.Post($"/api/v1/tenants/{pilot.TenantId}/copies", body, await pilot.UserToken("tenant-admin"))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await pilot.Api.Post($"/api/v1/tenants/{pilot.TenantId}/copies", new { name = "Copy" }, pilot.AdminToken)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        var canteen = await Scenario.Start(app, "canteen");
        (await pilot.Api.Post($"/api/v1/tenants/{canteen.TenantId}/copies", body, pilot.AdminToken)).ExpectProblem(HttpStatusCode.Conflict, "conflict");
        (await pilot.Api.Post("/api/v1/tenants/tn_nobody/copies", body, pilot.AdminToken)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
    }
}
