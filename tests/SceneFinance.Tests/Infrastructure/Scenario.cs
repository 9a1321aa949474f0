using System.Net;
using System.Text.Json.Nodes;

namespace SceneFinance.Tests.Infrastructure;

/// <summary>A fresh tenant with what a spec needs, built through the public API (no shortcuts into storage).</summary>
public sealed class Scenario
{
    public required Api Api { get; init; }
    public required string AdminToken { get; init; }
    public required string TenantId { get; init; }
    public string Base => $"/api/v1/tenants/{TenantId}";

    public static Task<Scenario> Start(SceneApp app, string kind = "canteen") => Start(app.Api(), kind);

    /// <param name="mode">live for a live tenant (no simulators stand in); sandbox when absent.</param>
    public static async Task<Scenario> Start(Api api, string kind = "canteen", string? mode = null)
    {
        var admin = await api.AdminToken();
        var tenant = (await api.Post("/api/v1/tenants", new { name = "Test " + kind, kind, mode }, admin)).Expect(HttpStatusCode.Created);
        return new Scenario { Api = api, AdminToken = admin, TenantId = tenant["id"].GetValue<string>() };
    }

    public async Task<(string Id, string CardNumber)> CardHolder(long cash = 0, long subsidy = 0, long? dailyLimit = null, string? cardNumber = null)
    {
        cardNumber ??= NewCardNumber();
        var created = (await Api.Post($"{Base}/cardholders", new
        {
            externalId = "S" + Guid.NewGuid().ToString("N")[..10], name = "学生 Student", kind = "student", cardNumber, dailyLimit,
        }, AdminToken)).Expect(HttpStatusCode.Created);
        var id = created["id"].GetValue<string>();
        if (cash > 0) await TopUp(id, cash, "cash");
        if (subsidy > 0) await TopUp(id, subsidy, "subsidy");
        return (id, cardNumber);
    }

    public async Task<JsonNode> TopUp(string holderId, long amount, string purse = "cash", string? key = null) =>
        (await Api.Post($"{Base}/cardholders/{holderId}/topups", new { amount, channel = "counter", purse }, AdminToken, key ?? Guid.NewGuid().ToString("N")))
        .Expect(HttpStatusCode.OK).Body!;

    public async Task<Terminal> Terminal(string kind = "pos")
    {
        var created = (await Api.Post($"{Base}/terminals", new { name = "窗口 Till", kind }, AdminToken)).Expect(HttpStatusCode.Created);
        return new Terminal(TenantId, created["id"].GetValue<string>(), created["secret"].GetValue<string>(), created["merchantId"].GetValue<string>());
    }

    /// <summary>A user of this tenant with the role, signed in.</summary>
    public async Task<string> UserToken(string role)
    {
        var username = role + Guid.NewGuid().ToString("N")[..8];
        (await Api.Post($"{Base}/users", new { username, password = "Passw0rd-" + role, role }, AdminToken)).Expect(HttpStatusCode.Created);
        return await Api.Token(username, "Passw0rd-" + role);
    }

    public async Task Suspend() => (await Api.Post($"{Base}/suspend", null, AdminToken)).Expect(HttpStatusCode.OK);

    public async Task Disable(Terminal terminal) =>
        (await Api.Post($"{Base}/terminals/{terminal.Id}/disable", null, AdminToken)).Expect(HttpStatusCode.OK);

    /// <summary>The same tenant seen through another instance of the product (after a restart), signed in afresh.</summary>
    public async Task<Scenario> On(Api api) => new() { Api = api, AdminToken = await api.AdminToken(), TenantId = TenantId };

    public async Task<long> Balance(string holderId)
    {
        var holder = (await Api.Get($"{Base}/cardholders/{holderId}", AdminToken)).Expect(HttpStatusCode.OK);
        return holder["balance"]["cash"]!.GetValue<long>() + holder["balance"]["subsidy"]!.GetValue<long>();
    }

    public async Task<JsonNode> TrialBalance()
    {
        var tb = (await Api.Get($"{Base}/ledger/trial-balance", AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal(tb["totalDebit"].GetValue<long>(), tb["totalCredit"].GetValue<long>());
        return tb.Body!;
    }

    /// <summary>The tenants' time zone: daily limits count per calendar day here.</summary>
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>A wall-clock time in the tenant's zone, <paramref name="daysAgo"/> local days before today.</summary>
    public static DateTimeOffset LocalTime(int daysAgo, int hour, int minute = 0)
    {
        var today = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Zone).Date;
        var local = today.AddDays(-daysAgo).AddHours(hour).AddMinutes(minute);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local));
    }

    public static string NewCardNumber() => "8" + Random.Shared.NextInt64(100_000_000_000_000, 999_999_999_999_999);
}
