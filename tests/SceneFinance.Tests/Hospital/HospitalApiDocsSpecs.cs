using System.Text.Json.Nodes;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Hospital;

/// <summary>The OpenAPI document describes every hospital route as it behaves: who calls it, what it answers, what it refuses.</summary>
[Collection(SharedGatewayApp.Name)]
public sealed class HospitalApiDocsSpecs(GatewayApp app)
{
    [Fact]
    public async Task Every_hospital_route_has_an_operation_its_caller_its_answers_and_its_problems()
    {
        var doc = JsonNode.Parse(await app.Api().Http.GetStringAsync("/openapi/v1.json"))!;
        var operations = doc["paths"]!.AsObject()
            .Where(p => p.Key.Contains("/hospital/") || p.Key.StartsWith("/api/v1/his/") || p.Key.StartsWith("/api/v1/kiosk/"))
            .SelectMany(p => p.Value!.AsObject().Select(o => (Path: p.Key, Method: o.Key, Op: o.Value!)))
            .ToDictionary(o => o.Op["operationId"]?.GetValue<string>() ?? $"{o.Method} {o.Path} has no operationId", o => o);

        Assert.True(operations.Count >= 28, $"{operations.Count} hospital operations");
        Assert.All(operations, o =>
        {
            Assert.Matches("^[a-z][A-Za-z]+$", o.Key);
            Assert.False(string.IsNullOrWhiteSpace(o.Value.Op["summary"]?.GetValue<string>()), o.Key);
            Assert.Contains("Hospital", o.Value.Op["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
            Assert.Contains(Statuses(o.Value.Op), s => s.StartsWith('2'));
        });

        // The HIS signs as a system client, the kiosk as a terminal, staff with a bearer token.
        Assert.Equal(["clientId", "signature", "timestamp"], Schemes(operations["postHisOrder"].Op));
        Assert.Equal(["signature", "terminalId", "timestamp"], Schemes(operations["payAtKiosk"].Op));
        Assert.Equal(["bearer"], Schemes(operations["payPatientOrders"].Op));

        // Bodies the route reads itself (signed) are still described; money-moving routes take an Idempotency-Key.
        Assert.NotNull(operations["postHisOrder"].Op["requestBody"]?["content"]?["application/json"]);
        Assert.NotNull(operations["identifyKioskPatient"].Op["requestBody"]?["content"]?["application/json"]);
        foreach (var id in new[] { "payAtKiosk", "payPatientOrders", "payIntoDeposit", "requestHospitalRefund", "dischargePatient", "registerAtKiosk" })
            Assert.Contains(operations[id].Op["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "Idempotency-Key");

        // The answers the edge chooses from the typed outcome, and the refusals beyond the conventions.
        Assert.Superset(new HashSet<string> { "200", "201", "400", "401", "403", "404", "409" }, Statuses(operations["payPatientOrders"].Op).ToHashSet());
        Assert.Superset(new HashSet<string> { "200", "202", "409" }, Statuses(operations["requestHospitalRefund"].Op).ToHashSet());
        // Manual insurance entry waits for a second person: 202 with the pending approval.
        Assert.Superset(new HashSet<string> { "202", "409" }, Statuses(operations["recordInsurance"].Op).ToHashSet());
        Assert.Superset(new HashSet<string> { "201", "401", "404", "409" }, Statuses(operations["postHisOrder"].Op).ToHashSet());
        Assert.Superset(new HashSet<string> { "200", "401", "403", "404", "409" }, Statuses(operations["identifyKioskPatient"].Op).ToHashSet());

        // The patient's own view (a bearer token from a phone sign-in) and the HIS's report list (signed, its body described).
        Assert.Equal(["clientId", "signature", "timestamp"], Schemes(operations["postHisReport"].Op));
        Assert.NotNull(operations["postHisReport"].Op["requestBody"]?["content"]?["application/json"]);
        Assert.Superset(new HashSet<string> { "201", "401", "404", "409" }, Statuses(operations["postHisReport"].Op).ToHashSet());
        foreach (var id in new[] { "getMyHospitalAccount", "listMyVisits", "listMyOrders", "listMyPayments", "getMyReceipt", "listMyRefunds", "listMyReports" })
            Assert.Equal(["bearer"], Schemes(operations[id].Op));
        Assert.Contains("404", Statuses(operations["getMyReceipt"].Op));
    }

    static IEnumerable<string> Statuses(JsonNode op) => op["responses"]!.AsObject().Select(r => r.Key);

    static string[] Schemes(JsonNode op) =>
        [.. op["security"]!.AsArray().SelectMany(r => r!.AsObject().Select(s => s.Key)).Order()];

    [Fact]
    public async Task Signed_routes_read_their_body_whatever_content_type_it_is_sent_as()
    {
        // Describing the body for the document must not make routing refuse what the kiosk and the HIS always could send.
        var h = await HospitalScenario.Start(app);
        var (_, card) = await h.Patient();
        (await h.KioskPost("/api/v1/kiosk/patients/identify", new { medicalCardNumber = card }, contentType: "text/plain")).Expect(System.Net.HttpStatusCode.OK);
    }
}
