using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MiniExcelLibs;
using SceneFinance.Grains;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Scenes.Hospital.Patients;

namespace SceneFinance.Scenes.Hospital.Reporting;

/// <summary>One line of the day: who took the money (a kiosk, a cashier, the HIS, the nightly job), what for, with what.</summary>
public sealed record ReportLine(string Source, string Kind, string Tender, string Channel, int Count, long Amount);

public sealed record TotalLine(string Key, long Paid, long Refunded, long Net);

public sealed record DailyReportView(string Date, IReadOnlyList<ReportLine> Lines, IReadOnlyList<TotalLine> ByChannel, IReadOnlyList<TotalLine> ByTender,
    long TotalPaid, long TotalRefunded);

/// <summary>
/// The cashier and kiosk day: every committed hospital money event of the tenant's local day, summed by source, by channel
/// and by tender. Read from the events themselves, so it cannot disagree with the accounts or the ledger.
/// </summary>
public static class DailyReport
{
    static readonly string[] Types = ["orders_paid", "deposit_paid_in", "credit_repaid", "credit_settlement_ran", "refund_executed", "refund_line_released"];

    public static async Task<DailyReportView> Build(IDocumentStore store, string tenantId, DateOnly date, TimeZoneInfo zone)
    {
        var start = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), zone.GetUtcOffset(date.ToDateTime(TimeOnly.MinValue))).ToUniversalTime();
        var end = start.AddDays(1);
        await using var session = store.QuerySession(tenantId);
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.Timestamp >= start && e.Timestamp < end && Types.Contains(e.EventTypeName))
            .ToListAsync();
        var paid = new List<(string Source, string Kind, string Tender, string Channel, long Amount)>();
        var refunded = new List<(string Tender, string Channel, long Amount)>();
        foreach (var e in events.Select(e => e.Data))
            switch (e)
            {
                case OrdersPaid p: paid.Add((p.Source, "orders", p.Tender, p.Channel ?? "-", p.Amount)); break;
                case DepositPaidIn d: paid.Add((d.Source, "deposit", Tenders.Channel, d.Channel, d.Amount)); break;
                case CreditRepaid c: paid.Add((c.Source, "credit-repayment", Tenders.Channel, c.Channel, c.Amount)); break;
                case CreditSettlementRan s when s.FromDeposit > 0: paid.Add(("nightly", "credit-settlement", Tenders.Deposit, "-", s.FromDeposit)); break;
                case RefundExecuted r: refunded.AddRange(r.Lines.Select(l => (l.Tender, l.Channel ?? "-", l.Amount))); break;
                case RefundLineReleased r: refunded.Add(("released", "-", -r.Amount)); break;
            }
        var lines = paid.GroupBy(p => (p.Source, p.Kind, p.Tender, p.Channel))
            .Select(g => new ReportLine(g.Key.Source, g.Key.Kind, g.Key.Tender, g.Key.Channel, g.Count(), g.Sum(x => x.Amount)))
            .Concat(refunded.GroupBy(r => (r.Tender, r.Channel)).Select(g => new ReportLine("refunds", "refund", g.Key.Tender, g.Key.Channel, g.Count(), -g.Sum(x => x.Amount))))
            .OrderBy(l => l.Source).ThenBy(l => l.Kind).ThenBy(l => l.Tender).ThenBy(l => l.Channel).ToList();
        static List<TotalLine> Totals(IEnumerable<(string Key, long Paid, long Refunded)> rows) => rows.GroupBy(r => r.Key)
            .Select(g => new TotalLine(g.Key, g.Sum(x => x.Paid), g.Sum(x => x.Refunded), g.Sum(x => x.Paid) - g.Sum(x => x.Refunded))).OrderBy(t => t.Key).ToList();
        var byChannel = Totals(paid.Where(p => p.Channel != "-").Select(p => (p.Channel, p.Amount, 0L))
            .Concat(refunded.Where(r => r.Channel != "-").Select(r => (r.Channel, 0L, r.Amount))));
        var byTender = Totals(paid.Select(p => (p.Tender, p.Amount, 0L)).Concat(refunded.Where(r => r.Tender != "released").Select(r => (r.Tender, 0L, r.Amount))));
        return new DailyReportView(date.ToString("yyyy-MM-dd"), lines, byChannel, byTender, paid.Sum(p => p.Amount), refunded.Sum(r => r.Amount));
    }

    public static readonly string[] Readers = [Roles.TenantAdmin, Roles.Finance, Roles.Cashier, Roles.Auditor];

    public static void MapDailyReport(IEndpointRouteBuilder hospital)
    {
        hospital.MapGet("/reports/daily", async (string tenantId, string? date, HttpContext http, IDocumentStore store, IGrainFactory grains, TimeProvider clock) =>
            TypedResults.Ok(await Report(http.User, store, grains, tenantId, date, clock.GetUtcNow())));

        hospital.MapGet("/reports/daily.xlsx", async (string tenantId, string? date, HttpContext http, IDocumentStore store, IGrainFactory grains, TimeProvider clock) =>
        {
            var report = await Report(http.User, store, grains, tenantId, date, clock.GetUtcNow());
            return Results.File(Xlsx(report), XlsxType, FileName(report));
        });
    }

    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static string FileName(DailyReportView report) => $"hospital-daily-{report.Date}.xlsx";

    /// <summary>The tenant's local day (<paramref name="date"/> <c>yyyy-MM-dd</c>, or today there), for the route and the admin shell alike.</summary>
    public static async Task<DailyReportView> Report(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId, string? date, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, Readers);
        var (day, zone) = await Day(grains, tenantId, date, now);
        return await Build(store, tenantId, day, zone);
    }

    /// <summary>Three sheets: the day's lines, totals by channel, totals by tender. Amounts in fen, as everywhere.</summary>
    public static byte[] Xlsx(DailyReportView report)
    {
        var sheets = new Dictionary<string, object>
        {
            ["lines 明细"] = report.Lines.Select(l => new Dictionary<string, object>
            {
                ["date 日期"] = report.Date, ["source 来源"] = l.Source, ["kind 类型"] = l.Kind, ["tender 支付方式"] = l.Tender,
                ["channel 渠道"] = l.Channel, ["count 笔数"] = l.Count, ["amount (fen) 金额(分)"] = l.Amount,
            }).ToList(),
            ["by channel 按渠道"] = Rows(report.ByChannel, "channel 渠道"),
            ["by tender 按支付方式"] = Rows(report.ByTender, "tender 支付方式"),
        };
        using var stream = new MemoryStream();
        MiniExcel.SaveAs(stream, sheets);
        return stream.ToArray();
    }

    static List<Dictionary<string, object>> Rows(IEnumerable<TotalLine> totals, string key) => totals.Select(t => new Dictionary<string, object>
    {
        [key] = t.Key, ["paid (fen) 收款(分)"] = t.Paid, ["refunded (fen) 退款(分)"] = t.Refunded, ["net (fen) 净额(分)"] = t.Net,
    }).ToList();

    static async Task<(DateOnly, TimeZoneInfo)> Day(IGrainFactory grains, string tenantId, string? date, DateTimeOffset now)
    {
        var tenant = await grains.FindTenant(tenantId).OrThrow();
        var zone = TimeZoneInfo.FindSystemTimeZoneById(tenant.TimeZone);
        new Validation().Require(date is null || DateOnly.TryParseExact(date, "yyyy-MM-dd", out _), "date", "date must be yyyy-MM-dd.").ThrowIfInvalid();
        return (date is null ? DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime) : DateOnly.ParseExact(date, "yyyy-MM-dd"), zone);
    }
}
