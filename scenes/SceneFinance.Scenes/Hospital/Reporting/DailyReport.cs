using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Platform.Exports;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Time;
using Sheets = SceneFinance.Platform.Exports.Xlsx;
using SceneFinance.Platform.Security;
using SceneFinance.Scenes.Hospital.CashWindow;
using SceneFinance.Scenes.Hospital.Patients;

namespace SceneFinance.Scenes.Hospital.Reporting;

/// <summary>One line of the day: who took the money (a kiosk, a cashier, the HIS, the nightly job), what for, with what.</summary>
public sealed record ReportLine(string Source, string Kind, string Tender, string Channel, int Count, long Amount);

public sealed record TotalLine(string Key, long Paid, long Refunded, long Net);

/// <summary>Cash one cashier took and paid out at the window on the day (over all their shifts).</summary>
public sealed record CashierCashLine(string CashierId, string Cashier, int Payments, long Taken, long Refunded, long Net);

public sealed record DailyReportView(string Date, IReadOnlyList<ReportLine> Lines, IReadOnlyList<TotalLine> ByChannel, IReadOnlyList<TotalLine> ByTender,
    long TotalPaid, long TotalRefunded, IReadOnlyList<CashierCashLine> ByCashier);

/// <summary>
/// The cashier and kiosk day: every committed hospital money event of the tenant's local day, summed by source, by channel,
/// by tender and (cash at the window) by cashier. Read from the events themselves, so it cannot disagree with the accounts or the ledger.
/// </summary>
public static class DailyReport
{
    static readonly string[] Types = ["orders_paid", "deposit_paid_in", "credit_repaid", "credit_settlement_ran", "refund_executed", "refund_line_released"];

    public static async Task<DailyReportView> Build(IDocumentStore store, string tenantId, DateOnly date, TenantTime time)
    {
        var (start, end) = (time.StartOf(date).ToUniversalTime(), time.StartOf(date.AddDays(1)).ToUniversalTime());
        await using var session = store.QuerySession(tenantId);
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.Timestamp >= start && e.Timestamp < end && Types.Contains(e.EventTypeName))
            .ToListAsync();
        var paid = new List<(string Source, string Kind, string Tender, string Channel, long Amount)>();
        var refunded = new List<(string Tender, string Channel, long Amount)>();
        var cash = new List<(string ShiftId, long Taken, long Refunded)>();
        foreach (var e in events.Select(e => e.Data))
            switch (e)
            {
                case OrdersPaid p:
                    paid.Add((p.Source, "orders", p.Tender, p.Channel ?? "-", p.Amount));
                    if (p.ShiftId is { } shift) cash.Add((shift, p.Amount, 0));
                    break;
                case DepositPaidIn d: paid.Add((d.Source, "deposit", Tenders.Channel, d.Channel, d.Amount)); break;
                case CreditRepaid c: paid.Add((c.Source, "credit-repayment", Tenders.Channel, c.Channel, c.Amount)); break;
                case CreditSettlementRan s when s.FromDeposit > 0: paid.Add(("nightly", "credit-settlement", Tenders.Deposit, "-", s.FromDeposit)); break;
                case RefundExecuted r:
                    refunded.AddRange(r.Lines.Select(l => (l.Tender, l.Channel ?? "-", l.Amount)));
                    cash.AddRange(r.Lines.Where(l => l.ShiftId is not null).Select(l => (l.ShiftId!, 0L, l.Amount)));
                    break;
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
        // The shifts name their cashier: cash is summed per person, whichever of their shifts took it.
        var shiftIds = cash.Select(c => c.ShiftId).Distinct().ToArray();
        var shifts = shiftIds.Length == 0 ? [] : (await session.Query<CashShiftListing>().Where(s => s.Id.IsOneOf(shiftIds)).ToListAsync()).ToDictionary(s => s.Id);
        var byCashier = cash.GroupBy(c => shifts.TryGetValue(c.ShiftId, out var s) ? (s.CashierId, s.CashierName) : (c.ShiftId, c.ShiftId))
            .Select(g => new CashierCashLine(g.Key.Item1, g.Key.Item2, g.Count(c => c.Taken > 0), g.Sum(c => c.Taken), g.Sum(c => c.Refunded), g.Sum(c => c.Taken - c.Refunded)))
            .OrderBy(l => l.Cashier).ToList();
        return new DailyReportView(date.ToString("yyyy-MM-dd"), lines, byChannel, byTender, paid.Sum(p => p.Amount), refunded.Sum(r => r.Amount), byCashier);
    }

