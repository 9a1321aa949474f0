using System.Security.Claims;
using Marten;
using Marten.Pagination;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Grains.Canteen;
using SceneFinance.Grains.Terminals;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Time;

namespace SceneFinance.Scenes.Canteen.Reporting;

/// <summary>A line of the day's sales: what was taken (amount), by how many taps, and what voids and refunds gave back that day.</summary>
public sealed record SalesLine(string Key, string Name, int Taps, long Amount, long Refunded)
{
    public long Net => Amount - Refunded;
}

/// <summary>
/// One local day of card sales: per merchant, per stall (a till of a merchant), per meal period and per purse (cash, the
/// general subsidy, each program's subsidy, each campaign's part, arrears). Sales count on the day of the tap; voids and
/// refunds on the day they were made.
/// </summary>
public sealed record DailySalesReport(
    DateOnly Date, int Taps, long Amount, long Refunded, IReadOnlyList<SalesLine> ByMerchant, IReadOnlyList<SalesLine> ByStall,
    IReadOnlyList<SalesLine> ByMealPeriod, IReadOnlyList<SalesLine> ByPurse)
{
    public long Net => Amount - Refunded;
}

public sealed record SalesPage(IReadOnlyList<Sale> Items, long Total);

public static class DailySales
{
    public static void MapDailySales(this IEndpointRouteBuilder canteen)
    {
        canteen.MapGet("/reports/daily-sales", async (string tenantId, DateOnly? date, HttpContext http, IDocumentStore store, TenantClock clock) =>
                TypedResults.Ok(await Report(http.User, store, clock, tenantId, date)))
            .Doc("getDailySales", "A day's card sales per merchant, stall, meal period and purse, with voids and refunds",
                "date is a local day (default: today in the tenant's zone). Purses: cash, subsidy (general), subsidy:{programId}, campaign:{campaignId} "
                + "(the marketing account's part), arrears. Amounts in fen; net = amount - refunded. The shell exports it as .xlsx.");

        canteen.MapGet("/sales", async (string tenantId, DateOnly? date, string? terminalId, int? page, int? size, HttpContext http, IDocumentStore store, TenantClock clock) =>
            {
                var (items, total) = await Page(http.User, store, clock, tenantId, date, terminalId, page ?? 0, size ?? 50);
                return TypedResults.Ok(new SalesPage(items, total));
            })
            .Doc("listSales", "A day's card payments, newest first (to void or refund one)", "Filter by terminalId; page from 0, size up to 500.");
    }

    public static async Task<DailySalesReport> Report(ClaimsPrincipal user, IDocumentStore store, TenantClock clock, string tenantId, DateOnly? date)
    {
        user.RequireTenantAccess(tenantId, CanteenAccess.Readers);
        var day = date ?? (await clock.For(tenantId)).Today;
        await using var session = store.QuerySession(tenantId);
        var sales = await session.Query<Sale>().Where(s => s.LocalDay == day).ToListAsync();
        var refunds = await session.Query<SaleRefund>().Where(r => r.LocalDay == day).ToListAsync();
        var merchants = (await session.Query<MerchantListing>().ToListAsync()).ToDictionary(m => m.Id, m => m.Name);
        var stalls = (await session.Query<TerminalRecord>().Select(t => new { t.Id, t.Name }).ToListAsync()).ToDictionary(t => t.Id, t => t.Name);
        var purses = (await session.Query<Subsidies.SubsidyProgram>().Select(p => new { p.Id, p.Name }).ToListAsync()).ToDictionary(p => "subsidy:" + p.Id, p => p.Name);
        foreach (var c in await session.Query<Campaigns.CampaignListing>().Select(c => new { c.Id, c.Name }).ToListAsync()) purses["campaign:" + c.Id] = c.Name;

        static List<SalesLine> By(IEnumerable<(string Key, long Amount, int Taps)> sold, IEnumerable<(string Key, long Amount)> back, Func<string, string> name) =>
            sold.Select(s => (s.Key, s.Amount, s.Taps, Back: 0L)).Concat(back.Select(b => (b.Key, Amount: 0L, Taps: 0, Back: b.Amount)))
                .GroupBy(x => x.Key)
                .Select(g => new SalesLine(g.Key, name(g.Key), g.Sum(x => x.Taps), g.Sum(x => x.Amount), g.Sum(x => x.Back)))
                .OrderByDescending(l => l.Amount).ThenBy(l => l.Key, StringComparer.Ordinal)
                .ToList();

        var byMerchant = By(sales.Select(s => (s.MerchantId, s.Amount, 1)), refunds.Select(r => (r.MerchantId, r.Amount)), k => merchants.GetValueOrDefault(k, k));
        var byStall = By(sales.Select(s => (s.TerminalId, s.Amount, 1)), refunds.Select(r => (r.TerminalId, r.Amount)), k => stalls.GetValueOrDefault(k, k));
        var byMeal = By(sales.Select(s => (s.MealPeriod ?? "", s.Amount, 1)), refunds.Select(r => (r.MealPeriod ?? "", r.Amount)), k => k);
        var byPurse = By(sales.SelectMany(PurseParts), refunds.SelectMany(RefundParts), k => purses.GetValueOrDefault(k, k));
        return new DailySalesReport(day, sales.Count, sales.Sum(s => s.Amount), refunds.Sum(r => r.Amount), byMerchant, byStall, byMeal, byPurse);
    }

    static IEnumerable<(string Key, long Amount, int Taps)> PurseParts(Sale s)
    {
        foreach (var part in s.Parts) yield return (part.Label, part.Amount, 0);
        if (s.Discount > 0) yield return ($"campaign:{s.CampaignId}", s.Discount, 0);
        if (s.Shortfall > 0) yield return ("arrears", s.Shortfall, 0);
    }

    static IEnumerable<(string Key, long Amount)> RefundParts(SaleRefund r)
    {
        foreach (var part in r.ToPurses) yield return (part.Label, part.Amount);
        if (r.ToFunders > 0) yield return ("funders", r.ToFunders);
        if (r.ToMarketing > 0) yield return ("campaign", r.ToMarketing);
        if (r.ArrearsCleared > 0) yield return ("arrears", r.ArrearsCleared);
    }

    public static async Task<(IReadOnlyList<Sale> Items, long Total)> Page(ClaimsPrincipal user, IDocumentStore store, TenantClock clock, string tenantId,
        DateOnly? date, string? terminalId, int page, int size)
    {
        user.RequireTenantAccess(tenantId, CanteenAccess.Readers);
        new Validation().Require(page >= 0, "page", "page is 0 or more.").Require(size is >= 1 and <= 500, "size", "size is 1 to 500.").ThrowIfInvalid();
        var day = date ?? (await clock.For(tenantId)).Today;
        await using var session = store.QuerySession(tenantId);
        var query = session.Query<Sale>().Where(s => s.LocalDay == day);
        if (terminalId is not null) query = query.Where(s => s.TerminalId == terminalId);
        var found = await query.OrderByDescending(s => s.ApprovedAt).ToPagedListAsync(page + 1, size);
        return (found.ToList(), found.TotalItemCount);
    }
}
