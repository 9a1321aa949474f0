using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Platform.Exports;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Time;

namespace SceneFinance.Scenes.Campus.Reporting;

public static class ReportEndpoints
{
    public static void MapCampusReports(this IEndpointRouteBuilder api)
    {
        var reports = api.MapGroup("/tenants/{tenantId}/campus/reports").WithTags("Campus");

        reports.MapGet("/collection", async (string tenantId, string? planId, string? grade, string? format, HttpContext http, IDocumentStore store, TenantClock clock) =>
                await Answer(await CollectionReports.Collection(http.User, store, tenantId, planId, grade), format, clock, tenantId,
                    (r, zone) => (CampusSheets.Overview(r.Rows, zone, SheetWords.Bilingual), "collection-overview.xlsx")))
            .Doc("getCollectionReport", "Collection by grade and class, with grade subtotals and the school's total",
                "format=xlsx for the spreadsheet (amounts are numbers in yuan).")
            .Produces<CollectionReport>(StatusCodes.Status200OK, "application/json", Xlsx.ContentType);

        reports.MapGet("/unpaid", async (string tenantId, string? planId, string? grade, string? @class, string? format, HttpContext http, IDocumentStore store, TenantClock clock) =>
                await Answer(await CollectionReports.Unpaid(http.User, store, tenantId, planId, grade, @class), format, clock, tenantId,
                    (r, zone) => (CampusSheets.Bills(r.Items, zone, SheetWords.Bilingual), "unpaid.xlsx")))
            .Doc("getUnpaidReport", "Every bill with something outstanding", "format=xlsx for the spreadsheet.")
            .Produces<UnpaidReport>(StatusCodes.Status200OK, "application/json", Xlsx.ContentType);

        reports.MapGet("/collections", async (string tenantId, DateTimeOffset? from, DateTimeOffset? to, string? format, HttpContext http, IDocumentStore store, TenantClock clock) =>
                await Answer(await CollectionReports.Collections(http.User, store, tenantId, from, to), format, clock, tenantId,
                    (r, zone) => (CampusSheets.Journal(r.Items, zone, SheetWords.Bilingual), "collections.xlsx")))
            .Doc("getCollectionsJournal", "The collections journal: payments applied to bills and refunds, oldest first",
                "from (inclusive) and to (exclusive) are times with an offset; format=xlsx for the spreadsheet (times in the school's zone).")
            .Produces<CollectionsJournal>(StatusCodes.Status200OK, "application/json", Xlsx.ContentType);
    }

    /// <summary>A report as JSON, or (<c>format=xlsx</c>) as the same report's spreadsheet, times in the school's zone.</summary>
    public static async Task<Results<Ok<T>, FileContentHttpResult, ProblemHttpResult>> Answer<T>(Outcome<T> report, string? format, TenantClock clock, string tenantId,
        Func<T, TimeZoneInfo, (byte[] Content, string Name)> sheet)
    {
        if (report.Refusal is { } refused) return refused.ToProblem();
        if (!IsXlsx(format)) return TypedResults.Ok(report.Value!);
        var (content, name) = sheet(report.Value!, (await clock.For(tenantId)).Zone);
        return TypedResults.File(content, Xlsx.ContentType, name);
    }

    static bool IsXlsx(string? format) => format switch
    {
        null or "json" => false,
        "xlsx" => true,
        _ => throw ProblemException.Invalid("format", "format must be json or xlsx."),
    };
}
