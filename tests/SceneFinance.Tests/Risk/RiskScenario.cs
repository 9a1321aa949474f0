using System.Net;
using System.Text.Json.Nodes;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Risk;

/// <summary>Risk steps spoken through the API: rules drafted by one person and approved by another, list entries, cases.</summary>
public static class RiskScenario
{
    public static string Risk(this Scenario s) => $"{s.Base}/risk";

    public static object Amount(string op, long value) => new { attribute = "amount", op, value };

    public static object Window(string scope, string metric, int windowSeconds, string op, long value) =>
        new { attribute = "window", scope, metric, windowSeconds, op, value };

    public static async Task<JsonNode> Draft(this Scenario s, string token, string name, string action, params object[] conditions) =>
        (await s.Api.Post($"{s.Risk()}/rules", new { name, action, conditions }, token)).Expect(HttpStatusCode.Created).Body!;

    public static Task<Answer> Approve(this Scenario s, string token, string ruleId, int version = 1) =>
        s.Api.Post($"{s.Risk()}/rules/{ruleId}/versions/{version}/approve", null, token);

    /// <summary>A rule drafted by the tenant's finance person and approved by its tenant admin: live.</summary>
    public static async Task<string> LiveRule(this Scenario s, string drafter, string approver, string name, string action, params object[] conditions)
    {
        var id = (await s.Draft(drafter, name, action, conditions))["id"]!.GetValue<string>();
        (await s.Approve(approver, id)).Expect(HttpStatusCode.OK);
        return id;
    }

    public static async Task<JsonNode> List(this Scenario s, string token, string list, string subject, string value) =>
        (await s.Api.Post($"{s.Risk()}/lists", new { list, subject, value, note = "test" }, token)).Expect(HttpStatusCode.Created).Body!;

    public static async Task<JsonArray> Interceptions(this Scenario s, string? query = null) =>
        (await s.Api.Get($"{s.Risk()}/interceptions?size=500{query}", s.AdminToken)).Expect(HttpStatusCode.OK)["items"]!.AsArray();

    public static async Task<string> Declined(this Scenario s, Terminal terminal, string card, long amount, DateTimeOffset? at = null)
    {
        var paid = (await s.Api.Pay(terminal, card, amount, occurredAt: at)).Expect(HttpStatusCode.OK);
        return paid["status"].GetValue<string>() == "approved" ? "approved" : paid["declineCode"].GetValue<string>();
    }

    public static string Str(this JsonNode? node) => node!.GetValue<string>();
}