    public static readonly string[] Readers = [Roles.TenantAdmin, Roles.Finance, Roles.Cashier, Roles.Auditor];

    public static void MapDailyReport(IEndpointRouteBuilder hospital)
    {
        hospital.MapGet("/reports/daily", async (string tenantId, string? date, HttpContext http, IDocumentStore store, IGrainFactory grains, TimeProvider clock) =>
                TypedResults.Ok(await Report(http.User, store, grains, tenantId, date, clock.GetUtcNow())))
            .Doc("getHospitalDailyReport", "The cashier and kiosk day",
                "What was paid and refunded on a local day (date yyyy-MM-dd, default today in the tenant's zone) by source, channel and tender, and the cash each cashier took and paid out at the window (byCashier).");

        hospital.MapGet("/reports/daily.xlsx", async (string tenantId, string? date, HttpContext http, IDocumentStore store, IGrainFactory grains, TimeProvider clock) =>
            {
                var report = await Report(http.User, store, grains, tenantId, date, clock.GetUtcNow());
                return TypedResults.File(Xlsx(report), XlsxType, FileName(report));
            })
            .Doc("exportHospitalDailyReport", "The cashier and kiosk day as a spreadsheet",
                "Four sheets (lines, by channel, by tender, cash by cashier); amounts are numbers in yuan, counts numbers, the day a date cell.")
            .Produces(StatusCodes.Status200OK, contentType: XlsxType);
    }

    public const string XlsxType = Sheets.ContentType;

    public static string FileName(DailyReportView report) => $"hospital-daily-{report.Date}.xlsx";

    /// <summary>The tenant's local day (<paramref name="date"/> <c>yyyy-MM-dd</c>, or today there), for the routes and the admin shell alike.</summary>
    public static async Task<DailyReportView> Report(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId, string? date, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, Readers);
        var tenant = await grains.FindTenant(tenantId).OrThrow();
        new Validation().Date(date, "date", optional: true).ThrowIfInvalid();
        // The tenant's zone as its tenant grain knows it (what TenantClock reads), at the caller's clock reading.
        var time = TenantTime.In(tenant.TimeZone, now);
        return await Build(store, tenantId, Validation.TryDay(date, out var day) ? day : time.Today, time);
    }

    /// <summary>Three sheets: the day's lines, totals by channel, totals by tender. Amounts are numbers in yuan (the sheet adds them up).</summary>
    public static byte[] Xlsx(DailyReportView report)
    {
        var day = DateOnly.ParseExact(report.Date, "yyyy-MM-dd");
        // Days, counts and amounts only: no instant to place in a zone.
        return Sheets.Write(TimeZoneInfo.Utc,
            Sheets.Sheet("lines 明细", report.Lines,
                Sheets.Date<ReportLine>("date 日期", _ => day), Sheets.Text<ReportLine>("source 来源", l => l.Source), Sheets.Text<ReportLine>("kind 类型", l => l.Kind),
                Sheets.Text<ReportLine>("tender 支付方式", l => l.Tender), Sheets.Text<ReportLine>("channel 渠道", l => l.Channel),
                Sheets.Number<ReportLine>("count 笔数", l => l.Count), Sheets.Yuan<ReportLine>("amount (yuan) 金额(元)", l => l.Amount)),
            Totals("by channel 按渠道", report.ByChannel, "channel 渠道"),
            Totals("by tender 按支付方式", report.ByTender, "tender 支付方式"),
            Sheets.Sheet("cash by cashier 收费员现金", report.ByCashier,
                Sheets.Text<CashierCashLine>("cashier 收费员", l => l.Cashier), Sheets.Number<CashierCashLine>("payments 笔数", l => l.Payments),
                Sheets.Yuan<CashierCashLine>("taken (yuan) 收现(元)", l => l.Taken), Sheets.Yuan<CashierCashLine>("refunded (yuan) 退现(元)", l => l.Refunded),
                Sheets.Yuan<CashierCashLine>("net (yuan) 净额(元)", l => l.Net)));
    }

    static Sheet<TotalLine> Totals(string name, IEnumerable<TotalLine> totals, string key) => Sheets.Sheet(name, totals,
        Sheets.Text<TotalLine>(key, t => t.Key), Sheets.Yuan<TotalLine>("paid (yuan) 收款(元)", t => t.Paid),
        Sheets.Yuan<TotalLine>("refunded (yuan) 退款(元)", t => t.Refunded), Sheets.Yuan<TotalLine>("net (yuan) 净额(元)", t => t.Net));
}
