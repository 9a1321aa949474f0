using Marten;
using SceneFinance.Scenes.Campus.Billing;

namespace SceneFinance.Scenes.Campus.Reporting;

/// <summary>One row of the collection overview: a class, a grade's subtotal (class "*") or the school's total (grade "*").</summary>
public sealed record CollectionRow(
    string Grade, string Class, int Bills, int Paid, int PartiallyPaid, int Unpaid, int Overdue, int Cancelled,
    long Billed, long LateFees, long Collected, long CollectedOnline, long CollectedAtCounter, long CollectedExternally, long Waived, long Refunded, long Outstanding);

/// <summary>The finance office's read side (收缴情况): computed from the bills' listings, which their grains rewrite in every commit.</summary>
public static class CollectionReports
{
    public static async Task<IReadOnlyList<BillListing>> Bills(IDocumentStore store, string tenantId, string? planId, string? grade, string? @class)
    {
        await using var session = store.QuerySession(tenantId);
        var query = session.Query<BillListing>().AsQueryable();
        if (planId is not null) query = query.Where(b => b.PlanId == planId);
        if (grade is not null) query = query.Where(b => b.Grade == grade);
        if (@class is not null) query = query.Where(b => b.Class == @class);
        return await query.ToListAsync();
    }

    /// <summary>By grade and class, with grade subtotals and the total last. "Unpaid" counts bills with nothing paid or waived yet.</summary>
    public static IReadOnlyList<CollectionRow> Overview(IReadOnlyList<BillListing> bills)
    {
        var rows = new List<CollectionRow>();
        foreach (var grade in bills.GroupBy(b => b.Grade).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            foreach (var @class in grade.GroupBy(b => b.Class).OrderBy(c => c.Key, StringComparer.Ordinal))
                rows.Add(Row(grade.Key, @class.Key, [.. @class]));
            rows.Add(Row(grade.Key, "*", [.. grade]));
        }
        rows.Add(Row("*", "*", bills));
        return rows;
    }

    static CollectionRow Row(string grade, string @class, IReadOnlyList<BillListing> b) => new(
        grade, @class, b.Count,
        b.Count(x => x.Status == BillStatus.Paid),
        b.Count(x => x.Status == BillStatus.PartiallyPaid),
        b.Count(x => x.Status == BillStatus.Issued),
        b.Count(x => x.Status == BillStatus.Overdue),
        b.Count(x => x.Status is BillStatus.Cancelled or BillStatus.Refunded),
        b.Sum(x => x.Amount), b.Sum(x => x.LateFees), b.Sum(x => x.Paid), b.Sum(x => x.PaidOnline), b.Sum(x => x.PaidAtCounter), b.Sum(x => x.PaidExternally),
        b.Sum(x => x.Waived), b.Sum(x => x.Refunded), b.Sum(x => x.Outstanding));

    public static IEnumerable<IDictionary<string, object?>> OverviewSheet(IEnumerable<CollectionRow> rows) => rows.Select(r => (IDictionary<string, object?>)new Dictionary<string, object?>
    {
        ["年级 Grade"] = r.Grade, ["班级 Class"] = r.Class, ["账单数 Bills"] = r.Bills, ["已缴清 Paid"] = r.Paid, ["部分缴费 Partially paid"] = r.PartiallyPaid,
        ["未缴 Unpaid"] = r.Unpaid, ["逾期 Overdue"] = r.Overdue, ["已取消 Cancelled"] = r.Cancelled,
        ["应收(元) Billed"] = Yuan(r.Billed), ["滞纳金(元) Late fees"] = Yuan(r.LateFees), ["已收(元) Collected"] = Yuan(r.Collected),
        ["线上(元) Online"] = Yuan(r.CollectedOnline), ["柜台(元) Counter"] = Yuan(r.CollectedAtCounter), ["贷款/资助(元) Loans & subsidies"] = Yuan(r.CollectedExternally),
        ["减免(元) Waived"] = Yuan(r.Waived), ["退款(元) Refunded"] = Yuan(r.Refunded), ["未收(元) Outstanding"] = Yuan(r.Outstanding),
    });

    public static IEnumerable<IDictionary<string, object?>> BillSheet(IEnumerable<BillListing> bills) => bills
        .OrderBy(b => b.Grade, StringComparer.Ordinal).ThenBy(b => b.Class, StringComparer.Ordinal).ThenBy(b => b.StudentNumber, StringComparer.Ordinal)
        .Select(b => (IDictionary<string, object?>)new Dictionary<string, object?>
        {
            ["学号 Student number"] = b.StudentNumber, ["姓名 Name"] = b.StudentName, ["年级 Grade"] = b.Grade, ["班级 Class"] = b.Class,
            ["账单 Bill"] = b.Id, ["状态 Status"] = b.Status, ["应收(元) Amount"] = Yuan(b.Amount + b.LateFees), ["已收(元) Paid"] = Yuan(b.Paid),
            ["减免(元) Waived"] = Yuan(b.Waived), ["未收(元) Outstanding"] = Yuan(b.Outstanding), ["下一到期日 Next due"] = b.NextDueDate?.ToString("yyyy-MM-dd"),
        });

    public static IEnumerable<IDictionary<string, object?>> JournalSheet(IEnumerable<CollectionEntry> entries) => entries.Select(e => (IDictionary<string, object?>)new Dictionary<string, object?>
    {
        ["时间 At (UTC)"] = e.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss"), ["流水号 Receipt"] = e.Id, ["学号 Student number"] = e.StudentNumber, ["姓名 Name"] = e.StudentName,
        ["年级 Grade"] = e.Grade, ["班级 Class"] = e.Class, ["方式 Method"] = e.Method, ["渠道 Channel"] = e.Channel, ["机构 Provider"] = e.Provider,
        ["金额(元) Amount"] = Yuan(e.Amount), ["操作人 By"] = e.By, ["账单 Bill"] = e.BillId,
    });

    /// <summary>Fen as a yuan string with exactly two decimals (text, so no spreadsheet rounding and no floating point).</summary>
    public static string Yuan(long fen) => (fen < 0 ? "-" : "") + $"{Math.Abs(fen) / 100}.{Math.Abs(fen) % 100:00}";
}
