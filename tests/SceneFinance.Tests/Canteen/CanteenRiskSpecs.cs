using System.Net;
using SceneFinance.Tests.Infrastructure;
using SceneFinance.Tests.Risk;

namespace SceneFinance.Tests.Canteen;

/// <summary>
/// Where the canteen meets the risk rules: a rule about a meal means the tenant's own meal periods (one source of meal
/// windows), and the tills' offline list carries the risk rules' blacklisted cards (one blacklist).
/// </summary>
[Collection(SharedApp.Name)]
public sealed class CanteenRiskSpecs(SceneApp app)
{
    const string ListPath = "/api/v1/terminal/offline-card-list";

    [Fact]
    public async Task A_rule_about_lunch_and_late_night_means_the_canteens_own_hours_not_standard_ones()
    {
        var s = await Scenario.Start(app);
        var till = await s.TerminalAt(await s.Merchant());
        await s.Settings(new
        {
            mealPeriods = new[]
            {
                new { id = "lunch", name = "午餐 Lunch", start = "14:00", end = "15:00" },
                new { id = "late-night", name = "夜宵 Late night", start = "22:00", end = "02:00" },
            },
        });
        var (_, card) = await s.CardHolder(cash: 10_000);
        var (finance, admin) = (await s.UserToken("finance"), await s.UserToken("tenant-admin"));
        await s.LiveRule(finance, admin, "No meals on this card", "block", new { attribute = "mealPeriod", values = new[] { "lunch", "lateNight" } });

        Assert.Equal("risk_rejected", await s.Declined(till, card, 100, CanteenScenario.RecentLocal(14, 30))); // the canteen's lunch
        Assert.Equal("approved", await s.Declined(till, card, 100, CanteenScenario.RecentLocal(12, 0)));       // a standard lunch, not this canteen's
        Assert.Equal("risk_rejected", await s.Declined(till, card, 100, CanteenScenario.RecentLocal(1, 0)));   // late night, past midnight
    }

    [Fact]
    public async Task A_card_blacklisted_by_the_risk_officer_reaches_the_tills_offline_list_and_leaves_it_when_taken_off()
    {
        var s = await Scenario.Start(app);
        var till = await s.Terminal();
        var (_, card) = await s.CardHolder(cash: 1_000);
        var key = CanteenScenario.CardKey(card);
        var entry = await s.List(s.AdminToken, "black", "card", card);

        var listed = await Until(async () =>
        {
            var list = (await s.Api.SignedGet(till, ListPath)).Expect(HttpStatusCode.OK);
            return list["cards"].AsArray().Any(c => c!["cardKey"]!.GetValue<string>() == key && c["reasons"]![0]!.GetValue<string>() == "blacklisted")
                ? list["version"].GetValue<long>() : (long?)null;
        });

        // An offline tap on it by a till that held that list is an exception, not a charge; online it is refused at once.
        var result = (await s.Api.OfflineBatch(till, listed, Offline.Item(card, 300, DateTimeOffset.UtcNow.AddMinutes(-5), "bl-1")))
            .Expect(HttpStatusCode.OK)["results"].AsArray().Single()!;
        Assert.Equal("listed_card", result["offlineException"]!.GetValue<string>());
        Assert.Equal("risk_rejected", await s.Declined(till, card, 100));

        (await s.Api.Send(HttpMethod.Delete, $"{s.Risk()}/lists/{entry["id"].Str()}", null, s.AdminToken)).Expect(HttpStatusCode.NoContent);
        await Until(async () =>
        {
            var delta = (await s.Api.SignedGet(till, $"{ListPath}?sinceVersion={listed}")).Expect(HttpStatusCode.OK);
            return delta["cards"].AsArray().Any(c => c!["cardKey"]!.GetValue<string>() == key && !c["listed"]!.GetValue<bool>()) ? 1L : (long?)null;
        });
    }

    /// <summary>Waits for a condition (the list follows the blacklist within seconds; a loaded machine may take longer).</summary>
    static async Task<long> Until(Func<Task<long?>> seen)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (await seen() is { } value) return value;
            Assert.True(DateTime.UtcNow < deadline, "the offline list did not follow the blacklist");
            await Task.Delay(250);
        }
    }
}
