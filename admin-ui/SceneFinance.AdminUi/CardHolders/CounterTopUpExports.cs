using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.AdminUi.Exports;
using SceneFinance.Platform.Exports;
using SceneFinance.Platform.Time;
using SceneFinance.Grains;
using SceneFinance.Scenes.CardHolders;

namespace SceneFinance.AdminUi.CardHolders;

/// <summary>The till report's counter top-ups of a day as .xlsx: each person's count and total (numeric yuan cells).</summary>
public static class CounterTopUpExports
{
    public static void MapCounterTopUpExports(this IEndpointRouteBuilder app) =>
        app.MapGroup("/admin/export").RequireAuthorization().ExcludeFromDescription()
            .MapGet("/counter-topups.xlsx", async (string tenantId, string? day, HttpContext http, IDocumentStore store, ICounterTopUpLedger ledger, TenantClock clocks) =>
            {
                var t = Spreadsheets.Language(http);
                var report = (await CounterTopUps.Daily(http.User, store, ledger, clocks, tenantId, day)).OrThrow();
                return Xlsx.File(Xlsx.Write((await clocks.For(tenantId)).Zone, Xlsx.Sheet(t["Counter top-ups by person"], report.Items,
                    Xlsx.Date<CashierTopUps>(t["Date"], _ => report.Day),
                    Xlsx.Text<CashierTopUps>(t["Person (user id)"], r => r.CashierId),
                    Xlsx.Number<CashierTopUps>(t["Count"], r => r.Count),
                    Xlsx.Yuan<CashierTopUps>(t["Amount (yuan)"], r => r.Amount),
                    Xlsx.Yuan<CashierTopUps>(t["Daily limit per person"], _ => report.Limit))), $"counter-topups-{report.Day:yyyy-MM-dd}.xlsx");
            });
}
