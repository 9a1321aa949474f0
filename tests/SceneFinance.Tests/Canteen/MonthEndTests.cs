using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using SceneFinance.Platform.Time;
using SceneFinance.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SceneFinance.Tests.Canteen;

/// <summary>
/// A month of meal subsidy: the staff roster imported (their department decides the meal subsidy, an imported list the holiday one), granted, spent (split over purses and cash), then the month ends.
/// The remainder of the meal subsidy goes back to the funder exactly once: by the calendar job, by hand twice, and again after
/// a restart; the holiday subsidy and cash are untouched.
/// </summary>
[Collection(CanteenPeakApp.Name)]
public sealed class MonthEndTests(ITestOutputHelper output)
{
    /// <summary>
    /// The product with the tenants' clock (what days, months and program periods are counted by) movable to the next month,
    /// the subsidy calendar checking every second. Only the tenant clock moves: the silo's own clock cannot (a month's jump
    /// makes Orleans declare its silo dead).
    /// </summary>
    sealed class MovableClockApp : SceneApp
    {
        public MovableClockApp(ShiftedClock clock) => Clock = clock;
        public MovableClockApp(ShiftedClock clock, string connectionString, string dataPath) : base(connectionString, dataPath) => Clock = clock;

        public ShiftedClock Clock { get; }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("SceneFinance:Canteen:SubsidyCalendarSeconds", "1");
            builder.ConfigureTestServices(services =>
                services.AddSingleton(sp => new TenantClock(Clock, sp.GetRequiredService<ITenantDirectory>())));
        }
    }

    sealed class ShiftedClock : TimeProvider
    {
        public TimeSpan Offset { get; set; }
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
    }

    [Fact]
    public async Task The_meal_remainder_goes_back_to_the_funder_once_whatever_the_timing_of_runs_and_restarts()
    {
        var clock = new ShiftedClock();
        string connectionString, dataPath, meal, holiday;
        Scenario s;
        (string Id, string Card) a, b, c, d;
        await using (var before = new MovableClockApp(clock))
        {
            (connectionString, dataPath) = (before.ConnectionString, before.DataPath);
            s = await Scenario.Start(before);
            var canteen = await s.Merchant();
            var till = await s.TerminalAt(canteen);
            // The staff come from the roster (as text, leading zeros kept); the canteen team's department gets the meal subsidy.
            var cards = Enumerable.Range(0, 4).Select(_ => Scenario.NewCardNumber()).ToArray();
            var roster = $"工号,姓名,部门,卡号\n00071,员工 71,食堂组,{cards[0]}\n00072,员工 72,食堂组,{cards[1]}\n00073,员工 73,食堂组,{cards[2]}\n00074,员工 74,保卫处,{cards[3]}\n";
            var imported = System.Text.Json.Nodes.JsonNode.Parse(await s.Upload($"{s.Canteen()}/staff-imports", Encoding.UTF8.GetBytes(roster), "staff.csv"))!;
            await WaitImport(s, imported["id"]!.GetValue<string>());
            (string, string) Staff(int i) => (SceneFinance.Scenes.Canteen.Staff.StaffImports.CardHolderIdFor($"0007{i + 1}"), cards[i]);
            (a, b, c, d) = (Staff(0), Staff(1), Staff(2), Staff(3));
            foreach (var (holder, cash) in new[] { (a.Id, 3_000L), (b.Id, 1_000L), (d.Id, 500L) }) await s.TopUp(holder, cash);
            meal = await s.Program(new { name = "餐补 Meal subsidy", amountPerPerson = 20_000, funder = "人力资源部 HR", categories = new[] { "canteen" }, groups = new[] { "食堂组" } });
            var today = CanteenScenario.LocalDay(DateTimeOffset.UtcNow);
            holiday = await s.Program(new { name = "节日补贴 Holiday", kind = "holiday", period = "dates", from = today, to = today.AddDays(60), amountPerPerson = 5_000, funder = "工会 Union" });
            Assert.Contains("\"listed\":3", await s.Upload($"{s.Canteen()}/subsidy-programs/{holiday}/eligible-holders", Encoding.UTF8.GetBytes("工号\n00071\n00072\n00073\n"), "staff.csv"));
            Assert.Equal(3, (await s.Run(meal, "grants"))["changed"]!.GetValue<int>());
            Assert.Equal(3, (await s.Run(holiday, "grants"))["changed"]!.GetValue<int>());

            // Split payments: the meal subsidy (soonest to expire) first, then the holiday subsidy, then cash.
            var big = (await s.Api.Pay(till, a.Card, 26_000)).Expect(HttpStatusCode.OK);
            Assert.Equal(("approved", 2_000L), (big["status"].GetValue<string>(), big["balanceAfter"].GetValue<long>()));
            (await s.Api.Pay(till, b.Card, 500)).Expect(HttpStatusCode.OK);
            (await s.Api.Pay(till, d.Card, 400)).Expect(HttpStatusCode.OK);
            var wallet = await s.Wallet(a.Id);
            Assert.Equal((2_000L, 0L), (wallet["cash"]!.GetValue<long>(), wallet["subsidy"]!.GetValue<long>()));

            // The month ends: the calendar job returns what is left of the meal subsidy by itself.
            var local = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Scenario.Zone);
            var nextMonth = new DateTimeOffset(new DateTime(local.Year, local.Month, 1).AddMonths(1).AddHours(1), Scenario.Zone.GetUtcOffset(local));
            clock.Offset = nextMonth - DateTimeOffset.UtcNow;
            s = await s.On(before.Api());
            var ended = await WaitForEnd(s, meal);
            Assert.Equal((39_500L, 4, 3), (ended["amount"]!.GetValue<long>(), ended["total"]!.GetValue<int>(), ended["changed"]!.GetValue<int>()));
            Assert.Equal(0, (await s.Run(meal, "period-ends", ended["periodKey"]!.GetValue<string>()))["changed"]!.GetValue<int>());
            Assert.Equal(0, (await s.Run(meal, "period-ends", ended["periodKey"]!.GetValue<string>()))["changed"]!.GetValue<int>());
            await Books(s, meal, holiday, a, b, c, d);
        }

        await using var after = new MovableClockApp(clock, connectionString, dataPath);
        s = await s.On(after.Api());
        var period = (await s.Api.Get($"{s.Canteen()}/subsidy-programs/{meal}/runs", s.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray()
            .First(r => r!["action"]!.GetValue<string>() == "end")!["periodKey"]!.GetValue<string>();
        Assert.Equal(0, (await s.Run(meal, "period-ends", period))["changed"]!.GetValue<int>());
        await Task.Delay(TimeSpan.FromSeconds(3)); // the calendar job ran again meanwhile
        await Books(s, meal, holiday, a, b, c, d);
        var runs = (await s.Api.Get($"{s.Canteen()}/subsidy-programs/{meal}/runs", s.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray();
        Assert.Equal(1, runs.Count(r => r!["action"]!.GetValue<string>() == "end" && r["changed"]!.GetValue<int>() > 0));
        output.WriteLine($"month end: {runs.Count(r => r!["action"]!.GetValue<string>() == "end")} end runs, one returned 39,500 fen");
    }

    /// <summary>Only the meal remainder went back, once; the holiday subsidy and cash are as they were.</summary>
    static async Task Books(Scenario s, string meal, string holiday, (string Id, string Card) a, (string Id, string Card) b, (string Id, string Card) c, (string Id, string Card) d)
    {
        Assert.Equal((2_000L, 6_000L, 5_000L, 100L), (await s.Balance(a.Id), await s.Balance(b.Id), await s.Balance(c.Id), await s.Balance(d.Id)));
        var figures = (await s.Api.Get($"{s.Canteen()}/subsidy-programs/{meal}", s.AdminToken)).Expect(HttpStatusCode.OK)["figures"]!;
        Assert.Equal((60_000L, 20_500L, 39_500L, 0L),
            (figures["granted"]!.GetValue<long>(), figures["spent"]!.GetValue<long>(), figures["returned"]!.GetValue<long>(), figures["outstanding"]!.GetValue<long>()));
        var holidayFigures = (await s.Api.Get($"{s.Canteen()}/subsidy-programs/{holiday}", s.AdminToken)).Expect(HttpStatusCode.OK)["figures"]!;
        Assert.Equal((15_000L, 5_000L, 0L), (holidayFigures["granted"]!.GetValue<long>(), holidayFigures["spent"]!.GetValue<long>(), holidayFigures["returned"]!.GetValue<long>()));
        var tb = await s.TrialBalance();
        Assert.Equal(60_000 - 39_500, tb.Balance($"subsidy-funder:{meal}"));
    }

    static async Task WaitImport(Scenario s, string importId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await s.Api.Get($"{s.Canteen()}/staff-imports/{importId}", s.AdminToken)).Expect(HttpStatusCode.OK)["status"].GetValue<string>() == "running")
        {
            Assert.True(DateTime.UtcNow < deadline, "the staff import did not finish");
            await Task.Delay(100);
        }
    }

    static async Task<System.Text.Json.Nodes.JsonNode> WaitForEnd(Scenario s, string program)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var runs = (await s.Api.Get($"{s.Canteen()}/subsidy-programs/{program}/runs", s.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray();
            if (runs.FirstOrDefault(r => r!["action"]!.GetValue<string>() == "end" && r["status"]!.GetValue<string>() == "completed") is { } done) return done!;
            Assert.True(DateTime.UtcNow < deadline, "the calendar job did not end the month: " + runs.ToJsonString());
            await Task.Delay(250);
        }
    }
}
