using System.Net;
using System.Text.Json.Nodes;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Canteen;

/// <summary>Every canteen route describes itself: tag, camelCase operation id, summary, description, caller, key and problems.</summary>
[Collection(SharedApp.Name)]
public sealed class CanteenOpenApiSpecs(SceneApp app)
{
    static readonly (string Id, string Method, string Path, int[] Statuses)[] Routes =
    [
        ("createMerchant", "post", "/api/v1/tenants/{tenantId}/merchants", [201, 400, 401, 403, 404, 409]),
        ("listMerchants", "get", "/api/v1/tenants/{tenantId}/merchants", [200, 401, 403, 404]),
        ("getMerchant", "get", "/api/v1/tenants/{tenantId}/merchants/{merchantId}", [200, 401, 403, 404]),
        ("renameMerchant", "post", "/api/v1/tenants/{tenantId}/merchants/{merchantId}/rename", [200, 400, 401, 403, 404, 409]),
        ("closeMerchant", "post", "/api/v1/tenants/{tenantId}/merchants/{merchantId}/close", [200, 401, 403, 404, 409]),
        ("moveTerminalToMerchant", "post", "/api/v1/tenants/{tenantId}/merchants/{merchantId}/terminals", [200, 400, 401, 403, 404, 409]),
        ("getCanteenSettings", "get", "/api/v1/tenants/{tenantId}/canteen/settings", [200, 401, 403, 404]),
        ("updateCanteenSettings", "put", "/api/v1/tenants/{tenantId}/canteen/settings", [200, 400, 401, 403, 404]),
        ("getCardHolderCanteen", "get", "/api/v1/tenants/{tenantId}/cardholders/{id}/canteen", [200, 401, 403, 404]),
        ("changeDailyLimit", "post", "/api/v1/tenants/{tenantId}/cardholders/{id}/daily-limit", [200, 400, 401, 403, 404]),
        ("setCanteenProfile", "put", "/api/v1/tenants/{tenantId}/cardholders/{id}/canteen-profile", [200, 400, 401, 403, 404]),
        ("createSubsidyProgram", "post", "/api/v1/tenants/{tenantId}/canteen/subsidy-programs", [201, 400, 401, 403, 404]),
        ("grantSubsidy", "post", "/api/v1/tenants/{tenantId}/canteen/subsidy-programs/{programId}/grants", [202, 400, 401, 403, 404, 409]),
        ("endSubsidyPeriod", "post", "/api/v1/tenants/{tenantId}/canteen/subsidy-programs/{programId}/period-ends", [202, 400, 401, 403, 404, 409]),
        ("closeSubsidyProgram", "post", "/api/v1/tenants/{tenantId}/canteen/subsidy-programs/{programId}/close", [202, 400, 401, 403, 404, 409]),
        ("createCampaign", "post", "/api/v1/tenants/{tenantId}/canteen/campaigns", [201, 400, 401, 403, 404]),
        ("getCampaignReport", "get", "/api/v1/tenants/{tenantId}/canteen/campaigns/{campaignId}/report", [200, 401, 403, 404]),
        ("getOfflineCardList", "get", "/api/v1/terminal/offline-card-list", [200, 400, 401]),
        ("voidAtTerminal", "post", "/api/v1/terminal/payments/{paymentId}/void", [200, 400, 401, 404, 409]),
        ("refundCanteenPayment", "post", "/api/v1/tenants/{tenantId}/canteen/payments/{paymentId}/refunds", [200, 400, 401, 403, 404, 409]),
        ("getDailySales", "get", "/api/v1/tenants/{tenantId}/canteen/reports/daily-sales", [200, 400, 401, 403, 404]),
        ("listOfflineExceptions", "get", "/api/v1/tenants/{tenantId}/canteen/offline-exceptions", [200, 400, 401, 403, 404]),
        ("importStaffRoster", "post", "/api/v1/tenants/{tenantId}/canteen/staff-imports", [202, 400, 401, 403, 404]),
        ("getStaffImport", "get", "/api/v1/tenants/{tenantId}/canteen/staff-imports/{importId}", [200, 401, 403, 404]),
    ];

    [Fact]
    public async Task Every_canteen_route_is_documented_with_its_problems_and_callers()
    {
        var doc = (await app.Api().Get("/openapi/v1.json", null)).Expect(HttpStatusCode.OK).Body!;
        var operations = doc["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Where(m => m.Key is "get" or "post" or "put").Select(m => (Path: p.Key, Method: m.Key, Op: m.Value!)))
            .ToList();
        var canteen = operations.Where(o => o.Op["tags"]!.AsArray().Any(t => t!.GetValue<string>() == "Canteen")).ToList();
        Assert.True(canteen.Count >= 30, $"{canteen.Count} canteen operations");
        foreach (var (path, method, op) in canteen)
        {
            var id = op["operationId"]?.GetValue<string>();
            Assert.Matches("^[a-z][a-zA-Z]+$", id);
            Assert.False(string.IsNullOrWhiteSpace(op["summary"]?.GetValue<string>()), $"{method} {path}: summary");
            Assert.False(string.IsNullOrWhiteSpace(op["description"]?.GetValue<string>()), $"{method} {path}: description");
        }
        var ids = operations.Select(o => o.Op["operationId"]?.GetValue<string>()).OfType<string>().ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());

        static bool TakesKey(JsonNode op) => op["parameters"]?.AsArray().Any(p => p!["name"]!.GetValue<string>() == "Idempotency-Key") == true;
        static IEnumerable<string> Schemes(JsonNode op) => op["security"]?.AsArray().SelectMany(r => r!.AsObject().Select(s => s.Key)) ?? [];
        foreach (var (id, method, path, statuses) in Routes)
        {
            var (_, _, op) = Assert.Single(canteen, o => o.Op["operationId"]!.GetValue<string>() == id);
            Assert.Contains(canteen, o => o.Path == path && o.Method == method && o.Op["operationId"]!.GetValue<string>() == id);
            var answered = op["responses"]!.AsObject().Select(r => int.Parse(r.Key)).ToList();
            Assert.True(statuses.All(answered.Contains), $"{id} answers {string.Join(",", answered.Order())}, expected {string.Join(",", statuses)}");
        }
        JsonNode Op(string id) => canteen.Single(o => o.Op["operationId"]!.GetValue<string>() == id).Op;
        foreach (var id in new[] { "grantSubsidy", "endSubsidyPeriod", "closeSubsidyProgram", "voidAtTerminal", "voidCanteenPayment", "refundCanteenPayment" })
            Assert.True(TakesKey(Op(id)), $"{id} moves money: it takes an Idempotency-Key");
        foreach (var id in new[] { "getOfflineCardList", "voidAtTerminal" })
            Assert.Equal(["signature", "terminalId", "timestamp"], Schemes(Op(id)).Order());
        Assert.NotNull(Op("voidAtTerminal")["requestBody"]!["content"]!["application/json"]!["schema"]);
    }
}
