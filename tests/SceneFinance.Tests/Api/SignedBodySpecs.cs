using System.Net;
using System.Text.Json;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Api;

/// <summary>How much a signed body may hold: a single tap the signed-request default (64 KB), an offline batch room for 500 items.</summary>
[Collection(SharedApp.Name)]
public sealed class SignedBodySpecs(SceneApp app)
{
    // JSON may carry whitespace anywhere between tokens: a body of any size around the same two taps, signed as sent.
    static string Padded(object body, int bytes)
    {
        var json = JsonSerializer.Serialize(body);
        return json[..^1] + new string(' ', Math.Max(0, bytes - json.Length)) + "}";
    }

    [Fact]
    public async Task A_batch_may_be_larger_than_a_single_tap_but_not_without_limit()
    {
        var s = await Scenario.Start(app);
        var (holder, card) = await s.CardHolder(cash: 1_000);
        var till = await s.Terminal();
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        object Batch() => new { items = new[] { Offline.Item(card, 100, at), Offline.Item(card, 200, at.AddSeconds(1)) } };

        var results = (await s.Api.Signed(till, Offline.BatchPath, Padded(Batch(), 100 * 1024), null)).Expect(HttpStatusCode.OK)["results"].AsArray();
        Assert.Equal(["approved", "approved"], results.Select(r => r!["status"]!.GetValue<string>()));

        var tooLarge = (await s.Api.Signed(till, Offline.BatchPath, Padded(Batch(), 257 * 1024), null))
            .ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(tooLarge["errors"]["body"]);

        var tap = (await s.Api.Signed(till, "/api/v1/terminal/payments", Padded(new { cardNumber = card, amount = 100 }, 65 * 1024), "big-tap"))
            .ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(tap["errors"]["body"]);
        Assert.Equal(700, await s.Balance(holder)); // only the accepted batch moved money
    }

    [Fact]
    public async Task A_signed_tap_without_a_declared_length_is_checked_on_the_bytes_sent()
    {
        var s = await Scenario.Start(app);
        var (holder, card) = await s.CardHolder(cash: 1_000);
        var till = await s.Terminal();
        var body = JsonSerializer.Serialize(new { cardNumber = card, amount = 150 });

        var approved = (await s.Api.Signed(till, "/api/v1/terminal/payments", body, "chunked-tap", chunked: true)).Expect(HttpStatusCode.OK);
        Assert.Equal("approved", approved["status"]!.GetValue<string>());
        (await s.Api.Signed(till, "/api/v1/terminal/payments", body, "chunked-tampered", chunked: true, tamperBody: b => b.Replace("150", "15")))
            .ExpectProblem(HttpStatusCode.Unauthorized, "signature_invalid");
        (await s.Api.Signed(till, "/api/v1/terminal/payments", Padded(new { cardNumber = card, amount = 100 }, 65 * 1024), "chunked-big", chunked: true))
            .ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(850, await s.Balance(holder)); // only the honest tap moved money
    }
}
