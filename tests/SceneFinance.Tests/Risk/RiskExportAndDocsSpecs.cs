using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Risk;

/// <summary>The risk routes describe themselves in the OpenAPI document; the risk downloads are typed .xlsx (yuan numbers, date cells, text).</summary>
[Collection(SharedApp.Name)]
public sealed class RiskExportAndDocsSpecs(SceneApp app)
{
    static readonly string[] Operations =
    [
        "listRiskRules", "createRiskRule", "getRiskRule", "reviseRiskRule", "approveRiskRule", "disableRiskRule", "startRiskBacktest", "getRiskBacktest",
        "listRiskInterceptions", "listRiskCases", "getRiskCase", "assignRiskCase", "commentRiskCase", "closeRiskCase",
        "listRiskListEntries", "addRiskListEntry", "removeRiskListEntry", "importRiskList",
        "listRiskListEntriesPlatform", "addRiskListEntryPlatform", "removeRiskListEntryPlatform", "importRiskListPlatform",
    ];

    [Fact]
    public async Task Every_risk_route_has_its_operation_id_summary_description_and_the_Risk_tag()
    {
        var doc = (await app.Api().Get("/openapi/v1.json", null)).Expect(HttpStatusCode.OK).Body!;
        var ops = doc["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(m => m.Value!)).ToList();
        foreach (var id in Operations)
        {
            var op = Assert.Single(ops, o => o["operationId"]?.GetValue<string>() == id);
            Assert.Equal(["Risk"], op["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
            Assert.False(string.IsNullOrWhiteSpace(op["summary"]?.GetValue<string>()), id);
            Assert.False(string.IsNullOrWhiteSpace(op["description"]?.GetValue<string>()), id);
        }
        Assert.Contains("409", Assert.Single(ops, o => o["operationId"]?.GetValue<string>() == "closeRiskCase")["responses"]!.AsObject().Select(r => r.Key));
        Assert.Equal(Operations.Length, ops.Count(o => o["tags"]!.AsArray().Any(t => t!.GetValue<string>() == "Risk")));
    }

    [Fact]
    public async Task Cases_and_interceptions_download_as_xlsx_with_yuan_numbers_and_date_cells()
    {
        var s = await Scenario.Start(app);
        var (finance, admin) = (await s.UserToken("finance"), await s.UserToken("tenant-admin"));
        var (_, card) = await s.CardHolder(cash: 100_000);
        var till = await s.Terminal();
        await s.LiveRule(finance, admin, "Review big", "review", RiskScenario.Amount("gte", 1234));
        Assert.Equal("approved", await s.Declined(till, card, 1234));

        var client = await SignedIn();
        var cases = await Download(client, $"/admin/export/risk-cases.xlsx?tenantId={s.TenantId}");
        var row = Assert.Single(cases.Rows);
        Assert.True(row["金额"].IsNumber);
        Assert.Equal(12.34m, row["金额"].Number);
        Assert.True(row["立案时间"].IsNumber);
        Assert.True(row["卡号"].IsText);
        var interceptions = await Download(client, $"/admin/export/risk-interceptions.xlsx?tenantId={s.TenantId}");
        Assert.Equal(12.34m, Assert.Single(interceptions.Rows)["金额"].Number);
        Assert.Contains("amount ≥ 1234", interceptions.Rows[0]["原因"].Value ?? "");
    }

    async Task<HttpClient> SignedIn()
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var form = await client.GetStringAsync("/login");
        var token = Regex.Match(form, "name=\"__RequestVerificationToken\"[^>]*?value=\"([^\"]+)\"").Groups[1].Value;
        var signedIn = await client.PostAsync("/admin/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "admin", ["password"] = SceneApp.AdminPassword, ["returnUrl"] = "/", ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return client;
    }

    static async Task<Workbook> Download(HttpClient client, string path)
    {
        using var answer = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return new Workbook(await answer.Content.ReadAsByteArrayAsync());
    }
}
