using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.AdminUi.Shell;
using SceneFinance.Platform.Exports;
using SceneFinance.Platform.Time;
using SceneFinance.Scenes.Risk;

namespace SceneFinance.AdminUi.Risk;

/// <summary>The risk lists as .xlsx for the signed-in person (cookie), through the same slice functions as the pages: cases, list entries, interceptions.</summary>
public static class RiskExports
{
    public static void MapRiskExports(this IEndpointRouteBuilder app)
    {
        var exports = app.MapGroup("/admin/export").RequireAuthorization().ExcludeFromDescription();

        exports.MapGet("/risk-cases.xlsx", async (string tenantId, string? status, HttpContext http, IDocumentStore store, TenantClock clock) =>
        {
            var t = Language(http);
            var rows = await RiskCases.All(http.User, store, tenantId, status);
            return File(await clock.For(tenantId), "risk-cases", Xlsx.Sheet(t["Cases"], rows,
                Xlsx.Text<RiskCaseView>(t["Case"], r => r.Id),
                Xlsx.Time<RiskCaseView>(t["Opened"], r => r.OpenedAt),
                Xlsx.Time<RiskCaseView>(t["Time"], r => r.OccurredAt),
                Xlsx.Text<RiskCaseView>(t["Card"], r => "****" + r.CardLast4),
                Xlsx.Text<RiskCaseView>(t["Card holder"], r => r.CardHolderId),
                Xlsx.Text<RiskCaseView>(t["Terminal"], r => r.TerminalId),
                Xlsx.Yuan<RiskCaseView>(t["Amount"], r => r.Amount),
                Xlsx.Text<RiskCaseView>(t["Why"], r => string.Join("; ", r.Hits.Select(h => $"{h.Name} v{h.Version}"))),
                Xlsx.Text<RiskCaseView>(t["Assignee"], r => r.Assignee),
                Xlsx.Text<RiskCaseView>(t["Status"], r => t[r.Status]),
                Xlsx.Text<RiskCaseView>(t["Resolution"], r => r.Resolution is { } x ? t[x] : null),
                Xlsx.Time<RiskCaseView>(t["Closed"], r => r.ClosedAt),
                Xlsx.Number<RiskCaseView>(t["Flagged taps"], r => r.FlaggedPayments.Count)));
        });

        exports.MapGet("/risk-lists.xlsx", async (string tenantId, string? list, HttpContext http, IDocumentStore store, TenantClock clock) =>
        {
            var t = Language(http);
            var rows = await RiskLists.All(http.User, store, tenantId, list);
            return File(await clock.For(tenantId), "risk-lists", Xlsx.Sheet(t["Lists"], rows,
                Xlsx.Text<RiskListItem>(t["List"], r => t[r.List]),
                Xlsx.Text<RiskListItem>(t["Subject"], r => t[r.Subject]),
                Xlsx.Text<RiskListItem>(t["Who or what"], r => r.Label),
                Xlsx.Text<RiskListItem>(t["Note"], r => r.Note),
                Xlsx.Text<RiskListItem>(t["Added by"], r => r.AddedBy),
                Xlsx.Time<RiskListItem>(t["Added on"], r => r.AddedAt)));
        });

        exports.MapGet("/risk-interceptions.xlsx", async (string tenantId, string? ruleId, HttpContext http, IDocumentStore store, TenantClock clock) =>
        {
            var t = Language(http);
            var rows = (await RiskRules.Interceptions(http.User, store, tenantId, ruleId, null, null, 0, 500)).Items;
            return File(await clock.For(tenantId), "risk-interceptions", Xlsx.Sheet(t["Interceptions"], rows,
                Xlsx.Time<RiskInterceptionView>(t["Time"], r => r.OccurredAt),
                Xlsx.Text<RiskInterceptionView>(t["Card"], r => "****" + r.CardLast4),
                Xlsx.Text<RiskInterceptionView>(t["Card holder"], r => r.CardHolderId),
                Xlsx.Text<RiskInterceptionView>(t["Terminal"], r => r.TerminalId),
                Xlsx.Yuan<RiskInterceptionView>(t["Amount"], r => r.Amount),
                Xlsx.Text<RiskInterceptionView>(t["Outcome"], r => t[r.Outcome]),
                Xlsx.Text<RiskInterceptionView>(t["Why"], r => string.Join("; ", r.Hits.Select(h =>
                    $"{h.Name} v{h.Version}: {string.Join(", ", h.Values.Select(v => $"{v.Condition} → {v.Actual}"))}")))));
        });
    }

    static Text Language(HttpContext http)
    {
        var t = new Text();
        t.Use(http.Request.Cookies[Text.Cookie]);
        return t;
    }

    static IResult File(TenantTime time, string name, ISheet sheet) =>
        Xlsx.File(Xlsx.Write(time.Zone, sheet), $"{name}-{time.Local(time.Now):yyyyMMdd-HHmmss}.xlsx");
}
