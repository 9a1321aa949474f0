using System.Net;
using System.Text.Json.Nodes;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Settling;

/// <summary>
/// The product with its channels under the test's control: no janitor during a spec (a lost notification stays lost until the
/// spec says), overpaid bills refunded every second, and the day-end job out of the way (the specs close and settle by hand,
/// and call the job's own function when they mean it).
/// </summary>
public sealed class BackOfficeApp : GatewayApp
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["SceneFinance:Gateway:JanitorEverySeconds"] = "3600",
        ["SceneFinance:Campus:ExcessRefundEverySeconds"] = "1",
        ["SceneFinance:BackOffice:DayEndEverySeconds"] = "3600",
    };
}

[CollectionDefinition(Name)]
public sealed class SharedBackOfficeApp : ICollectionFixture<BackOfficeApp>
{
    public const string Name = "shared back office app";
}

/// <summary>The back office spoken from the outside, as the bank's operations and a tenant's finance office do.</summary>
public static class BackOffice
{
    /// <summary>Closes the day by hand; a 503 (transactions begun before the cut still open) is tried again, as an officer would.</summary>
    public static async Task<JsonNode> Close(this Scenario s, string? day = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var answer = await s.Api.Post($"{s.Base}/day-end/close", new { day }, s.AdminToken);
            if (answer.Status == HttpStatusCode.ServiceUnavailable && attempt < 5) continue;
            return answer.Expect(HttpStatusCode.OK).Body!;
        }
    }

    public static async Task<JsonNode> DayEnd(this Scenario s) => (await s.Api.Get($"{s.Base}/day-end", s.AdminToken)).Expect(HttpStatusCode.OK).Body!;

    public static async Task<JsonNode> DayReport(this Scenario s, string day) =>
        (await s.Api.Get($"{s.Base}/day-end/{day}", s.AdminToken)).Expect(HttpStatusCode.OK).Body!;

    public static async Task<JsonNode> Settle(this Scenario s, string day, string? key = null) =>
        (await s.Api.Post($"{s.Base}/settlement/runs", new { day }, s.AdminToken, key ?? Guid.NewGuid().ToString("N"))).Expect(HttpStatusCode.OK).Body!;

    public static async Task<JsonNode> Reconcile(this Scenario s, string day) =>
        (await s.Api.Post($"{s.Base}/reconciliation/{day}/run", null, s.AdminToken)).Expect(HttpStatusCode.OK).Body!;

    public static async Task Account(this Scenario s, string partyId, string number, string? token = null) =>
        (await s.Api.Send(HttpMethod.Put, $"{s.Base}/settlement/parties/{partyId}/account",
            new { bankName = "中国工商银行 ICBC", accountName = "收款户 " + partyId, accountNumber = number }, token ?? s.AdminToken)).Expect(HttpStatusCode.OK);

    public static async Task Fees(this Scenario s, string partyId, int basisPoints, long? minPerTransaction = null, long? minPerSettlement = null) =>
        (await s.Api.Send(HttpMethod.Put, $"{s.Base}/settlement/parties/{partyId}/fees", new { basisPoints, minPerTransaction, minPerSettlement }, s.AdminToken))
        .Expect(HttpStatusCode.OK);

    public static async Task<JsonArray> Statements(this Scenario s, string? partyId = null) =>
        (await s.Api.Get($"{s.Base}/settlement/statements?limit=500{(partyId is null ? "" : "&partyId=" + partyId)}", s.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray();

    public static async Task<JsonArray> Payouts(this Scenario s) =>
        (await s.Api.Get($"{s.Base}/settlement/payouts", s.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray();

    public static async Task<Answer> TillSummary(this Scenario s, Terminal till, string day, int count, long amount) =>
        (await s.Api.Signed(till, "/api/v1/terminal/day-summaries", System.Text.Json.JsonSerializer.Serialize(new { businessDay = day, count, amount }), null))
        .Expect(HttpStatusCode.OK);

    public static long L(this JsonNode? node, string name) => node![name]!.GetValue<long>();
    public static string S(this JsonNode? node, string name) => node![name]!.GetValue<string>();
}

public static class AnswerFields
{
    public static string S(this Answer answer, string name) => answer.Body.S(name);
}
