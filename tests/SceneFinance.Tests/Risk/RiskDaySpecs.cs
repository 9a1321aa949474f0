using System.Net;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Risk;

/// <summary>
/// A synthetic canteen day with fraud injected (card testing, a stolen card hopping across tills, a blacklisted card), played
/// twice: once on a tenant with the rules live, once on a tenant without rules and then backtested. The rules fire on exactly
/// the injected taps, nothing else is blocked, and the backtest of each rule finds exactly what it blocked live.
/// </summary>
[Collection(SharedApp.Name)]
public sealed class RiskDaySpecs(SceneApp app)
{
    const int Diners = 12, Tills = 5;
    static readonly object CardTesting = RiskScenario.Window("card", "declines", 600, "gt", 3);
    static readonly object ManyTills = RiskScenario.Window("card", "terminals", 300, "gt", 3);

    /// <summary>Who is tapped where, when (each tap at its own second) and for how much: the same day for both tenants.</summary>
    sealed record Tap(int Card, int Till, long Amount, DateTimeOffset At);

    static List<Tap> Day(DateTimeOffset start)
    {
        var taps = new List<Tap>();
        var second = 0;
        DateTimeOffset Next(int gapSeconds) => start.AddSeconds(second += gapSeconds);
        // Normal diners: three meals, each at one till, hours apart.
        for (var meal = 0; meal < 3; meal++)
            for (var d = 0; d < Diners; d++)
                taps.Add(new Tap(d, (d + meal) % Tills, 800 + d * 10 + meal, Next(7)));
        // Card testing: a found card with nothing on it, small amounts in quick succession at one till.
        for (var i = 0; i < 6; i++) taps.Add(new Tap(Diners, 0, 1 + i, Next(5)));
        // A stolen card, fast at every till.
        for (var t = 0; t < Tills; t++) taps.Add(new Tap(Diners + 1, t, 1500 + t, Next(20)));
        // A blacklisted card, once.
        taps.Add(new Tap(Diners + 2, 2, 900, Next(30)));
        // A normal diner after all that: still fine.
        taps.Add(new Tap(0, 3, 700, Next(600)));
        return taps;
    }

    async Task<(Scenario S, string[] Cards, Terminal[] Tills)> Tenant()
    {
        var s = await Scenario.Start(app);
        var cards = new string[Diners + 3];
        for (var c = 0; c < cards.Length; c++) cards[c] = (await s.CardHolder(cash: c == Diners ? 0 : 50_000)).CardNumber;
        var tills = new Terminal[Tills];
        for (var t = 0; t < Tills; t++) tills[t] = await s.Terminal();
        return (s, cards, tills);
    }

    static async Task<Dictionary<DateTimeOffset, string>> Play(Scenario s, string[] cards, Terminal[] tills, List<Tap> day)
    {
        var answers = new Dictionary<DateTimeOffset, string>();
        foreach (var tap in day) answers[tap.At] = await s.Declined(tills[tap.Till], cards[tap.Card], tap.Amount, tap.At);
        return answers;
    }

    [Fact]
    public async Task The_rules_fire_on_the_injected_fraud_only_and_a_backtest_finds_exactly_what_the_rule_blocks_live()
    {
        var start = DateTimeOffset.UtcNow.AddHours(-3);
        start = new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, start.Minute, start.Second, TimeSpan.Zero);
        var day = Day(start);

        // Live: the rules approved, the blacklisted card listed, then the day.
        var (live, liveCards, liveTills) = await Tenant();
        var (finance, admin) = (await live.UserToken("finance"), await live.UserToken("tenant-admin"));
        var testingRule = await live.LiveRule(finance, admin, "Card testing", "block", CardTesting);
        var tillsRule = await live.LiveRule(finance, admin, "Many tills", "block", ManyTills);
        await live.List(admin, "black", "card", liveCards[Diners + 2]);
        var answers = await Play(live, liveCards, liveTills, day);

        var expected = new Dictionary<DateTimeOffset, string>();
        var testing = day.Where(t => t.Card == Diners).ToList();
        for (var i = 0; i < 4; i++) expected[testing[i].At] = "insufficient_funds";
        foreach (var t in testing.Skip(4)) expected[t.At] = "risk_rejected";
        foreach (var t in day.Where(t => t.Card == Diners + 1).Skip(3)) expected[t.At] = "risk_rejected";
        expected[day.Single(t => t.Card == Diners + 2).At] = "risk_rejected";
        foreach (var tap in day) Assert.True(answers[tap.At] == expected.GetValueOrDefault(tap.At, "approved"), $"tap {tap} answered {answers[tap.At]}");

        var fired = (await live.Interceptions()).Select(i => (i!["hits"]![0]!["ruleId"].Str(), i["occurredAt"]!.GetValue<DateTimeOffset>())).ToList();
        Assert.Equal(testing.Skip(4).Select(t => t.At), fired.Where(f => f.Item1 == testingRule).Select(f => f.Item2).Order());
        Assert.Equal(day.Where(t => t.Card == Diners + 1).Skip(3).Select(t => t.At), fired.Where(f => f.Item1 == tillsRule).Select(f => f.Item2).Order());
        Assert.Single(fired, f => f.Item1 == "blacklist");
        Assert.Equal(5, fired.Count);

        // The same day on a tenant without rules, then each rule backtested over it.
        var (past, pastCards, pastTills) = await Tenant();
        await Play(past, pastCards, pastTills, day);
        foreach (var (rule, condition) in new[] { (testingRule, CardTesting), (tillsRule, ManyTills) })
        {
            var result = await Backtest(past, condition, start.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
            var blockedLive = (await live.Interceptions($"&ruleId={rule}")).ToList();
            Assert.Equal(blockedLive.Count, result["taps"]!.GetValue<int>());
            Assert.Equal(blockedLive.Sum(i => i!["amount"]!.GetValue<long>()), result["amount"]!.GetValue<long>());
            Assert.Equal(1, result["holders"]!.GetValue<int>());
            Assert.Equal(blockedLive.Select(i => i!["occurredAt"]!.GetValue<DateTimeOffset>()).Order(),
                result["sample"]!.AsArray().Select(x => x!["occurredAt"]!.GetValue<DateTimeOffset>()).Order());
        }
    }

    static async Task<System.Text.Json.Nodes.JsonNode> Backtest(Scenario s, object condition, DateTimeOffset from, DateTimeOffset to)
    {
        var started = (await s.Api.Post($"{s.Risk()}/backtests", new { rule = new { name = "Draft", action = "block", conditions = new[] { condition } }, from, to }, s.AdminToken))
            .Expect(HttpStatusCode.Accepted);
        var id = started["id"].Str();
        var until = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < until)
        {
            var read = (await s.Api.Get($"{s.Risk()}/backtests/{id}", s.AdminToken)).Expect(HttpStatusCode.OK);
            if (read["status"].Str() == "done") return read.Body!;
            Assert.NotEqual("failed", read["status"].Str());
            await Task.Delay(200);
        }
        throw new TimeoutException("The backtest did not finish in 60 s");
    }
}
