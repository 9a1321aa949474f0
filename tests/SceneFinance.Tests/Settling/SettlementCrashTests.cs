using System.Net;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Settling;

/// <summary>
/// Pull the plug while the day-end job is settling the tenants' closed days: after a restart the job finishes, every party is
/// paid once, and settling again by hand changes nothing.
/// </summary>
public sealed class SettlementCrashTests
{
    const int Tenants = 12;

    [Fact]
    public async Task A_settlement_run_killed_midway_pays_every_party_exactly_once_after_the_restart()
    {
        var db = TestPostgres.NewDatabase("settlecrash");
        var dataPath = Directory.CreateTempSubdirectory("scenefinance-settlecrash-").FullName;
        var quiet = new Dictionary<string, string> { ["SceneFinance__BackOffice__DayEndEverySeconds"] = "3600" };
        var busy = new Dictionary<string, string> { ["SceneFinance__BackOffice__DayEndEverySeconds"] = "1" };
        var tenants = new List<(Scenario S, Terminal Till, long Taken)>();

        await using (var setUp = await HostProcess.Start(db, dataPath, quiet))
        {
            var api = Client(setUp.BaseAddress);
            for (var i = 0; i < Tenants; i++)
            {
                var s = await Scenario.Start(api);
                var (_, card) = await s.CardHolder(cash: 100_000);
                var till = await s.Terminal();
                await s.Account(till.MerchantId, $"62220200000{i:D5}");
                await s.Fees(till.MerchantId, 60);
                long taken = 0;
                foreach (var amount in new[] { 1_000L + i, 2_345L })
                {
                    (await s.Api.Pay(till, card, amount)).Expect(HttpStatusCode.OK);
                    taken += amount;
                }
                await s.Close();
                tenants.Add((s, till, taken));
            }
            await setUp.Stop();
        }

        // The job settles the closed days tenant by tenant; the host dies while it is at it.
        int settledBeforeKill;
        await using (var running = await HostProcess.Start(db, dataPath, busy))
        {
            var api = Client(running.BaseAddress);
            var on = await Task.WhenAll(tenants.Select(t => t.S.On(api)));
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                settledBeforeKill = 0;
                foreach (var s in on) settledBeforeKill += (await s.Payouts()).Count > 0 ? 1 : 0;
                if (settledBeforeKill > 0 || DateTime.UtcNow > deadline) break;
                await Task.Delay(10);
            }
            running.Kill();
        }
        Assert.True(settledBeforeKill > 0, "the job started settling before the kill");

        await using var after = await HostProcess.Start(db, dataPath, busy);
        var client = Client(after.BaseAddress);
        foreach (var (scenario, till, taken) in tenants)
        {
            var s = await scenario.On(client);
            var day = (await s.DayEnd())["days"]![0]!;
            var until = DateTime.UtcNow.AddSeconds(60);
            while (!(await s.DayEnd())["days"]![0]!["settled"]!.GetValue<bool>() && DateTime.UtcNow < until) await Task.Delay(100);
            var before = (await s.TrialBalance()).ToJsonString();
            await s.Settle(day.S("day"));                       // by hand, again: nothing more
            await s.Close(day.S("day"));
            Assert.Equal(before, (await s.TrialBalance()).ToJsonString());

            var payout = Assert.Single(await s.Payouts());
            var fee = Fees60(taken); // one fee on the day's gross, rounded half up
            Assert.Equal(taken - fee, payout.L("amount"));
            var tb = await s.TrialBalance();
            Assert.Equal((0L, -payout.L("amount"), -fee), (tb.Account($"merchant-receivable:{till.MerchantId}"), tb.Account("payout-clearing"), tb.Account("fee-income:settlement")));
        }
        Console.WriteLine($"Settlement crash: {settledBeforeKill} of {Tenants} tenants were settled when the host was killed.");
    }

    static long Fees60(long fen) => (fen * 60 + 5_000) / 10_000;

    static Infrastructure.Api Client(Uri baseAddress) => new(new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) });
}
