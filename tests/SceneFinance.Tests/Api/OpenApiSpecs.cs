using System.Net;
using System.Text.Json.Nodes;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Api;

/// <summary>The OpenAPI document describes the tenant, card holder, terminal and ledger routes as they behave, and nothing that is not API.</summary>
[Collection(SharedApp.Name)]
public sealed class OpenApiSpecs(SceneApp app)
{
    async Task<JsonNode> Document()
    {
        var answer = await app.Api().Get("/openapi/v1.json", null);
        answer.Expect(HttpStatusCode.OK);
        return answer.Body!;
    }

    static IEnumerable<(string Path, string Method, JsonNode Operation)> Operations(JsonNode doc) =>
        doc["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject()
            .Where(m => m.Key is "get" or "post" or "put" or "patch" or "delete")
            .Select(m => (p.Key, m.Key, m.Value!)));

    // Each route of this area: its tag and every status it may answer (beyond 200/201).
    static readonly (string Id, string Tag, int[] Statuses)[] Routes =
    [
        ("issueToken", "Auth", [200, 400, 401, 429]),
        ("createTenant", "Tenants", [201, 400, 401, 403, 409]),
        ("getTenant", "Tenants", [200, 401, 403, 404]),
        ("suspendTenant", "Tenants", [200, 401, 403, 404]),
        ("resumeTenant", "Tenants", [200, 401, 403, 404]),
        ("addTenantUser", "Tenants", [201, 400, 401, 403, 404, 409]),
        ("createCardHolder", "Card holders", [201, 400, 401, 403, 404, 409]),
        ("getCardHolder", "Card holders", [200, 401, 403, 404]),
        ("listCardHolderTransactions", "Card holders", [200, 400, 401, 403, 404]),
        ("topUpCardHolder", "Card holders", [200, 400, 401, 403, 404, 409]),
        ("freezeCardHolder", "Card holders", [200, 401, 403, 404, 409]),
        ("unfreezeCardHolder", "Card holders", [200, 401, 403, 404, 409]),
        ("reportCardLost", "Card holders", [200, 401, 403, 404, 409]),
        ("replaceCard", "Card holders", [200, 400, 401, 403, 404, 409]),
        ("createTerminal", "Terminals", [201, 400, 401, 403, 404, 409]),
        ("getTerminal", "Terminals", [200, 401, 403, 404]),
        ("disableTerminal", "Terminals", [200, 401, 403, 404]),
        ("payAtTerminal", "Terminals", [200, 400, 401, 409]),
        ("payAtTerminalBatch", "Terminals", [200, 400, 401, 409]),
        ("getTrialBalance", "Ledger", [200, 401, 403, 404]),
    ];

    [Fact]
    public async Task Every_route_has_an_operation_id_a_summary_a_description_its_tag_and_its_problems()
    {
        var doc = await Document();
        var operations = Operations(doc).ToList();
        var ids = operations.Select(o => o.Operation["operationId"]?.GetValue<string>()).OfType<string>().ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());

        foreach (var (id, tag, statuses) in Routes)
        {
            var (path, method, op) = Assert.Single(operations, o => o.Operation["operationId"]?.GetValue<string>() == id);
            Assert.Matches("^[a-z][a-zA-Z]+$", id);
            Assert.False(string.IsNullOrWhiteSpace(op["summary"]?.GetValue<string>()), $"{id}: summary");
            Assert.False(string.IsNullOrWhiteSpace(op["description"]?.GetValue<string>()), $"{id}: description");
            Assert.Equal([tag], op["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
            var answered = op["responses"]!.AsObject().Select(r => int.Parse(r.Key)).Order().ToList();
            Assert.True(statuses.All(answered.Contains), $"{method} {path} ({id}) answers {string.Join(",", answered)}, expected {string.Join(",", statuses)}");
        }
    }

    [Fact]
    public async Task Terminal_routes_are_signed_money_moving_ones_take_a_key_and_signing_in_needs_nobody()
    {
        var doc = await Document();
        JsonNode Op(string id) => Operations(doc).Single(o => o.Operation["operationId"]?.GetValue<string>() == id).Operation;
        static IEnumerable<string> Schemes(JsonNode op) => op["security"]?.AsArray().SelectMany(r => r!.AsObject().Select(s => s.Key)) ?? [];
        static bool TakesKey(JsonNode op) => op["parameters"]?.AsArray().Any(p => p!["name"]!.GetValue<string>() == "Idempotency-Key" && p["in"]!.GetValue<string>() == "header") == true;

        foreach (var id in new[] { "payAtTerminal", "payAtTerminalBatch" })
        {
            Assert.Equal(["signature", "terminalId", "timestamp"], Schemes(Op(id)).Order());
            Assert.NotNull(Op(id)["requestBody"]!["content"]!["application/json"]!["schema"]); // the body the terminal signs
        }
        Assert.True(TakesKey(Op("payAtTerminal")));
        Assert.False(TakesKey(Op("payAtTerminalBatch"))); // its items carry their own keys
        Assert.True(TakesKey(Op("topUpCardHolder")));
        Assert.Equal(["bearer"], Schemes(Op("createCardHolder")));
        Assert.Empty(Schemes(Op("issueToken")));
    }

    [Fact]
    public async Task The_shells_own_endpoints_are_not_api()
    {
        var paths = (await Document())["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.DoesNotContain(paths, p => p.StartsWith("/admin") || p.StartsWith("/hubs") || p.StartsWith("/login"));
        Assert.Contains("/api/v1/tenants/{tenantId}/ledger/trial-balance", paths);
    }
}
