using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using SceneFinance.Payments.Simulator;
using SceneFinance.Platform.Security;
using SceneFinance.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SceneFinance.Tests.Payments;

/// <summary>Channels that decline, lose answers, lose, repeat, delay and reorder notifications, and fail refunds.</summary>
public sealed class FaultyGatewayApp : GatewayApp
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["SceneFinance:Simulator:Seed"] = "4242",
        ["SceneFinance:Simulator:AutoPay"] = "true",
        ["SceneFinance:Simulator:DeclineRate"] = "0.05",
        ["SceneFinance:Simulator:DuplicateRate"] = "0.05",
        ["SceneFinance:Simulator:OutOfOrderRate"] = "0.05",
        ["SceneFinance:Simulator:NotificationLossRate"] = "0.02",
        ["SceneFinance:Simulator:ApiTimeoutRate"] = "0.01",
        ["SceneFinance:Simulator:DelayedRate"] = "0.05",
        ["SceneFinance:Simulator:Delay"] = "00:00:01",
        ["SceneFinance:Simulator:RefundFailureRate"] = "0.1",
    };
}

public sealed class GatewayFaultTests(FaultyGatewayApp app, ITestOutputHelper output) : IClassFixture<FaultyGatewayApp>
{
    static readonly string[] Channels = ["wechat-pay", "alipay", "unionpay", "e-cny"];
    const int Holders = 100, TopUps = 2000, Refunded = 300;

    [Fact]
    public async Task Thousands_of_top_ups_through_faulty_channels_credit_every_payment_exactly_once_and_the_ledger_balances()
    {
        var clock = Stopwatch.StartNew();
        var s = await Scenario.Start(app, "campus");
        var finance = await s.UserToken(Roles.Finance);
        var holders = new List<string>();
        for (var i = 0; i < Holders; i++) holders.Add((await s.CardHolder()).Id);

        // Top-ups; 1% of them are sent again by an impatient client (at once, and later) under the same key.
        var random = new Random(7);
        var asked = Enumerable.Range(0, TopUps).Select(i => (Key: $"topup-{i}", Holder: holders[random.Next(Holders)],
            Amount: (long)random.Next(1, 2000) * 10, Channel: Channels[i % Channels.Length], Retry: i % 100 == 37)).ToList();
        var intents = new ConcurrentDictionary<string, (string Holder, long Amount, string Channel)>();
        await Parallel.ForEachAsync(asked, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (t, _) =>
        {
            var sends = t.Retry ? await Task.WhenAll(s.OnlineTopUp(t.Holder, t.Amount, t.Channel, t.Key), s.OnlineTopUp(t.Holder, t.Amount, t.Channel, t.Key))
                : [await s.OnlineTopUp(t.Holder, t.Amount, t.Channel, t.Key)];
            if (t.Retry) sends = [.. sends, await s.OnlineTopUp(t.Holder, t.Amount, t.Channel, t.Key)];
            foreach (var answer in sends) answer.Expect(HttpStatusCode.Created);
            Assert.Single(sends.Select(a => a.Raw).Distinct()); // every retry got the first answer
            intents[sends[0]["id"].GetValue<string>()] = (t.Holder, t.Amount, t.Channel);
        });
        Assert.Equal(TopUps, intents.Count);
        var created = clock.Elapsed;

        var views = await SettleAll(s, intents.Keys, Gateway.Settled);
        var settled = clock.Elapsed;
        var succeeded = views.Where(v => v.Value["status"]!.GetValue<string>() == "succeeded").Select(v => v.Key).ToList();
        Assert.InRange(succeeded.Count, TopUps * 80 / 100, TopUps - 1); // declines happened, most paid

        // Refunds: half of a payment; more than was paid (refused); once the first is settled, whatever is still refundable
        // (all of it again when the channel failed the first refund and its money went back to the purse).
        var toRefund = succeeded.OrderBy(id => id, StringComparer.Ordinal).Take(Refunded).ToList();
        await Parallel.ForEachAsync(toRefund, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, _) =>
        {
            var amount = intents[id].Amount;
            var path = $"{s.Base}/payment-intents/{id}/refunds";
            var half = (await s.Api.Post(path, new { amount = amount / 2 }, finance, $"half-{id}")).Expect(HttpStatusCode.OK)["id"].GetValue<string>();
            var over = await s.Api.Post(path, new { amount = amount - amount / 2 + 1 }, finance, $"over-{id}");
            if (over.Status == HttpStatusCode.OK) // only when the channel failed the half refund in between (the janitor asked it): its money was refundable again
                Assert.Equal("failed", (await s.Intent(id))["refunds"]!.AsArray().Single(r => r!["id"]!.GetValue<string>() == half)!["status"]!.GetValue<string>());
            else
                over.ExpectProblem(HttpStatusCode.Conflict, "refund_exceeds_captured");
            var now = await s.IntentUntil(id, v => v["refunds"]!.AsArray().All(r => r!["status"]!.GetValue<string>() != "pending"), seconds: 60);
            var rest = now["refundableAmount"]!.GetValue<long>();
            (await s.Api.Post(path, new { amount = rest + 1 }, finance, $"over2-{id}")).ExpectProblem(HttpStatusCode.Conflict, "refund_exceeds_captured");
            (await s.Api.Post(path, new { amount = rest }, finance, $"rest-{id}")).Expect(HttpStatusCode.OK);
        });
        views = await SettleAll(s, intents.Keys, v => Gateway.Settled(v) && v["refunds"]!.AsArray().All(r => r!["status"]!.GetValue<string>() != "pending"));

