using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Scenes.Campus.Billing;

namespace SceneFinance.Scenes.Campus.Reporting;

public static class ReportEndpoints
{
    /// <summary>
    /// <c>GET /tenants/{t}/campus/reports/collection?planId=&amp;grade=</c> (overview by grade and class), <c>.../reports/unpaid</c>,
    /// <c>.../reports/collections?from=&amp;to=</c> (the collections journal); each also as .xlsx with <c>format=xlsx</c>.
    /// </summary>
    public static void MapCampusReports(this IEndpointRouteBuilder api)
    {
        var reports = api.MapGroup("/tenants/{tenantId}/campus/reports").WithTags("Campus");

        reports.MapGet("/collection", async (string tenantId, string? planId, string? grade, string? format, HttpContext http, IDocumentStore store) =>
        {
            http.RequireTenantAccess(tenantId, CampusAccess.Staff);
            var rows = CollectionReports.Overview(await CollectionReports.Bills(store, tenantId, planId, grade, null));
            return IsXlsx(format)
                ? Xlsx.File(Xlsx.Write(CollectionReports.OverviewSheet(rows), "收缴情况"), "collection-overview.xlsx")
                : Results.Json(new { rows, total = rows[^1] });
        });

        reports.MapGet("/unpaid", async (string tenantId, string? planId, string? grade, string? @class, string? format, HttpContext http, IDocumentStore store) =>
        {
            http.RequireTenantAccess(tenantId, CampusAccess.Staff);
            var unpaid = (await CollectionReports.Bills(store, tenantId, planId, grade, @class)).Where(b => b.Outstanding > 0)
                .OrderBy(b => b.Grade, StringComparer.Ordinal).ThenBy(b => b.Class, StringComparer.Ordinal).ThenBy(b => b.StudentNumber, StringComparer.Ordinal).ToList();
            return IsXlsx(format)
                ? Xlsx.File(Xlsx.Write(CollectionReports.BillSheet(unpaid), "未缴名单"), "unpaid.xlsx")
                : Results.Json(new { items = unpaid, count = unpaid.Count, outstanding = unpaid.Sum(b => b.Outstanding) });
        });

        reports.MapGet("/collections", async (string tenantId, DateTimeOffset? from, DateTimeOffset? to, string? format, HttpContext http, IDocumentStore store) =>
        {
            http.RequireTenantAccess(tenantId, CampusAccess.Staff);
            await using var session = store.QuerySession(tenantId);
            var query = session.Query<CollectionEntry>().AsQueryable();
            if (from is not null) query = query.Where(e => e.At >= from);
            if (to is not null) query = query.Where(e => e.At < to);
            var entries = await query.OrderBy(e => e.At).Take(100_000).ToListAsync();
            return IsXlsx(format)
                ? Xlsx.File(Xlsx.Write(CollectionReports.JournalSheet(entries), "收款流水"), "collections.xlsx")
                : Results.Json(new { items = entries, total = entries.Sum(e => e.Amount) });
        });
    }

    static bool IsXlsx(string? format) => format switch
    {
        null or "json" => false,
        "xlsx" => true,
        _ => throw ProblemException.Invalid("format", "format must be json or xlsx."),
    };
}
