using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using SceneFinance.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SceneFinance.Tests.Canteen;

/// <summary>The canteen's heavy runs on a product of their own, after the parallel collections (their figures mean more on a quiet host).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CanteenPeakApp : ICollectionFixture<SceneApp>
{
    public const string Name = "canteen peak app";
}

/// <summary>
/// Lunch at a canteen: many tills tapping at once, some of them offline for the whole peak and uploading twice afterwards, a
/// card frozen in the middle of it. Nothing lost, nothing counted twice, the merchants owed exactly what the taps took.
/// </summary>
[Collection(CanteenPeakApp.Name)]
public sealed class LunchPeakTests(SceneApp app, ITestOutputHelper output)
{
    const int Holders = 300, OnlineTills = 12, OfflineTills = 4, TapsPerOnlineTill = 50, TapsPerOfflineTill = 40;

    [Fact]
    public async Task Concurrent_taps_and_offline_uploads_sent_twice_add_up_exactly()
    {
        var s = await Scenario.Start(app);
        var (one, two) = (await s.Merchant("一食堂"), await s.Merchant("二食堂"));
        await s.Settings(new { offlineHolderCap = 3_000, offlineTillCap = 100_000 });
        var tills = new List<Terminal>();
        for (var i = 0; i < OnlineTills + OfflineTills; i++) tills.Add(await s.TerminalAt(i % 2 == 0 ? one : two, $"窗口 {i + 1}"));
        var cards = new ConcurrentBag<(string Id, string Card)>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Holders), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, _) => cards.Add(await s.CardHolder(cash: i % 10 == 0 ? 600 : 20_000)));
        var holders = cards.OrderBy(c => c.Id).ToList();
        var (lostId, lostCard) = holders[0];
        var (frozenId, frozenCard) = holders[1];
        (await s.Api.Post($"{s.Base}/cardholders/{lostId}/report-lost", null, s.AdminToken)).Expect(HttpStatusCode.OK);
        var offlineTills = tills.Skip(OnlineTills).ToList();
        var listPath = "/api/v1/terminal/offline-card-list";
        var held = (await s.Api.SignedGet(offlineTills[0], listPath)).Expect(HttpStatusCode.OK)["version"].GetValue<long>();
        var initial = (await Task.WhenAll(holders.Select(h => s.Balance(h.Id)))).Sum();

        // The offline tills' taps, taken during the peak (the card frozen meanwhile is among them: they did not know).
        var random = new Random(42);
        var start = DateTimeOffset.UtcNow.AddMinutes(-30);
        var offlineBatches = offlineTills.Select((till, t) => (till, Items: Enumerable.Range(0, TapsPerOfflineTill).Select(i =>
        {
            var card = i == 0 ? lostCard : i == 1 ? frozenCard : holders[random.Next(2, Holders)].Card;
            return Offline.Item(card, 300 + random.Next(0, 12) * 50, start.AddSeconds(t * 60 + i), $"off-{t}-{i}");
        }).ToArray())).ToList();

        // Online: every till taps as fast as it answers; the card is frozen in the middle of it.
        var latencies = new ConcurrentBag<double>();
        var approved = new ConcurrentDictionary<string, long>();
        var declines = new ConcurrentBag<string>();
        var clock = Stopwatch.StartNew();
        var frozenAt = new TaskCompletionSource<TimeSpan>();
        var online = Enumerable.Range(0, OnlineTills).Select(t => Task.Run(async () =>
        {
            var r = new Random(t);
            for (var i = 0; i < TapsPerOnlineTill; i++)
            {
                if (t == 0 && i == TapsPerOnlineTill / 2)
                {
                    (await s.Api.Post($"{s.Base}/cardholders/{frozenId}/freeze", null, s.AdminToken)).Expect(HttpStatusCode.OK);
                    frozenAt.SetResult(clock.Elapsed);
                    var refused = (await s.Api.Pay(tills[t], frozenCard, 500)).Expect(HttpStatusCode.OK);
                    Assert.Equal("card_frozen", refused["declineCode"].GetValue<string>()); // at once
                }
                var tap = Stopwatch.StartNew();
                var answer = (await s.Api.Pay(tills[t], holders[r.Next(2, Holders)].Card, 500 + r.Next(0, 20) * 50, $"on-{t}-{i}")).Expect(HttpStatusCode.OK);
                latencies.Add(tap.Elapsed.TotalMilliseconds);
                if (answer["status"].GetValue<string>() == "approved") Assert.True(approved.TryAdd(answer["paymentId"].GetValue<string>(), answer["amount"].GetValue<long>()));
                else declines.Add(answer["declineCode"].GetValue<string>());
            }
        })).ToArray();
        await Task.WhenAll(online);
        var elapsed = clock.Elapsed;
        var taps = OnlineTills * TapsPerOnlineTill;
        Assert.Equal(taps, approved.Count + declines.Count);
        Assert.All(declines, d => Assert.Contains(d, new[] { "insufficient_funds", "card_frozen", "limit_exceeded" }));

        // The frozen card is on the list the tills fetch next.
        var delta = (await s.Api.SignedGet(tills[0], $"{listPath}?sinceVersion={held}")).Expect(HttpStatusCode.OK);
        Assert.Contains(delta["cards"].AsArray(), c => c!["cardKey"]!.GetValue<string>() == CanteenScenario.CardKey(frozenCard) && c["listed"]!.GetValue<bool>());

        // Back online: each offline till uploads, and (never having heard back) uploads again, both at once.
        var uploads = await Task.WhenAll(offlineBatches.SelectMany(b => new[] { b, b }).Select(b => s.Api.OfflineBatch(b.till, held, b.Items)));
        for (var b = 0; b < offlineBatches.Count; b++)
            Assert.Equal(uploads[2 * b].Expect(HttpStatusCode.OK)["results"].ToJsonString(), uploads[2 * b + 1].Expect(HttpStatusCode.OK)["results"].ToJsonString());
        var batches = uploads.Where((_, i) => i % 2 == 0).Select(u => u["results"].AsArray()).ToList();
        Assert.All(batches, results => Assert.Equal("listed_card", results[0]!["offlineException"]!.GetValue<string>())); // lost before the till's copy
        Assert.All(batches, results => Assert.Equal("approved", results[1]!["status"]!.GetValue<string>())); // frozen after it: honoured
        var offlineResults = batches.SelectMany(r => r).ToList();
        foreach (var r in offlineResults.Where(r => r!["status"]!.GetValue<string>() == "approved"))
            Assert.True(approved.TryAdd(r!["paymentId"]!.GetValue<string>(), r["amount"]!.GetValue<long>()));
        var exceptions = (await s.Api.Get($"{s.Canteen()}/offline-exceptions?size=500", s.AdminToken)).Expect(HttpStatusCode.OK);
        var listed = offlineResults.Count(r => r!["offlineException"] is not null);
        Assert.Equal(listed, exceptions["items"].AsArray().Count(e => e!["reason"]!.GetValue<string>() != "arrears"));
        Assert.Equal(OfflineTills, exceptions["items"].AsArray().Count(e => e!["reason"]!.GetValue<string>() == "listed_card"));

        // The merchants are owed exactly what the approved taps took; the holders paid it (or owe it as arrears).
        var tb = await s.TrialBalance();
        var owed = -(tb.Balance($"merchant-receivable:{one}") + tb.Balance($"merchant-receivable:{two}"));
        Assert.Equal(approved.Values.Sum(), owed);
        var arrears = holders.Sum(h => tb.Balance($"cardholder:{h.Id}:arrears"));
        var left = (await Task.WhenAll(holders.Select(h => s.Balance(h.Id)))).Sum();
        Assert.Equal(initial - approved.Values.Sum() + arrears, left);

        var sorted = latencies.Order().ToList();
        var figures = $"lunch peak: {taps} online taps on {OnlineTills} tills in {elapsed.TotalSeconds:0.0} s = {taps / elapsed.TotalSeconds:0} taps/s, "
            + $"p50 {sorted[sorted.Count / 2]:0} ms, p99 {sorted[(int)(sorted.Count * 0.99)]:0} ms (HTTP round trip, signed, in-process host); "
            + $"{offlineResults.Count} offline taps from {OfflineTills} tills uploaded twice, {listed} exceptions, arrears {arrears} fen";
        output.WriteLine(figures);
        Console.WriteLine("[canteen] " + figures);
    }
}
