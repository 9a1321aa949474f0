using System.Net;
using System.Text.Json.Nodes;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Campus;

/// <summary>The OpenAPI document describes every campus route as it behaves: named, summarised, tagged, its answers as named schemas.</summary>
[Collection(SharedCampusApp.Name)]
public sealed class CampusApiDocsSpecs(CampusApp app)
{
    static readonly string[] Methods = ["get", "post", "put", "delete"];

    async Task<JsonNode> Document()
    {
        using var response = await app.CreateClient().GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    [Fact]
    public async Task Every_campus_route_has_an_operation_id_a_summary_the_campus_tag_and_named_answers()
    {
        var doc = await Document();
        var operations = doc["paths"]!.AsObject()
            .Where(p => p.Key.Contains("/campus/") || p.Key.EndsWith("/gate-taps"))
            .SelectMany(p => p.Value!.AsObject().Where(m => Methods.Contains(m.Key)).Select(m => (Path: p.Key, Method: m.Key, Op: m.Value!)))
            .ToList();
        Assert.True(operations.Count >= 30, $"only {operations.Count} campus operations");
        Assert.All(operations, o =>
        {
            var name = $"{o.Method} {o.Path}";
            Assert.False(string.IsNullOrEmpty(o.Op["operationId"]?.GetValue<string>()), name + ": no operationId");
            Assert.True(char.IsLower(o.Op["operationId"]!.GetValue<string>()[0]), name + ": operationId not camelCase");
            Assert.False(string.IsNullOrEmpty(o.Op["summary"]?.GetValue<string>()), name + ": no summary");
            Assert.Contains("Campus", o.Op["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
            var ok = o.Op["responses"]!.AsObject().Single(r => r.Key is "200" or "201" or "202").Value!;
            var schema = ok["content"]?["application/json"]?["schema"];
            Assert.True(schema?["$ref"] is not null || o.Path.EndsWith(".xlsx"), name + ": the answer has no named schema: " + ok.ToJsonString());
        });
        Assert.Equal(operations.Count, operations.Select(o => o.Op["operationId"]!.GetValue<string>()).Distinct().Count());
    }

    [Fact]
    public async Task The_gate_tap_is_a_signed_idempotent_terminal_request_with_a_json_body()
    {
        var tap = (await Document())["paths"]!["/api/v1/terminal/gate-taps"]!["post"]!;
        Assert.Equal("postGateTap", tap["operationId"]!.GetValue<string>());
        Assert.Contains(tap["security"]!.AsArray(), s => s!.AsObject().ContainsKey("terminalId") && s.AsObject().ContainsKey("signature"));
        Assert.NotNull(tap["requestBody"]!["content"]!["application/json"]);
        Assert.Contains(tap["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "Idempotency-Key");
        Assert.All(new[] { "400", "401", "403", "409" }, status => Assert.NotNull(tap["responses"]![status]));
    }

    [Fact]
    public async Task Money_moving_campus_routes_take_an_idempotency_key_and_say_which_conflicts_they_answer()
    {
        var paths = (await Document())["paths"]!;
        foreach (var path in new[] { "/api/v1/tenants/{tenantId}/campus/bills/{billId}/payments", "/api/v1/tenants/{tenantId}/campus/bills/{billId}/online-payments",
                     "/api/v1/tenants/{tenantId}/campus/students/{studentNumber}/online-topups" })
        {
            var op = paths[path]!["post"]!;
            Assert.Contains(op["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "Idempotency-Key");
            Assert.All(new[] { "400", "401", "403", "404", "409" }, status => Assert.True(op["responses"]![status] is not null, $"{path}: no {status}"));
        }
    }
}
