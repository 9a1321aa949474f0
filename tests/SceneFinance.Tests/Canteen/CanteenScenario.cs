using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Canteen;

/// <summary>What the canteen specs set up through the public API: merchants and their tills, rules, programs, campaigns.</summary>
public static class CanteenScenario
{
    public static string Canteen(this Scenario s) => $"{s.Base}/canteen";

    public static async Task<string> Merchant(this Scenario s, string name = "一食堂 Canteen One", string category = "canteen") =>
        (await s.Api.Post($"{s.Base}/merchants", new { name, category }, s.AdminToken)).Expect(HttpStatusCode.Created)["id"].GetValue<string>();

    public static async Task<Terminal> TerminalAt(this Scenario s, string merchantId, string name = "1号窗口 Window 1")
    {
        var created = (await s.Api.Post($"{s.Base}/terminals", new { name, kind = "pos", merchantId }, s.AdminToken)).Expect(HttpStatusCode.Created);
        return new Terminal(s.TenantId, created["id"].GetValue<string>(), created["secret"].GetValue<string>(), merchantId);
    }

    public static async Task<JsonNode> Settings(this Scenario s, object body) =>
        (await s.Api.Send(HttpMethod.Put, $"{s.Canteen()}/settings", body, s.AdminToken)).Expect(HttpStatusCode.OK).Body!;

    public static async Task<string> Program(this Scenario s, object body) =>
        (await s.Api.Post($"{s.Canteen()}/subsidy-programs", body, s.AdminToken)).Expect(HttpStatusCode.Created)["program"]["id"]!.GetValue<string>();

    /// <summary>Queues a run (grant, period end, close) and waits for it to finish; the run as it ended.</summary>
    public static async Task<JsonNode> Run(this Scenario s, string programId, string action, string? period = null, string? key = null, TimeSpan? within = null)
    {
        var path = action == "close" ? $"{s.Canteen()}/subsidy-programs/{programId}/close" : $"{s.Canteen()}/subsidy-programs/{programId}/{action}";
        var queued = (await s.Api.Post(path, period is null ? new { } : new { period }, s.AdminToken, key ?? Guid.NewGuid().ToString("N"))).Expect(HttpStatusCode.Accepted);
        return await s.WaitRun(programId, queued["id"].GetValue<string>(), within);
    }

    public static async Task<JsonNode> WaitRun(this Scenario s, string programId, string runId, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var run = (await s.Api.Get($"{s.Canteen()}/subsidy-programs/{programId}/runs/{runId}", s.AdminToken)).Expect(HttpStatusCode.OK);
            if (run["status"].GetValue<string>() is "completed" or "failed") return run.Body!;
            Assert.True(DateTime.UtcNow < deadline, $"run {runId} did not finish: {run.Raw}");
            await Task.Delay(100);
        }
    }

    public static async Task<string> Campaign(this Scenario s, object body) =>
        (await s.Api.Post($"{s.Canteen()}/campaigns", body, s.AdminToken)).Expect(HttpStatusCode.Created)["id"].GetValue<string>();

    /// <summary>
    /// This local wall-clock time today, or yesterday when today's is more than 2 minutes ahead: a tap "at lunch" whatever the
    /// hour the test runs, less than 24 h old (a single tap's limit) and at most a few minutes ahead (the accepted clock skew).
    /// </summary>
    public static DateTimeOffset RecentLocal(int hour, int minute = 0)
    {
        var at = Scenario.LocalTime(0, hour, minute);
        return at > DateTimeOffset.UtcNow.AddMinutes(2) ? Scenario.LocalTime(1, hour, minute) : at;
    }

    public static DateOnly LocalDay(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, Scenario.Zone).DateTime);

    /// <summary>A signed GET (the signature covers an empty body), as a till fetches its refuse list.</summary>
    public static async Task<Answer> SignedGet(this SceneFinance.Tests.Infrastructure.Api api, Terminal terminal, string pathAndQuery)
    {
        var path = pathAndQuery.Split('?')[0];
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
        var signature = Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(terminal.Secret), Encoding.UTF8.GetBytes($"{ts}\nGET\n{path}\n"))).ToLowerInvariant();
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Add("X-Terminal-Id", terminal.Id);
        request.Headers.Add("X-Timestamp", ts);
        request.Headers.Add("X-Signature", signature);
        using var response = await api.Http.SendAsync(request);
        return await Answer.From(response);
    }

    /// <summary>An offline upload with the refuse list version the till held.</summary>
    public static Task<Answer> OfflineBatch(this SceneFinance.Tests.Infrastructure.Api api, Terminal terminal, long listVersion, params object[] items) =>
        api.Signed(terminal, Offline.BatchPath, JsonSerializer.Serialize(new { items, offlineListVersion = listVersion }), null);

    /// <summary>The card's key on the offline list: the lowercase hex of the first 16 bytes of SHA-256 of the number.</summary>
    public static string CardKey(string cardNumber) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(cardNumber)), 0, 16).ToLowerInvariant();

    public static long Balance(this JsonNode trialBalance, string account) =>
        trialBalance["accounts"]!.AsArray().SingleOrDefault(a => a!["account"]!.GetValue<string>() == account)?["balance"]!.GetValue<long>() ?? 0;

    public static async Task<JsonNode> Wallet(this Scenario s, string holderId) =>
        (await s.Api.Get($"{s.Base}/cardholders/{holderId}/canteen", s.AdminToken)).Expect(HttpStatusCode.OK).Body!;

    public static async Task<string> Upload(this Scenario s, string path, byte[] content, string fileName)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(content), "file", fileName } };
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = form };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", s.AdminToken);
        using var response = await s.Api.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return body;
    }
}
