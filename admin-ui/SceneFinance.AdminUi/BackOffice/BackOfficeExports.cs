using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.AdminUi.Exports;
using SceneFinance.BackOffice;
using SceneFinance.BackOffice.DayEnd;
using SceneFinance.BackOffice.Settling;
using SceneFinance.Platform.Exports;
using SceneFinance.Platform.Time;

namespace SceneFinance.AdminUi.BackOffice;

/// <summary>
/// The back office's downloads for the signed-in person (cookie), through the same slice functions as the pages and the API:
/// the payout file (.xlsx and .csv), a party's statement, a day's report, the daily overview, the exceptions and payouts.
/// </summary>
public static class BackOfficeExports
{
    public static void MapBackOfficeExports(this IEndpointRouteBuilder app)
    {
        var exports = app.MapGroup("/admin/export").RequireAuthorization().ExcludeFromDescription();

        exports.MapGet("/payouts.xlsx", async (string tenantId, string day, HttpContext http, IGrainFactory grains, IDocumentStore store, AccountNumbers numbers, TenantClock clock) =>
        {
            var t = Spreadsheets.Language(http);
            var lines = await SettlementEndpoints.PayoutFile(http.User, grains, store, numbers, tenantId, day);
            return Xlsx.File(PayoutFiles.Xlsx(lines, (await clock.For(tenantId)).Zone, h => t[h]), $"payouts-{day}.xlsx");
        });

        exports.MapGet("/payouts.csv", async (string tenantId, string day, HttpContext http, IGrainFactory grains, IDocumentStore store, AccountNumbers numbers) =>
            Results.File(PayoutFiles.Csv(await SettlementEndpoints.PayoutFile(http.User, grains, store, numbers, tenantId, day)), "text/csv; charset=utf-8", $"payouts-{day}.csv"));

        exports.MapGet("/statement.xlsx", async (string tenantId, string partyId, string day, HttpContext http, IGrainFactory grains, IDocumentStore store, TenantClock clock) =>
        {
            var t = Spreadsheets.Language(http);
            var statement = (await SettlementSlices.Statement(http.User, grains, store, tenantId, partyId, day)).OrThrow();
            return Xlsx.File(PayoutFiles.StatementXlsx(statement, (await clock.For(tenantId)).Zone, h => t[h]), $"statement-{partyId}-{day}.xlsx");
        });

        exports.MapGet("/day-report.xlsx", async (string tenantId, string day, HttpContext http, IGrainFactory grains, IDocumentStore store, TenantClock clock, TimeProvider now) =>
        {
            var t = Spreadsheets.Language(http);
            var report = (await DayEndEndpoints.Report(http.User, grains, store, tenantId, day, now.GetUtcNow())).OrThrow();
            return Xlsx.File(Xlsx.Write((await clock.For(tenantId)).Zone, Xlsx.Sheet(t["Day-end report"] + " " + day, report.Accounts,
                Xlsx.Text<AccountDay>(t["Account"], a => a.Account),
                Xlsx.Yuan<AccountDay>(t["Opening"], a => a.Opening),
                Xlsx.Yuan<AccountDay>(t["Debit"], a => a.Debit),
                Xlsx.Yuan<AccountDay>(t["Credit"], a => a.Credit),
                Xlsx.Yuan<AccountDay>(t["Closing"], a => a.Closing))), $"day-report-{day}.xlsx");
        });

        exports.MapGet("/overview.xlsx", async (string day, HttpContext http, IDocumentStore store) =>
        {
            var t = Spreadsheets.Language(http);
            var rows = await BankViews.Overview(http.User, store, Access.Day(day));
            return Xlsx.File(Xlsx.Write(Zones.Find(Zones.Default), Xlsx.Sheet(t["Daily overview"], rows,
                Xlsx.Date<OverviewRow>(t["Business day"], r => r.Day),
                Xlsx.Text<OverviewRow>(t["Tenant"], r => r.Tenant),
                Xlsx.Text<OverviewRow>(t["Scene"], r => t[r.Scene]),
                Xlsx.Text<OverviewRow>(t["Channel"], r => t[r.Channel]),
                Xlsx.Yuan<OverviewRow>(t["In (yuan)"], r => r.In),
                Xlsx.Yuan<OverviewRow>(t["Out (yuan)"], r => r.Out))), $"overview-{day}.xlsx");
        });

        exports.MapGet("/exceptions.xlsx", async (bool? unresolved, HttpContext http, IDocumentStore store) =>
        {
            var t = Spreadsheets.Language(http);
            var (rows, _) = await BankViews.Exceptions(http.User, store, unresolved ?? false, 0, BankViews.MaxExport);
            return Xlsx.File(Xlsx.Write(Zones.Find(Zones.Default), Xlsx.Sheet(t["Reconciliation exceptions"], rows,
                Xlsx.Date<TenantException>(t["Business day"], r => r.Exception.Day),
                Xlsx.Text<TenantException>(t["Tenant"], r => r.Tenant),
                Xlsx.Text<TenantException>(t["Kind"], r => t[r.Exception.Kind]),
                Xlsx.Text<TenantException>(t["Source"], r => r.Exception.Source),
                Xlsx.Text<TenantException>(t["Subject"], r => r.Exception.Subject),
                Xlsx.Yuan<TenantException>(t["Ours"], r => r.Exception.Ours),
                Xlsx.Yuan<TenantException>(t["Theirs"], r => r.Exception.Theirs),
                Xlsx.Text<TenantException>(t["Status"], r => t[r.Exception.Status]),
                Xlsx.Time<TenantException>(t["Raised"], r => r.Exception.RaisedAt))), "exceptions.xlsx");
        });

        exports.MapGet("/tenant-payouts.xlsx", async (string tenantId, HttpContext http, IGrainFactory grains, IDocumentStore store, TenantClock clock) =>
        {
            var t = Spreadsheets.Language(http);
            var payouts = (await SettlementSlices.Payouts(http.User, grains, store, tenantId, null, null)).Items;
            return Xlsx.File(Xlsx.Write((await clock.For(tenantId)).Zone, Xlsx.Sheet(t["Payouts"], payouts,
                Xlsx.Date<PayoutView>(t["Business day"], p => p.Day),
                Xlsx.Text<PayoutView>(t["Payee"], p => p.PartyName),
                Xlsx.Text<PayoutView>(t["Account number"], p => p.AccountNumber),
                Xlsx.Yuan<PayoutView>(t["Amount"], p => p.Amount),
                Xlsx.Text<PayoutView>(t["Status"], p => t[p.Status]),
                Xlsx.Time<PayoutView>(t["Updated"], p => p.UpdatedAt))), "payouts.xlsx");
        });
    }
}
