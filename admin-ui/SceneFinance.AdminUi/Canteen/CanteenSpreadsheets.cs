using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.AdminUi.Campus;
using SceneFinance.AdminUi.Shell;
using SceneFinance.Grains;
using SceneFinance.Grains.Canteen;
using SceneFinance.Platform.Exports;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Time;
using SceneFinance.Scenes.Canteen.Campaigns;
using SceneFinance.Scenes.Canteen.Merchants;
using SceneFinance.Scenes.Canteen.OfflineTills;
using SceneFinance.Scenes.Canteen.Reporting;
using SceneFinance.Scenes.Canteen.Subsidies;

namespace SceneFinance.AdminUi.Canteen;

/// <summary>
/// The canteen's pages as .xlsx, for the signed-in person (cookie), through the same slice functions (same checks): headers in
/// the person's language, amounts as numbers in yuan, times and days as date cells in the tenant's zone, ids as text.
/// </summary>
public static class CanteenSpreadsheets
{
    public static void MapCanteenSpreadsheets(this IEndpointRouteBuilder app)
    {
        var exports = app.MapGroup("/admin/export/canteen").RequireAuthorization().ExcludeFromDescription();

        exports.MapGet("/merchants.xlsx", async (string tenantId, HttpContext http, IDocumentStore store, IGrainFactory grains, TenantClock clock) =>
        {
            var t = Language(http);
            var merchants = await MerchantEndpoints.List(http.User, store, tenantId);
            var terminals = (await Task.WhenAll(merchants.Select(async m => (Merchant: m, Terminals: await MerchantEndpoints.Terminals(store, grains, tenantId, m.Id)))))
                .SelectMany(x => x.Terminals.Select(terminal => (x.Merchant, Terminal: terminal))).ToList();
            return File(await clock.For(tenantId), "merchants",
                Xlsx.Sheet(t["Merchants"], merchants,
                    Xlsx.Text<MerchantView>(t["Merchant id"], m => m.Id), Xlsx.Text<MerchantView>(t["Name"], m => m.Name),
                    Xlsx.Text<MerchantView>(t["Merchant category"], m => t[$"category:{m.Category}"]), Xlsx.Text<MerchantView>(t["Status"], m => t[m.Status]),
                    Xlsx.Time<MerchantView>(t["Created"], m => m.CreatedAt)),
                Xlsx.Sheet(t["Terminals"], terminals,
                    Xlsx.Text<(MerchantView Merchant, TerminalView Terminal)>(t["Merchant"], x => x.Merchant.Name),
                    Xlsx.Text<(MerchantView Merchant, TerminalView Terminal)>(t["Terminal id"], x => x.Terminal.Id),
                    Xlsx.Text<(MerchantView Merchant, TerminalView Terminal)>(t["Name"], x => x.Terminal.Name),
                    Xlsx.Text<(MerchantView Merchant, TerminalView Terminal)>(t["Status"], x => t[x.Terminal.Status]),
                    Xlsx.Time<(MerchantView Merchant, TerminalView Terminal)>(t["Last seen"], x => x.Terminal.LastSeenAt)));
        });

        exports.MapGet("/subsidies.xlsx", async (string tenantId, HttpContext http, IDocumentStore store, TenantClock clock) =>
        {
            var t = Language(http);
            var programs = await SubsidyPrograms.List(http.User, store, tenantId);
            var runs = (await Task.WhenAll(programs.Select(p => SubsidyPrograms.Runs(http.User, store, tenantId, p.Program.Id)))).SelectMany(r => r).ToList();
            return File(await clock.For(tenantId), "subsidies",
                Xlsx.Sheet(t["Subsidy programs"], programs,
                    Xlsx.Text<SubsidyProgramView>(t["Name"], p => p.Program.Name), Xlsx.Text<SubsidyProgramView>(t["Funder"], p => p.Program.Funder),
                    Xlsx.Text<SubsidyProgramView>(t["Funder account"], p => p.FunderAccount), Xlsx.Yuan<SubsidyProgramView>(t["Amount per person (yuan)"], p => p.Program.AmountPerPerson),
                    Xlsx.Yuan<SubsidyProgramView>(t["Granted"], p => p.Figures.Granted), Xlsx.Yuan<SubsidyProgramView>(t["Spent"], p => p.Figures.Spent),
                    Xlsx.Yuan<SubsidyProgramView>(t["Returned"], p => p.Figures.Returned), Xlsx.Yuan<SubsidyProgramView>(t["Left in purses"], p => p.Figures.Outstanding),
                    Xlsx.Text<SubsidyProgramView>(t["Status"], p => t[p.Program.Status])),
                Xlsx.Sheet(t["Runs"], runs,
                    Xlsx.Text<SubsidyRunView>(t["Subsidy program"], r => programs.FirstOrDefault(p => p.Program.Id == r.ProgramId)?.Program.Name),
                    Xlsx.Text<SubsidyRunView>(t["Action"], r => t[r.Action]), Xlsx.Text<SubsidyRunView>(t["Period"], r => r.PeriodKey),
                    Xlsx.Text<SubsidyRunView>(t["Status"], r => t[r.Status]), Xlsx.Number<SubsidyRunView>(t["Holders"], r => r.Total),
                    Xlsx.Number<SubsidyRunView>(t["Changed"], r => r.Changed), Xlsx.Yuan<SubsidyRunView>(t["Amount (yuan)"], r => r.Amount),
                    Xlsx.Time<SubsidyRunView>(t["Time"], r => r.QueuedAt)));
        });

        exports.MapGet("/campaign.xlsx", async (string tenantId, string campaignId, HttpContext http, IDocumentStore store, IGrainFactory grains, TenantClock clock) =>
        {
            var t = Language(http);
            var report = await CampaignReports.Report(http.User, store, grains, tenantId, campaignId).OrThrow();
            var totals = new[] { report };
            return File(await clock.For(tenantId), "campaign",
                Xlsx.Sheet(t["Uptake per day"], report.Days,
                    Xlsx.Date<CampaignDay>(t["Date"], d => d.Day), Xlsx.Number<CampaignDay>(t["Taps"], d => d.Taps),
                    Xlsx.Number<CampaignDay>(t["Unique holders"], d => d.UniqueHolders), Xlsx.Yuan<CampaignDay>(t["Cost (yuan)"], d => d.Cost)),
                Xlsx.Sheet(t["Total"], totals,
                    Xlsx.Text<CampaignReport>(t["Name"], r => r.Campaign.Definition.Name), Xlsx.Yuan<CampaignReport>(t["Budget"], r => r.Campaign.Definition.Budget),
                    Xlsx.Number<CampaignReport>(t["Taps"], r => r.Taps), Xlsx.Number<CampaignReport>(t["Unique holders"], r => r.UniqueHolders),
                    Xlsx.Yuan<CampaignReport>(t["Cost (yuan)"], r => r.Cost), Xlsx.Yuan<CampaignReport>(t["Remaining"], r => r.Remaining)));
        });

        exports.MapGet("/exceptions.xlsx", async (string tenantId, HttpContext http, IDocumentStore store, TenantClock clock) =>
        {
            var t = Language(http);
            var (exceptions, _) = await OfflineTillEndpoints.Exceptions(http.User, store, tenantId, null, null, null, 0, 500);
            var (arrears, _) = await OfflineTillEndpoints.Arrears(http.User, store, tenantId, 0, 500);
            return File(await clock.For(tenantId), "offline-exceptions",
                Xlsx.Sheet(t["Offline exceptions"], exceptions,
                    Xlsx.Time<OfflineException>(t["Time"], e => e.OccurredAt), Xlsx.Text<OfflineException>(t["Reason"], e => t[e.Reason]),
                    Xlsx.Text<OfflineException>(t["Card"], e => "****" + e.CardLast4), Xlsx.Yuan<OfflineException>(t["Amount (yuan)"], e => e.Amount),
                    Xlsx.Yuan<OfflineException>(t["Arrears (yuan)"], e => e.Shortfall), Xlsx.Text<OfflineException>(t["Terminal id"], e => e.TerminalId),
                    Xlsx.Number<OfflineException>(t["List version"], e => e.ListVersion)),
                Xlsx.Sheet(t["Arrears"], arrears,
                    Xlsx.Text<ArrearsListing>(t["External id"], a => a.ExternalId), Xlsx.Text<ArrearsListing>(t["Name"], a => a.Name),
                    Xlsx.Yuan<ArrearsListing>(t["Owed (yuan)"], a => a.Outstanding)));
        });

        // The staff import's refused rows: the campus roster's one row-error file, in the person's language.
        exports.MapGet("/staff-rejected.xlsx", async (string tenantId, string importId, HttpContext http, IDocumentStore store) =>
        {
            var import = await Scenes.Canteen.Staff.StaffImports.Get(http.User, store, tenantId, importId).OrThrow();
            return Xlsx.File(Scenes.Campus.ImportingRosters.RosterImportEndpoints.RejectedXlsx(import, Language(http).Sheet()), $"rejected-{import.Id}.xlsx");
        });

        exports.MapGet("/daily-sales.xlsx", async (string tenantId, string? date, HttpContext http, IDocumentStore store, TenantClock clock) =>
        {
            var t = Language(http);
            var day = Validation.TryDay(date, out var d) ? d : (DateOnly?)null;
            var report = await DailySales.Report(http.User, store, clock, tenantId, day);
            var (sales, _) = await DailySales.Page(http.User, store, clock, tenantId, report.Date, null, 0, 500);
            ISheet Lines(string title, IReadOnlyList<SalesLine> lines, bool taps = true) => Xlsx.Sheet(title, lines,
                Xlsx.Text<SalesLine>(title, l => l.Name != l.Key ? l.Name : t[l.Key.Length == 0 ? "outside meal periods" : l.Key]),
                Xlsx.Number<SalesLine>(t["Taps"], l => taps ? l.Taps : null), Xlsx.Yuan<SalesLine>(t["Amount (yuan)"], l => l.Amount),
                Xlsx.Yuan<SalesLine>(t["Refunded"], l => l.Refunded), Xlsx.Yuan<SalesLine>(t["Net"], l => l.Net));
            return File(await clock.For(tenantId), $"daily-sales-{report.Date:yyyyMMdd}",
                Lines(t["By merchant"], report.ByMerchant), Lines(t["By stall"], report.ByStall), Lines(t["By meal period"], report.ByMealPeriod),
                Lines(t["By purse"], report.ByPurse, taps: false),
                Xlsx.Sheet(t["Payments"], sales,
                    Xlsx.Time<Sale>(t["Time"], s => s.OccurredAt), Xlsx.Text<Sale>(t["Payment id"], s => s.Id), Xlsx.Text<Sale>(t["Card"], s => "****" + s.CardLast4),
                    Xlsx.Text<Sale>(t["Terminal id"], s => s.TerminalId), Xlsx.Text<Sale>(t["Meal period"], s => s.MealPeriod is { } m ? t[m] : null),
                    Xlsx.Yuan<Sale>(t["Amount (yuan)"], s => s.Amount), Xlsx.Yuan<Sale>(t["Paid by the holder"], s => s.Paid),
                    Xlsx.Yuan<Sale>(t["Campaign"], s => s.Discount), Xlsx.Yuan<Sale>(t["Refunded"], s => s.Refunded)));
        });
    }

    static Text Language(HttpContext http)
    {
        var text = new Text();
        text.Use(http.Request.Cookies[Text.Cookie]);
        return text;
    }

    static IResult File(TenantTime time, string name, params ISheet[] sheets) =>
        Xlsx.File(Xlsx.Write(time.Zone, sheets), $"{name}-{time.Local(time.Now):yyyyMMdd-HHmmss}.xlsx");
}
