using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Durability;

/// <summary>
/// Pull the plug during the lunch rush: every payment the terminals heard "approved" for is still there
/// after a restart, exactly once, and retrying every key (answered or not) moves nothing twice.
/// </summary>
public sealed class CrashTests
{
    [Fact]
    public async Task Acknowledged_payments_survive_a_kill_minus_nine_exactly_once()
    {
        var db = TestPostgres.NewDatabase("crash");
        var dataPath = Directory.CreateTempSubdirectory("scenefinance-crash-").FullName;
        const long startingCash = 10_000_000;

        Scenario s;
        List<(string Id, string Card)> holders = [];
        Terminal terminal;
        var acknowledged = new ConcurrentDictionary<string, string>(); // key -> exact approved answer
        var sent = new ConcurrentDictionary<string, (string Card, long Amount)>();

        await using (var first = await HostProcess.Start(db, dataPath))
        {
            s = await Scenario.Start(Client(first.BaseAddress));
            for (var i = 0; i < 4; i++) holders.Add(await s.CardHolder(cash: startingCash));
            terminal = await s.Terminal();

            using var rush = new CancellationTokenSource();
            var tills = Enumerable.Range(0, 12).Select(till => Task.Run(async () =>
            {
                for (var n = 0; !rush.IsCancellationRequested; n++)
                {
                    var key = $"till{till}-{n}";
                    var (_, card) = holders[(till + n) % holders.Count];
                    var amount = 1 + (till * 7 + n) % 50;
                    sent[key] = (card, amount);
                    try
                    {
                        var answer = await s.Api.Pay(terminal, card, amount, key);
                        if (answer.Status == HttpStatusCode.OK && answer["status"].GetValue<string>() == "approved") acknowledged[key] = answer.Raw;
                    }
                    catch (HttpRequestException) { return; } // the host is gone
                    catch (TaskCanceledException) { return; }
                }
            })).ToArray();

            // Wait for the rush to be under way, but not for ever: a host that stops approving fails here, clearly.
            const int RushSize = 300;
            var patience = TimeSpan.FromSeconds(60);
            var deadline = DateTime.UtcNow + patience;
            while (acknowledged.Count < RushSize)
            {
                if (DateTime.UtcNow > deadline || tills.All(t => t.IsCompleted))
                {
                    rush.Cancel();
                    var failure = tills.FirstOrDefault(t => t.IsFaulted)?.Exception?.InnerException;
                    Assert.Fail($"Only {acknowledged.Count} of {RushSize} payments were approved " +
                        (tills.All(t => t.IsCompleted) ? "before every till stopped" : $"within {patience.TotalSeconds:0} s of the lunch rush") +
                        (failure is null ? "." : $"; a till failed with: {failure.Message}"));
                }
                await Task.Delay(20);
            }
            first.Kill();
            rush.Cancel();
            await Task.WhenAll(tills);
        }

        await using var second = await HostProcess.Start(db, dataPath);
        var api = Client(second.BaseAddress);
        var admin = await api.AdminToken();
        s = new Scenario { Api = api, AdminToken = admin, TenantId = s.TenantId };

        // Every acknowledged key replays its exact answer; every other key sent is settled now, once.
        var approvedAmounts = new Dictionary<string, long>();
        foreach (var (key, (card, amount)) in sent)
        {
            var answer = (await s.Api.Pay(terminal, card, amount, key)).Expect(HttpStatusCode.OK);
            if (acknowledged.TryGetValue(key, out var before)) Assert.Equal(before, answer.Raw);
            if (answer["status"].GetValue<string>() == "approved") approvedAmounts[answer["paymentId"].GetValue<string>()] = amount;
        }
        Assert.True(acknowledged.Count >= 300);

        // Balances: exactly the approved payments, each once.
        long spent = 0;
        foreach (var (id, _) in holders)
        {
            var balance = await s.Balance(id);
            spent += startingCash - balance;
            var history = (await s.Api.Get($"{s.Base}/cardholders/{id}/transactions?limit=500", admin)).Expect(HttpStatusCode.OK)["items"].AsArray();
            var paymentIds = history.Where(t => t!["type"]!.GetValue<string>() == "payment" && t["status"]!.GetValue<string>() == "approved")
                .Select(t => t!["id"]!.GetValue<string>()).ToList();
            Assert.Equal(paymentIds.Count, paymentIds.Distinct().Count());
        }
        Assert.Equal(approvedAmounts.Values.Sum(), spent);

        var tb = await s.TrialBalance();
        var receivable = tb["accounts"]!.AsArray().Single(a => a!["account"]!.GetValue<string>() == $"merchant-receivable:{terminal.MerchantId}")!;
        Assert.Equal(-spent, receivable["balance"]!.GetValue<long>());
    }

    static Infrastructure.Api Client(Uri baseAddress) => new(new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) });
}
