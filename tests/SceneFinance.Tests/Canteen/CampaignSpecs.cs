using System.Net;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Canteen;

/// <summary>The one-cent breakfast over HTTP: the answer shows what the holder paid, once a day, the budget stops exactly under concurrent taps, the report.</summary>
[Collection(SharedApp.Name)]
public sealed class CampaignSpecs(SceneApp app)
{
    static object Breakfast(string merchant, long budget, DateTimeOffset at, string[]? kinds = null) => new
    {
        name = "一分钱吃早餐 One-cent breakfast", from = CanteenScenario.LocalDay(at).AddDays(-1), to = CanteenScenario.LocalDay(at).AddDays(1),
        mealPeriod = "breakfast", merchantIds = new[] { merchant }, kinds = kinds ?? [], price = 1, perHolderDailyCap = 1, budget,
    };

    [Fact]
    public async Task A_breakfast_costs_one_cent_once_a_day_the_bank_pays_the_rest_and_a_lunch_is_full_price()
    {
        var s = await Scenario.Start(app);
        var merchant = await s.Merchant();
        var till = await s.TerminalAt(merchant);
        var (holder, card) = await s.CardHolder(cash: 2_000);
        var breakfast = CanteenScenario.RecentLocal(7, 30);
        var campaign = await s.Campaign(Breakfast(merchant, 100_000, breakfast));

        var tap = (await s.Api.Pay(till, card, 800, occurredAt: breakfast)).Expect(HttpStatusCode.OK);
        Assert.Equal(("approved", 800L, 1L, campaign, 1_999L),
            (tap["status"].GetValue<string>(), tap["amount"].GetValue<long>(), tap["paid"].GetValue<long>(), tap["campaignId"].GetValue<string>(), tap["balanceAfter"].GetValue<long>()));
        var second = (await s.Api.Pay(till, card, 800, occurredAt: breakfast.AddMinutes(5))).Expect(HttpStatusCode.OK);
        Assert.Equal((800L, (string?)null), (second["paid"].GetValue<long>(), second.Body!["campaignId"]?.GetValue<string>()));
        var lunch = (await s.Api.Pay(till, card, 500, occurredAt: CanteenScenario.RecentLocal(12))).Expect(HttpStatusCode.OK);
        Assert.Equal(500, lunch["paid"].GetValue<long>());

        var tb = await s.TrialBalance();
        Assert.Equal((799L, -2_100L), (tb.Balance($"bank-marketing:{campaign}"), tb.Balance($"merchant-receivable:{merchant}")));
        Assert.Equal(2_000 - 1 - 800 - 500, await s.Balance(holder));
        var report = (await s.Api.Get($"{s.Canteen()}/campaigns/{campaign}/report", s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal((1, 1, 799L, 100_000L - 799), (report["taps"].GetValue<int>(), report["uniqueHolders"].GetValue<int>(), report["cost"].GetValue<long>(), report["remaining"].GetValue<long>()));
        Assert.Equal(CanteenScenario.LocalDay(breakfast).ToString("yyyy-MM-dd"), Assert.Single(report["days"].AsArray())!["day"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_budget_stops_exactly_at_its_end_under_concurrent_taps_and_other_taps_never_wait_for_it()
    {
        var s = await Scenario.Start(app);
        var merchant = await s.Merchant();
        var tills = new List<Terminal>();
        for (var i = 0; i < 4; i++) tills.Add(await s.TerminalAt(merchant, $"窗口 {i}"));
        var cards = new List<string>();
        for (var i = 0; i < 30; i++) cards.Add((await s.CardHolder(cash: 1_000)).CardNumber);
        var breakfast = CanteenScenario.RecentLocal(7, 30);
        const long budget = 10 * 799 + 300;
        var campaign = await s.Campaign(Breakfast(merchant, budget, breakfast));

        var taps = await Task.WhenAll(cards.Select((card, i) => s.Api.Pay(tills[i % tills.Count], card, 800, occurredAt: breakfast)));
        Assert.All(taps, t => Assert.Equal("approved", t.Expect(HttpStatusCode.OK)["status"].GetValue<string>()));
        var discounted = taps.Where(t => t.Body!["campaignId"] is not null).Select(t => 800 - t["paid"].GetValue<long>()).ToList();
        Assert.Equal(budget, discounted.Sum());
        Assert.Equal(11, discounted.Count);
        Assert.Equal([300L, .. Enumerable.Repeat(799L, 10)], discounted.Order());

        var view = (await s.Api.Get($"{s.Canteen()}/campaigns/{campaign}", s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal(("spent", budget, 0L), (view["status"].GetValue<string>(), view["spent"].GetValue<long>(), view["remaining"].GetValue<long>()));
        var tb = await s.TrialBalance();
        Assert.Equal(budget, tb.Balance($"bank-marketing:{campaign}"));
        Assert.Equal(-30 * 800, tb.Balance($"merchant-receivable:{merchant}"));
    }

    [Fact]
    public async Task Campaigns_are_checked_closed_and_only_eligible_holders_are_priced()
    {
        var s = await Scenario.Start(app);
        var merchant = await s.Merchant();
        var till = await s.TerminalAt(merchant);
        var breakfast = CanteenScenario.RecentLocal(7, 30);
        var bad = (await s.Api.Post($"{s.Canteen()}/campaigns", new { name = "x", mealPeriod = "brunch", merchantIds = new[] { "mch_nope" }, price = -1, perHolderDailyCap = 0 }, s.AdminToken))
            .ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        foreach (var field in new[] { "from", "to", "mealPeriod", "merchantIds", "price", "perHolderDailyCap", "budget" }) Assert.NotNull(bad["errors"][field]);

        var campaign = await s.Campaign(Breakfast(merchant, 10_000, breakfast, kinds: ["staff"]));
        var (_, student) = await s.CardHolder(cash: 1_000);
        Assert.Equal(800, (await s.Api.Pay(till, student, 800, occurredAt: breakfast)).Expect(HttpStatusCode.OK)["paid"].GetValue<long>());
        var list = (await s.Api.Get($"{s.Canteen()}/campaigns", s.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray();
        Assert.Equal(campaign, Assert.Single(list)!["id"]!.GetValue<string>());
        var closed = (await s.Api.Post($"{s.Canteen()}/campaigns/{campaign}/close", null, s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal("closed", closed["status"].GetValue<string>());
        (await s.Api.Get($"{s.Canteen()}/campaigns/cmp_nope", s.AdminToken)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        var auditor = await s.UserToken("auditor");
        (await s.Api.Post($"{s.Canteen()}/campaigns", Breakfast(merchant, 1, breakfast), auditor)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
    }
}