        // Exactly once: every payment the channel took is credited once, nothing else is.
        var expectedBalance = holders.ToDictionary(h => h, _ => 0L);
        foreach (var (id, view) in views)
        {
            var (holder, amount, channel) = intents[id];
            var order = app.Simulators[channel].Find(app.OrderNo(channel, id));
            var status = view["status"]!.GetValue<string>();
            Assert.Equal(order?.State == SimOrderState.Paid, status == "succeeded");
            var refunded = view["refundedAmount"]!.GetValue<long>();
            Assert.InRange(refunded, 0, amount);
            if (order is not null)
                Assert.Equal(refunded, order.Refunds.Values.Where(r => r.State == SimRefundState.Succeeded).Sum(r => r.Amount));
            if (status == "succeeded") expectedBalance[holder] += amount - refunded;
        }
        var topUpsSeen = 0;
        foreach (var holder in holders)
        {
            Assert.Equal(expectedBalance[holder], await s.Balance(holder));
            var items = (await s.Api.Get($"{s.Base}/cardholders/{holder}/transactions?limit=500", s.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray();
            var credited = items.Where(i => i!["type"]!.GetValue<string>() == "topup").Select(i => i!["id"]!.GetValue<string>()).ToList();
            Assert.Equal(credited.Count, credited.Distinct().Count());
            Assert.Equal(succeeded.Where(id => intents[id].Holder == holder).Order(), credited.Order());
            topUpsSeen += credited.Count;
        }
        Assert.Equal(succeeded.Count, topUpsSeen);

        var tb = await s.TrialBalance();
        foreach (var channel in Channels)
        {
            Assert.Equal(0, tb.Account($"gateway-unapplied:{channel}"));
            Assert.Equal(0, tb.Account($"refunds-pending:{channel}"));
            Assert.Equal(views.Where(v => intents[v.Key].Channel == channel && v.Value["status"]!.GetValue<string>() == "succeeded")
                .Sum(v => v.Value["amount"]!.GetValue<long>() - v.Value["refundedAmount"]!.GetValue<long>()), tb.Account($"clearing:{channel}"));
        }

        // The faults really happened.
        var faults = Channels.Select(c => app.Simulators[c].Faults).ToList();
        Assert.True(faults.Sum(f => f.Duplicated) > 0 && faults.Sum(f => f.Lost) > 0 && faults.Sum(f => f.Delayed) > 0, "faults were injected");
        var failedRefunds = views.Values.Sum(v => v["refunds"]!.AsArray().Count(r => r!["status"]!.GetValue<string>() == "failed"));
        Assert.True(failedRefunds > 0, "some refunds failed at the channel");
        output.WriteLine($"{TopUps} top-ups created in {created.TotalSeconds:F1} s, all settled at {settled.TotalSeconds:F1} s; " +
            $"{succeeded.Count} succeeded; faults (lost, duplicated, reordered, delayed) = {string.Join(" ", faults)}; " +
            $"{Refunded * 2} refunds ({failedRefunds} failed at the channel and were given back); total {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>Polls every intent until <paramref name="done"/> holds for all of them (the janitor runs every second).</summary>
    static async Task<Dictionary<string, JsonNode>> SettleAll(Scenario s, ICollection<string> ids, Func<JsonNode, bool> done)
    {
        var views = new ConcurrentDictionary<string, JsonNode>();
        var open = ids.ToList();
        var until = DateTime.UtcNow.AddSeconds(120);
        while (open.Count > 0)
        {
            await Parallel.ForEachAsync(open, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, _) => views[id] = await s.Intent(id));
            open = open.Where(id => !done(views[id])).ToList();
            if (open.Count == 0) break;
            Assert.True(DateTime.UtcNow < until, $"{open.Count} intents never settled, e.g. {views[open[0]].ToJsonString()}");
            await Task.Delay(500);
        }
        return new Dictionary<string, JsonNode>(views);
    }
}
