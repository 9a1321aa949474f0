using System.Net;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using SceneFinance.AdminUi.Live;
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

        // The pilot's subsidy programs, thresholds and limits (issue 14 item 5).
        (await pilot.Api.Post($"{pilot.Base}/canteen/subsidy-programs", new { name = "午餐补贴 Lunch", kind = "meal", amountPerPerson = 20_000, funder = "教育局", mealPeriods = new[] { "lunch" } },
            pilot.AdminToken)).Expect(HttpStatusCode.Created);
        (await pilot.Api.Post($"{pilot.Base}/canteen/subsidy-programs", new { name = "国庆补贴 Holiday", kind = "holiday", period = "dates", from = "2026-10-01", to = "2026-10-07",
            amountPerPerson = 5_000, funder = "工会" }, pilot.AdminToken)).Expect(HttpStatusCode.Created);
        var asked = (await pilot.Api.Post($"{pilot.Base}/approval-limits/change-requests", new { counterTopUpDailyLimit = 123_400, reason = "pilot" },
            await pilot.UserToken("finance"))).Expect(HttpStatusCode.Created);
        (await pilot.Api.Post($"{pilot.Base}/approvals/{asked["id"].GetValue<string>()}/approve", null, await pilot.UserToken("tenant-admin"))).Expect(HttpStatusCode.OK);
        var store = app.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession(pilot.TenantId)) // set on the cockpit's settings page (no API)
        {
            session.Store(new AlertThresholds { DeclineRatePercent = 12, P99LatencyMs = 800, MinPayments = 9 });
            await session.SaveChangesAsync();
        }
        var rule = (await pilot.Api.Post($"{pilot.Base}/risk/rules", new { name = "Big spend", action = "block", conditions = new[] { new { attribute = "amount", op = "gt", value = 50_000L } } },
            await pilot.UserToken("finance"))).Expect(HttpStatusCode.Created)["id"].GetValue<string>();
        (await pilot.Api.Post($"{pilot.Base}/risk/rules/{rule}/versions/1/approve", null, await pilot.UserToken("tenant-admin"))).Expect(HttpStatusCode.OK);

        var copied = (await pilot.Api.Post($"/api/v1/tenants/{pilot.TenantId}/copies",
            new { name = "第二小学 No.2 School", term = "2027-spring", sourceTermStart = "2026-09-01", termStart = "2027-02-20" }, pilot.AdminToken)).Expect(HttpStatusCode.Created);
        Assert.Equal((1L, 1L), (copied.Body.Long("feePlans"), copied.Body.Long("mealPeriods")));
        Assert.Equal((2L, 1L), (copied.Body.Long("subsidyPrograms"), copied.Body.Long("riskRules")));
        Assert.Contains("approvalLimits", copied["settings"].AsArray().Select(n => n!.GetValue<string>()));
        Assert.Contains("alertThresholds", copied["settings"].AsArray().Select(n => n!.GetValue<string>()));
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

        var programs = (await school.Api.Get($"{school.Base}/canteen/subsidy-programs", school.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray()
            .Select(p => p!["program"]!).ToList();
        var lunch = Assert.Single(programs, p => p.Str("kind") == "meal");
        Assert.Equal(("午餐补贴 Lunch", 20_000L, "lunch"), (lunch.Str("name"), lunch.Long("amountPerPerson"), lunch["mealPeriods"]![0]!.GetValue<string>()));
        var holiday = Assert.Single(programs, p => p.Str("kind") == "holiday");
        Assert.Equal(("2027-03-22", "2027-03-28"), (holiday.Str("from"), holiday.Str("to"))); // 172 days on, like the plans
        Assert.Equal(123_400L, (await school.Api.Get($"{school.Base}/approval-limits", school.AdminToken)).Expect(HttpStatusCode.OK).Body.Long("counterTopUpDailyLimit"));
        await using (var session = store.QuerySession(school.TenantId))
        {
            var thresholds = await session.LoadAsync<AlertThresholds>(AlertThresholds.DocumentId);
            Assert.Equal((12, 800, 9), (thresholds!.DeclineRatePercent, thresholds.P99LatencyMs, thresholds.MinPayments));
        }
        var rules = (await school.Api.Get($"{school.Base}/risk/rules", school.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray();
        Assert.Equal("draft", Assert.Single(rules)!.Str("status")); // not live until someone of the new school approves it

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
