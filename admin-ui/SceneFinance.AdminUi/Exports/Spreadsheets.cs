using SceneFinance.Platform;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MiniExcelLibs;
using SceneFinance.AdminUi.CardHolders;
using SceneFinance.AdminUi.Shell;
using SceneFinance.AdminUi.Terminals;
using SceneFinance.AdminUi.Tenants;
using SceneFinance.AdminUi.Users;
using SceneFinance.Grains;
using SceneFinance.Scenes.CardHolders;
using SceneFinance.Scenes.Hospital.Reporting;

namespace SceneFinance.AdminUi.Exports;

/// <summary>
/// The lists as .xlsx (MiniExcel), for the signed-in person (cookie) and with the same checks and queries as
/// the pages; headers in the person's language. Money and card numbers appear as the pages show them.
/// </summary>
public static class Spreadsheets
{
    const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static void MapSpreadsheets(this IEndpointRouteBuilder app)
    {
        var exports = app.MapGroup("/admin/export").RequireAuthorization();

        exports.MapGet("/tenants.xlsx", async (HttpContext http, IDocumentStore store) =>
        {
            var t = Language(http);
            var (rows, _) = await TenantDirectory.Page(http.User, store, 0, 10_000);
            return File(rows.Select(r => Row(t,
                ("Tenant id", r.Id), ("Name", r.Name), ("Scene", t[r.Kind]), ("Status", t[r.Status]), ("Created", Time(r.CreatedAt)))), "tenants");
        });

        exports.MapGet("/cardholders.xlsx", async (string tenantId, string? q, HttpContext http, IDocumentStore store) =>
        {
            var t = Language(http);
            var rows = await CardHolderSearch.All(http.User, store, tenantId, q);
            return File(rows.Select(r => Row(t,
                ("External id", r.ExternalId), ("Name", r.Name), ("Kind", t[r.Kind]), ("Card", "****" + r.CardLast4), ("Status", t[r.Status]))), "cardholders");
        });

        exports.MapGet("/terminals.xlsx", async (string tenantId, HttpContext http, IDocumentStore store) =>
        {
            var t = Language(http);
            var rows = await TerminalDirectory.All(http.User, store, tenantId);
            return File(rows.Select(r => Row(t,
                ("Terminal id", r.Id), ("Name", r.Name), ("Kind", t[r.Kind]), ("Status", t[r.Status]), ("Created", Time(r.CreatedAt)),
                ("Last seen", r.LastSeenAt is { } s ? Time(s) : t["never"]))), "terminals");
        });

        exports.MapGet("/users.xlsx", async (string tenantId, HttpContext http, IDocumentStore store) =>
        {
            var t = Language(http);
            var (rows, _) = await UserDirectory.Page(http.User, store, tenantId, 0, 10_000);
            return File(rows.Select(r => Row(t, ("Username", r.Username), ("Role", t[r.Role]), ("Created", Time(r.CreatedAt)))), "users");
        });

        exports.MapGet("/transactions.xlsx", async (string tenantId, string cardHolderId, HttpContext http, IGrainFactory grains) =>
        {
            var t = Language(http);
            var rows = await CardHolderEndpoints.Transactions(http.User, grains, tenantId, cardHolderId, 500).OrThrow();
            return File(rows.Select(r => Row(t,
                ("Time", Time(r.At)), ("Type", t[r.Type]), ("Amount", Money.Yuan(r.Amount)), ("Balance after", Money.Yuan(r.BalanceAfter)),
                ("Terminal", r.TerminalId ?? ""), ("Status", t[r.Status]))), "transactions");
        });

        // The hospital's day as the scene's own report spreadsheet (the same sheets as the API's daily.xlsx), with the cookie.
        exports.MapGet("/hospital-daily.xlsx", async (string tenantId, string? date, HttpContext http, IDocumentStore store, IGrainFactory grains, TimeProvider clock) =>
        {
            var report = await DailyReport.Report(http.User, store, grains, tenantId, date, clock.GetUtcNow());
            return Results.File(DailyReport.Xlsx(report), DailyReport.XlsxType, DailyReport.FileName(report));
        });
    }

    static Text Language(HttpContext http)
    {
        var text = new Text();
        text.Use(http.Request.Cookies[Text.Cookie]);
        return text;
    }

    // Ordered columns with headers in the person's language; every cell is text, so ids and card digits stay intact.
    static Dictionary<string, object> Row(Text t, params (string Header, string Value)[] cells) =>
        cells.ToDictionary(c => t[c.Header], c => (object)c.Value);

    static string Time(DateTimeOffset at) => Times.Local(at);

    static IResult File(IEnumerable<Dictionary<string, object>> rows, string name)
    {
        var stream = new MemoryStream();
        var list = rows.ToList();
        // MiniExcel writes no header for an empty list; an empty sheet is still a valid answer.
        MiniExcel.SaveAs(stream, list, excelType: ExcelType.XLSX);
        stream.Position = 0;
        return Results.File(stream, Xlsx, $"{name}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.xlsx");
    }
}
