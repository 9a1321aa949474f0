using System.Net;
using System.Security.Cryptography;
using System.Text;
using SceneFinance.Platform.Problems;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Api;

/// <summary>Terminal signature v1.1 (README): the signature covers the Idempotency-Key and a nonce, and a captured request sent again is refused.</summary>
[Collection(SharedApp.Name)]
public sealed class SignatureV11Specs(SceneApp app)
{
    const string Path = "/api/v1/terminal/payments";

    static HttpRequestMessage Captured(Terminal terminal, string body, string key, string nonce, string? sentKey = null)
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
        var signature = Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(terminal.Secret),
            Encoding.UTF8.GetBytes($"1.1\n{ts}\n{nonce}\nPOST\n{Path}\n{key}\n{body}"))).ToLowerInvariant();
        var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Terminal-Id", terminal.Id);
        request.Headers.Add("X-Timestamp", ts);
        request.Headers.Add("X-Signature", signature);
        request.Headers.Add("X-Signature-Version", "1.1");
        request.Headers.Add("X-Nonce", nonce);
        request.Headers.Add("Idempotency-Key", sentKey ?? key);
        return request;
    }

    static async Task<HttpRequestMessage> Copy(HttpRequestMessage original)
    {
        var copy = new HttpRequestMessage(original.Method, original.RequestUri)
        {
            Content = new StringContent(await original.Content!.ReadAsStringAsync(), Encoding.UTF8, "application/json"),
        };
        foreach (var (name, values) in original.Headers) copy.Headers.TryAddWithoutValidation(name, values);
        return copy;
    }

    [Fact]
    public async Task A_captured_v1_1_request_sent_again_is_refused_and_moves_nothing()
    {
        var s = await Scenario.Start(app);
        var terminal = await s.Terminal();
        var (holder, card) = await s.CardHolder(cash: 10_000);
        var body = $"{{\"cardNumber\":\"{card}\",\"amount\":300}}";
        using var first = Captured(terminal, body, Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"));
        using var replay = await Copy(first);
        var paid = await Answer.From(await s.Api.Http.SendAsync(first));
        Assert.Equal("approved", paid.Expect(HttpStatusCode.OK)["status"].GetValue<string>());

        (await Answer.From(await s.Api.Http.SendAsync(replay))).ExpectProblem(HttpStatusCode.Unauthorized, ErrorCodes.SignatureInvalid);
        Assert.Equal(9_700, await s.Balance(holder));

        // The captured request under a new key (the v1 replay): the key is signed now, so it no longer matches.
        using var rekeyed = Captured(terminal, body, Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"), sentKey: Guid.NewGuid().ToString("N"));
        (await Answer.From(await s.Api.Http.SendAsync(rekeyed))).ExpectProblem(HttpStatusCode.Unauthorized, ErrorCodes.SignatureInvalid);
        // Without a nonce, version 1.1 is refused; version 1 works as before.
        using var bare = Captured(terminal, body, Guid.NewGuid().ToString("N"), "short");
        (await Answer.From(await s.Api.Http.SendAsync(bare))).ExpectProblem(HttpStatusCode.Unauthorized, ErrorCodes.SignatureInvalid);
        Assert.Equal("approved", (await s.Api.Pay(terminal, card, 200)).Expect(HttpStatusCode.OK)["status"].GetValue<string>());
        Assert.Equal(9_500, await s.Balance(holder));
    }
}
