using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using SceneFinance.Payments.Gateway;
using SceneFinance.Payments.Simulator;

namespace SceneFinance.Tests.Infrastructure;

/// <summary>The product with its simulated channels under the test's control and a janitor that runs every second.</summary>
public class GatewayApp : SceneApp
{
    protected virtual IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("SceneFinance:Gateway:JanitorEverySeconds", "1");
        builder.UseSetting("SceneFinance:Gateway:StaleAfterSeconds", "1");
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
    }

    public ChannelSimulators Simulators => Services.GetRequiredService<ChannelSimulators>();
    public ChannelAdapters Adapters => Services.GetRequiredService<ChannelAdapters>();

    public string OrderNo(string channel, string intentId) => Adapters.Get(channel).OrderNo(intentId);
}

[CollectionDefinition(Name)]
public sealed class SharedGatewayApp : ICollectionFixture<GatewayApp>
{
    public const string Name = "shared gateway app";
}

/// <summary>The gateway spoken from the outside: online top-ups, the checkout page, the simulated wallet app.</summary>
public static class Gateway
{
    public static Task<Answer> OnlineTopUp(this Scenario s, string holderId, long amount, string channel, string? key = null, string? token = null) =>
        s.Api.Post($"{s.Base}/cardholders/{holderId}/online-topups", new { amount, channel }, token ?? s.AdminToken, key ?? Guid.NewGuid().ToString("N"));

    public static async Task<JsonNode> Intent(this Scenario s, string intentId) =>
        (await s.Api.Get($"{s.Base}/payment-intents/{intentId}", s.AdminToken)).Expect(HttpStatusCode.OK).Body!;

    /// <summary>Polls the intent until <paramref name="done"/> holds (bounded); returns the last view.</summary>
    public static async Task<JsonNode> IntentUntil(this Scenario s, string intentId, Func<JsonNode, bool> done, int seconds = 15)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var intent = await s.Intent(intentId);
            if (done(intent)) return intent;
            Assert.True(DateTime.UtcNow < until, $"intent {intentId} did not get there in {seconds} s: {intent.ToJsonString()}");
            await Task.Delay(100);
        }
    }

    public static bool Settled(JsonNode i) =>
        i["status"]!.GetValue<string>() is "failed" or "canceled" || (i["status"]!.GetValue<string>() == "succeeded" && i["fulfilled"]!.GetValue<bool>());

    /// <summary>
    /// A person opens the checkout link, follows it to the simulated wallet app and presses Pay (or Decline): in the sandbox
    /// only a signed-in person may (here the platform admin's token).
    /// </summary>
    public static async Task PayOnPhone(this Scenario s, JsonNode intent, bool approve = true)
    {
        var checkout = new Uri(intent["checkoutUrl"]!.GetValue<string>());
        var page = await s.Api.Http.GetStringAsync(checkout.PathAndQuery);
        var wallet = Regex.Match(page, "href=\"(/simulator/[^\"]+)\"").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(wallet), "the checkout page links to the wallet app: " + page);
        using var request = new HttpRequestMessage(HttpMethod.Post, WebUtility.HtmlDecode(wallet))
        {
            Content = new FormUrlEncodedContent([new("decision", approve ? "approve" : "decline")]),
        };
        request.Headers.Authorization = new("Bearer", s.AdminToken);
        using var response = await s.Api.Http.SendAsync(request);
        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.OK, $"the wallet app answered {(int)response.StatusCode}");
    }

    public static long Account(this JsonNode trialBalance, string account) =>
        trialBalance["accounts"]!.AsArray().FirstOrDefault(a => a!["account"]!.GetValue<string>() == account)?["balance"]!.GetValue<long>() ?? 0;
}
