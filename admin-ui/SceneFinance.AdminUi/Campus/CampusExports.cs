using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.AdminUi.Shell;
using SceneFinance.Platform.Exports;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Time;
using SceneFinance.Scenes.Campus.Attendance;
using SceneFinance.Scenes.Campus.Billing;
using SceneFinance.Scenes.Campus.PlanningFees;
using SceneFinance.Scenes.Campus.Waiving;
using SceneFinance.Scenes.Campus.ImportingRosters;
using SceneFinance.Scenes.Campus.Reporting;

namespace SceneFinance.AdminUi.Campus;

/// <summary>
/// The campus pages' downloads, for the signed-in person (cookie): the same slice functions and sheets as the API's <c>format=xlsx</c>
/// reports, headers and codes in the person's language, times in the school's zone. And the pages' old addresses, redirected.
/// </summary>
public static class CampusExports
{
    public static IEndpointRouteBuilder MapCampusPages(this IEndpointRouteBuilder app)
    {
        var exports = app.MapGroup("/admin/export/campus").RequireAuthorization().ExcludeFromDescription();

        exports.MapGet("/collection.xlsx", async (string tenantId, string? planId, HttpContext http, IDocumentStore store, TenantClock clock) =>
        {
            var report = await CollectionReports.Collection(http.User, store, tenantId, Blank(planId), null).OrThrow();
            return Xlsx.File(CampusSheets.Overview(report.Rows, await Zone(clock, tenantId), Words(http)), "collection-overview.xlsx");
        });

        exports.MapGet("/unpaid.xlsx", async (string tenantId, string? planId, HttpContext http, IDocumentStore store, TenantClock clock) =>
        {
            var report = await CollectionReports.Unpaid(http.User, store, tenantId, Blank(planId), null, null).OrThrow();
            return Xlsx.File(CampusSheets.Bills(report.Items, await Zone(clock, tenantId), Words(http)), "unpaid.xlsx");
        });

        exports.MapGet("/collections.xlsx", async (string tenantId, HttpContext http, IDocumentStore store, TenantClock clock) =>
        {
            var journal = await CollectionReports.Collections(http.User, store, tenantId, null, null).OrThrow();
            return Xlsx.File(CampusSheets.Journal(journal.Items, await Zone(clock, tenantId), Words(http)), "collections.xlsx");
        });

        exports.MapGet("/bills.xlsx", async (string tenantId, string? planId, string? status, string? grade, string? @class, string? studentNumber,
            HttpContext http, IDocumentStore store, TenantClock clock) =>
        {
            var bills = await BillEndpoints.List(http.User, store, tenantId,
                new BillQuery(Blank(grade), Blank(@class), Blank(status), Blank(planId), Blank(studentNumber), 5000)).OrThrow();
            return Xlsx.File(CampusSheets.AllBills(bills.Items, await Zone(clock, tenantId), Words(http)), "bills.xlsx");
        });

        exports.MapGet("/waivers.xlsx", async (string tenantId, string? status, HttpContext http, IDocumentStore store, TenantClock clock) =>
        {
            var waivers = await WaiverEndpoints.List(http.User, store, tenantId, Blank(status)).OrThrow();
            return Xlsx.File(CampusSheets.Waivers(waivers.Items, await Zone(clock, tenantId), Words(http)), "waivers.xlsx");
        });

        exports.MapGet("/leavers.xlsx", async (string tenantId, HttpContext http, IDocumentStore store, IGrainFactory grains, TenantClock clock) =>
        {
            var leavers = await Scenes.Campus.Leaving.Leavers.All(http.User, store, grains, tenantId);
            return Xlsx.File(Scenes.Campus.Leaving.Leavers.Sheet(leavers, await Zone(clock, tenantId), Words(http)), "leavers.xlsx");
        });

        exports.MapGet("/plans.xlsx", async (string tenantId, HttpContext http, IDocumentStore store, TenantClock clock) =>
        {
            var plans = await FeePlanEndpoints.List(http.User, store, tenantId).OrThrow();
            return Xlsx.File(CampusSheets.Plans(plans.Items, await Zone(clock, tenantId), Words(http)), "fee-plans.xlsx");
        });

        exports.MapGet("/attendance.xlsx", async (string tenantId, DateOnly date, string? grade, string? @class, HttpContext http, IDocumentStore store, TenantClock clock) =>
        {
            var day = await AttendanceEndpoints.Day(http.User, store, tenantId, date, Blank(grade), Blank(@class)).OrThrow();
            return Xlsx.File(CampusSheets.Attendance(day.Items, await Zone(clock, tenantId), Words(http)), $"attendance-{date:yyyy-MM-dd}.xlsx");
        });

        exports.MapGet("/rejected.xlsx", async (string tenantId, string importId, HttpContext http, IDocumentStore store) =>
        {
            var import = await RosterImportEndpoints.Get(http.User, store, tenantId, importId).OrThrow();
            return Xlsx.File(RosterImportEndpoints.RejectedXlsx(import, Words(http)), $"rejected-{import.Id}.xlsx");
        });

        // The pages lived at /campus...?tenant=x before they joined the shell: old links and bookmarks still arrive.
        foreach (var page in new[] { "", "/import", "/attendance" }) // the pages that existed then
            app.MapGet("/campus" + page, (string? tenant, HttpContext http) =>
                (tenant ?? http.User.FindFirst(Roles.TenantClaim)?.Value) is { Length: > 0 } id
                    ? Results.LocalRedirect($"/t/{Uri.EscapeDataString(id)}/campus{page}")
                    : Results.LocalRedirect(http.User.Identity?.IsAuthenticated == true ? "/" : "/login"))
                .ExcludeFromDescription();
        return app;
    }

    /// <summary>A filter the page left empty is no filter.</summary>
    static string? Blank(string? filter) => string.IsNullOrWhiteSpace(filter) ? null : filter;

    static async Task<TimeZoneInfo> Zone(TenantClock clock, string tenantId) => (await clock.For(tenantId)).Zone;

    static SheetWords Words(HttpContext http)
    {
        var text = new Text();
        text.Use(http.Request.Cookies[Text.Cookie]);
        return text.Sheet();
    }
}
