using System.Net;
using System.Text.Json.Nodes;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Canteen;

/// <summary>Offline tills over HTTP: the signed refuse list with deltas, uploads judged by the version held, exceptions and arrears.</summary>
[Collection(SharedApp.Name)]
public sealed class OfflineTillSpecs(SceneApp app)
{
    const string ListPath = "/api/v1/terminal/offline-card-list";

    [Fact]
    public async Task A_till_downloads_the_refuse_list_and_then_only_what_changed()
    {
        var s = await Scenario.Start(app);
        var till = await s.Terminal();
        var (lostId, lostCard) = await s.CardHolder();
        var (frozenId, frozenCard) = await s.CardHolder();
        var empty = (await s.Api.SignedGet(till, ListPath)).Expect(HttpStatusCode.OK);
        Assert.Equal((0L, true), (empty["version"].GetValue<long>(), empty["full"].GetValue<bool>()));

        (await s.Api.Post($"{s.Base}/cardholders/{lostId}/report-lost", null, s.AdminToken)).Expect(HttpStatusCode.OK);
        (await s.Api.Post($"{s.Base}/cardholders/{frozenId}/freeze", null, s.AdminToken)).Expect(HttpStatusCode.OK);
        var full = (await s.Api.SignedGet(till, ListPath)).Expect(HttpStatusCode.OK);
        var version = full["version"].GetValue<long>();
        Assert.Equal(2, version);
        Assert.Equal([$"{CanteenScenario.CardKey(lostCard)}:lost", $"{CanteenScenario.CardKey(frozenCard)}:frozen"],
            full["cards"].AsArray().Select(c => $"{c!["cardKey"]!.GetValue<string>()}:{c["reasons"]![0]!.GetValue<string>()}"));
        Assert.DoesNotContain(lostCard, full.Raw); // numbers never travel, only their keys

        var newCard = Scenario.NewCardNumber();
        (await s.Api.Post($"{s.Base}/cardholders/{lostId}/replace-card", new { newCardNumber = newCard }, s.AdminToken)).Expect(HttpStatusCode.OK);
        (await s.Api.Post($"{s.Base}/cardholders/{frozenId}/unfreeze", null, s.AdminToken)).Expect(HttpStatusCode.OK);
        var delta = (await s.Api.SignedGet(till, $"{ListPath}?sinceVersion={version}")).Expect(HttpStatusCode.OK);
        Assert.False(delta["full"].GetValue<bool>());
        var frozenEntry = Assert.Single(delta["cards"].AsArray())!; // the replaced card stays lost: unchanged
        Assert.Equal((CanteenScenario.CardKey(frozenCard), false), (frozenEntry["cardKey"]!.GetValue<string>(), frozenEntry["listed"]!.GetValue<bool>()));

        (await s.Api.SignedGet(till with { Secret = new string('0', 64) }, ListPath)).ExpectProblem(HttpStatusCode.Unauthorized, "signature_invalid");
        (await s.Api.SignedGet(till, $"{ListPath}?sinceVersion=-1")).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Uploads_are_judged_by_the_list_version_the_till_held_honoured_taps_leave_arrears_the_rest_are_exceptions()
    {
        var s = await Scenario.Start(app);
        var merchant = await s.Merchant();
        var till = await s.TerminalAt(merchant);
        await s.Settings(new { offlineHolderCap = 1_000, offlineTillCap = 5_000 });
        var (shortId, shortCard) = await s.CardHolder(cash: 300);
        var (listedId, listedCard) = await s.CardHolder(cash: 5_000);
        var (laterId, laterCard) = await s.CardHolder(cash: 5_000);
        (await s.Api.Post($"{s.Base}/cardholders/{listedId}/report-lost", null, s.AdminToken)).Expect(HttpStatusCode.OK);
        var held = (await s.Api.SignedGet(till, ListPath)).Expect(HttpStatusCode.OK)["version"].GetValue<long>();
        (await s.Api.Post($"{s.Base}/cardholders/{laterId}/freeze", null, s.AdminToken)).Expect(HttpStatusCode.OK); // after the till's copy

        var at = DateTimeOffset.UtcNow.AddHours(-3);
        var items = new[]
        {
            Offline.Item(shortCard, 500, at, "o-1"), Offline.Item(listedCard, 400, at.AddMinutes(1), "o-2"), Offline.Item(laterCard, 600, at.AddMinutes(2), "o-3"),
            Offline.Item(laterCard, 600, at.AddMinutes(3), "o-4"), Offline.Item(Scenario.NewCardNumber(), 100, at.AddMinutes(4), "o-5"),
        };
        var results = (await s.Api.OfflineBatch(till, held, items)).Expect(HttpStatusCode.OK)["results"].AsArray();
        string Say(JsonNode? r) => r!["status"]!.GetValue<string>() == "approved"
            ? $"approved{(r["arrears"] is { } a ? $" arrears {a.GetValue<long>()}" : "")}"
            : $"{r["declineCode"]!.GetValue<string>()}/{r["offlineException"]!.GetValue<string>()}";
        Assert.Equal(["approved arrears 200", "card_lost/listed_card", "approved", "limit_exceeded/over_holder_cap", "not_found/unknown_card"], results.Select(Say));

        // Uploaded again (the till never heard back): every item replays, nothing counts twice.
        var again = (await s.Api.OfflineBatch(till, held, items)).Expect(HttpStatusCode.OK)["results"].AsArray();
        Assert.Equal(results.ToJsonString(), again.ToJsonString());
        Assert.Equal((0L, 5_000L, 4_400L), (await s.Balance(shortId), await s.Balance(listedId), await s.Balance(laterId)));

        var exceptions = (await s.Api.Get($"{s.Canteen()}/offline-exceptions", s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal(["arrears", "listed_card", "over_holder_cap", "unknown_card"], exceptions["items"].AsArray().Select(e => e!["reason"]!.GetValue<string>()).Order());
        var arrears = Assert.Single((await s.Api.Get($"{s.Canteen()}/arrears", s.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray())!;
        Assert.Equal((shortId, 200L), (arrears["id"]!.GetValue<string>(), arrears["outstanding"]!.GetValue<long>()));

        // The next top-up pays the arrears first.
        await s.TopUp(shortId, 1_000);
        Assert.Equal(800, await s.Balance(shortId));
        Assert.Empty((await s.Api.Get($"{s.Canteen()}/arrears", s.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray());
        var tb = await s.TrialBalance();
        Assert.Equal((-1_100L, 0L), (tb.Balance($"merchant-receivable:{merchant}"), tb.Balance($"cardholder:{shortId}:arrears")));
    }

    [Fact]
    public async Task The_till_cap_counts_what_the_till_honoured_that_day_across_uploads()
    {
        var s = await Scenario.Start(app);
        var till = await s.Terminal();
        await s.Settings(new { offlineHolderCap = 0, offlineTillCap = 1_000 });
        var (_, a) = await s.CardHolder(cash: 5_000);
        var (_, b) = await s.CardHolder(cash: 5_000);
        var at = DateTimeOffset.UtcNow.AddHours(-2);
        var first = (await s.Api.OfflineBatch(till, 0, Offline.Item(a, 600, at))).Expect(HttpStatusCode.OK)["results"]![0]!;
        Assert.Equal("approved", first["status"]!.GetValue<string>());
        var second = (await s.Api.OfflineBatch(till, 0, Offline.Item(b, 500, at.AddMinutes(1)), Offline.Item(b, 400, at.AddMinutes(2)))).Expect(HttpStatusCode.OK)["results"]!.AsArray();
        Assert.Equal(["over_till_cap", null], second.Select(r => r!["offlineException"]?.GetValue<string>()));
    }
}
