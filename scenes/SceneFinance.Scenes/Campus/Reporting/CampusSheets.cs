using SceneFinance.Platform.Exports;
using SceneFinance.Scenes.Campus.Attendance;
using SceneFinance.Scenes.Campus.Billing;
using SceneFinance.Scenes.Campus.ImportingRosters;
using SceneFinance.Scenes.Campus.PlanningFees;
using SceneFinance.Scenes.Campus.Waiving;

namespace SceneFinance.Scenes.Campus.Reporting;

/// <summary>
/// How a sheet names its columns and says its coded values (a bill's status, a payment's method, present or not): the API's
/// reports in both languages side by side (what API clients have always read), a page's download in its reader's language.
/// </summary>
/// <param name="Header">A column's header from its English words.</param>
/// <param name="Value">A coded value (<c>kind</c>: status, method, present, total) as the reader reads it.</param>
public sealed record SheetWords(Func<string, string> Header, Func<string, string, string> Value)
{
    static readonly Dictionary<string, string> ApiHeaders = new()
    {
        ["Collection overview"] = "收缴情况", ["Unpaid"] = "未缴 Unpaid", ["Unpaid list"] = "未缴名单", ["Collections journal"] = "收款流水", ["Attendance"] = "考勤",
        ["Rejected rows"] = "被拒绝的行 Rejected rows", ["Row"] = "row 行号", ["Reason"] = "reason 原因",
        ["Grade"] = "年级 Grade", ["Class"] = "班级 Class", ["Bills"] = "账单数 Bills", ["Paid in full"] = "已缴清 Paid", ["Partly paid"] = "部分缴费 Partially paid",
        ["Past due"] = "逾期 Overdue", ["Cancelled"] = "已取消 Cancelled",
        ["Leavers"] = "离校学生 Leavers", ["Left"] = "离校时间 Left", ["Cash balance (yuan)"] = "现金余额(元) Cash balance",
        ["Subsidy (yuan)"] = "补贴余额(元) Subsidy", ["Open bills"] = "未结账单 Open bills", ["Refund"] = "退款 Refund",
        ["Billed (yuan)"] = "应收(元) Billed", ["Late fees (yuan)"] = "滞纳金(元) Late fees", ["Collected (yuan)"] = "已收(元) Collected",
        ["Online (yuan)"] = "线上(元) Online", ["Counter (yuan)"] = "柜台(元) Counter", ["Loans & subsidies (yuan)"] = "贷款/资助(元) Loans & subsidies",
        ["Waived (yuan)"] = "减免(元) Waived", ["Refunded (yuan)"] = "退款(元) Refunded", ["Outstanding (yuan)"] = "未收(元) Outstanding",
        ["Student number"] = "学号 Student number", ["Name"] = "姓名 Name", ["Bill"] = "账单 Bill", ["Status"] = "状态 Status",
        ["Due (yuan)"] = "应收(元) Amount", ["Paid (yuan)"] = "已收(元) Paid", ["Next due"] = "下一到期日 Next due",
        ["Time"] = "时间 At", ["Receipt"] = "流水号 Receipt", ["Method"] = "方式 Method", ["Channel"] = "渠道 Channel", ["Provider"] = "机构 Provider",
        ["Amount (yuan)"] = "金额(元) Amount", ["By"] = "操作人 By",
        ["Present"] = "到校 Present", ["First in"] = "首次进校 First in", ["Last out"] = "最后离校 Last out", ["Taps"] = "刷卡次数 Taps",
    };

    /// <summary>The API's words: Chinese and English headers; codes as they are in the JSON answers.</summary>
    public static readonly SheetWords Bilingual = new(h => ApiHeaders.GetValueOrDefault(h, h), (kind, raw) => (kind, raw) switch
    {
        ("present", "yes") => "是 yes",
        ("present", _) => "否 no",
        _ => raw,
    });
}

/// <summary>
/// The campus scene's spreadsheets, one definition each for the API's <c>format=xlsx</c> and the pages' downloads, written by the
/// platform's <see cref="Xlsx"/>: amounts are numbers in yuan, times and days are date cells in the school's zone, counts are numbers,
/// student numbers and ids stay text (leading zeros kept).
/// </summary>
public static class CampusSheets
{
    public static byte[] Overview(IEnumerable<CollectionRow> rows, TimeZoneInfo zone, SheetWords w) => Xlsx.Write(zone, Xlsx.Sheet(w.Header("Collection overview"), rows,
        Xlsx.Text<CollectionRow>(w.Header("Grade"), r => r.Grade == "*" ? w.Value("total", "*") : r.Grade),
        Xlsx.Text<CollectionRow>(w.Header("Class"), r => r.Class == "*" ? w.Value("subtotal", "*") : r.Class),
        Xlsx.Number<CollectionRow>(w.Header("Bills"), r => r.Bills), Xlsx.Number<CollectionRow>(w.Header("Paid in full"), r => r.Paid),
        Xlsx.Number<CollectionRow>(w.Header("Partly paid"), r => r.PartiallyPaid), Xlsx.Number<CollectionRow>(w.Header("Unpaid"), r => r.Unpaid),
        Xlsx.Number<CollectionRow>(w.Header("Past due"), r => r.Overdue), Xlsx.Number<CollectionRow>(w.Header("Cancelled"), r => r.Cancelled),
        Xlsx.Yuan<CollectionRow>(w.Header("Billed (yuan)"), r => r.Billed), Xlsx.Yuan<CollectionRow>(w.Header("Late fees (yuan)"), r => r.LateFees),
        Xlsx.Yuan<CollectionRow>(w.Header("Collected (yuan)"), r => r.Collected), Xlsx.Yuan<CollectionRow>(w.Header("Online (yuan)"), r => r.CollectedOnline),
        Xlsx.Yuan<CollectionRow>(w.Header("Counter (yuan)"), r => r.CollectedAtCounter),
        Xlsx.Yuan<CollectionRow>(w.Header("Loans & subsidies (yuan)"), r => r.CollectedExternally),
        Xlsx.Yuan<CollectionRow>(w.Header("Waived (yuan)"), r => r.Waived), Xlsx.Yuan<CollectionRow>(w.Header("Refunded (yuan)"), r => r.Refunded),
        Xlsx.Yuan<CollectionRow>(w.Header("Outstanding (yuan)"), r => r.Outstanding)));

    public static byte[] Bills(IEnumerable<BillListing> bills, TimeZoneInfo zone, SheetWords w) => Xlsx.Write(zone, Xlsx.Sheet(w.Header("Unpaid list"),
        bills.OrderBy(b => b.Grade, StringComparer.Ordinal).ThenBy(b => b.Class, StringComparer.Ordinal).ThenBy(b => b.StudentNumber, StringComparer.Ordinal),
        Xlsx.Text<BillListing>(w.Header("Student number"), b => b.StudentNumber), Xlsx.Text<BillListing>(w.Header("Name"), b => b.StudentName),
        Xlsx.Text<BillListing>(w.Header("Grade"), b => b.Grade), Xlsx.Text<BillListing>(w.Header("Class"), b => b.Class),
        Xlsx.Text<BillListing>(w.Header("Bill"), b => b.Id), Xlsx.Text<BillListing>(w.Header("Status"), b => w.Value("status", b.Status)),
        Xlsx.Yuan<BillListing>(w.Header("Due (yuan)"), b => b.Amount + b.LateFees), Xlsx.Yuan<BillListing>(w.Header("Paid (yuan)"), b => b.Paid),
        Xlsx.Yuan<BillListing>(w.Header("Waived (yuan)"), b => b.Waived), Xlsx.Yuan<BillListing>(w.Header("Outstanding (yuan)"), b => b.Outstanding),
        Xlsx.Date<BillListing>(w.Header("Next due"), b => b.NextDueDate)));

    public static byte[] Journal(IEnumerable<CollectionEntry> entries, TimeZoneInfo zone, SheetWords w) => Xlsx.Write(zone, Xlsx.Sheet(w.Header("Collections journal"), entries,
        Xlsx.Time<CollectionEntry>(w.Header("Time"), e => e.At), Xlsx.Text<CollectionEntry>(w.Header("Receipt"), e => e.Id),
        Xlsx.Text<CollectionEntry>(w.Header("Student number"), e => e.StudentNumber), Xlsx.Text<CollectionEntry>(w.Header("Name"), e => e.StudentName),
        Xlsx.Text<CollectionEntry>(w.Header("Grade"), e => e.Grade), Xlsx.Text<CollectionEntry>(w.Header("Class"), e => e.Class),
        Xlsx.Text<CollectionEntry>(w.Header("Method"), e => w.Value("method", e.Method)), Xlsx.Text<CollectionEntry>(w.Header("Channel"), e => e.Channel is { } c ? w.Value("channel", c) : null),
        Xlsx.Text<CollectionEntry>(w.Header("Provider"), e => e.Provider), Xlsx.Yuan<CollectionEntry>(w.Header("Amount (yuan)"), e => e.Amount),
        Xlsx.Text<CollectionEntry>(w.Header("By"), e => e.By), Xlsx.Text<CollectionEntry>(w.Header("Bill"), e => e.BillId)));

    public static byte[] Attendance(IEnumerable<AttendanceRow> rows, TimeZoneInfo zone, SheetWords w) => Xlsx.Write(zone, Xlsx.Sheet(w.Header("Attendance"), rows,
        Xlsx.Text<AttendanceRow>(w.Header("Student number"), r => r.StudentNumber), Xlsx.Text<AttendanceRow>(w.Header("Name"), r => r.Name),
        Xlsx.Text<AttendanceRow>(w.Header("Grade"), r => r.Grade), Xlsx.Text<AttendanceRow>(w.Header("Class"), r => r.Class),
        Xlsx.Text<AttendanceRow>(w.Header("Present"), r => w.Value("present", r.Present ? "yes" : "no")),
        Xlsx.Time<AttendanceRow>(w.Header("First in"), r => r.FirstIn), Xlsx.Time<AttendanceRow>(w.Header("Last out"), r => r.LastOut),
        Xlsx.Number<AttendanceRow>(w.Header("Taps"), r => r.Taps)));

    public static byte[] AllBills(IEnumerable<BillListing> bills, TimeZoneInfo zone, SheetWords w) => Xlsx.Write(zone, Xlsx.Sheet(w.Header("Bills"), bills,
        Xlsx.Text<BillListing>(w.Header("Student number"), b => b.StudentNumber), Xlsx.Text<BillListing>(w.Header("Name"), b => b.StudentName),
        Xlsx.Text<BillListing>(w.Header("Grade"), b => b.Grade), Xlsx.Text<BillListing>(w.Header("Class"), b => b.Class),
        Xlsx.Text<BillListing>(w.Header("Bill"), b => b.Id), Xlsx.Text<BillListing>(w.Header("Status"), b => w.Value("status", b.Status)),
        Xlsx.Yuan<BillListing>(w.Header("Due (yuan)"), b => b.Amount + b.LateFees), Xlsx.Yuan<BillListing>(w.Header("Paid (yuan)"), b => b.Paid),
        Xlsx.Yuan<BillListing>(w.Header("Waived (yuan)"), b => b.Waived), Xlsx.Yuan<BillListing>(w.Header("Refunded (yuan)"), b => b.Refunded),
        Xlsx.Yuan<BillListing>(w.Header("Outstanding (yuan)"), b => b.Outstanding), Xlsx.Date<BillListing>(w.Header("Next due"), b => b.NextDueDate),
        Xlsx.Time<BillListing>(w.Header("Issued"), b => b.IssuedAt)));

    public static byte[] Waivers(IEnumerable<Waiver> waivers, TimeZoneInfo zone, SheetWords w) => Xlsx.Write(zone, Xlsx.Sheet(w.Header("Waivers and scholarships"), waivers,
        Xlsx.Time<Waiver>(w.Header("Requested"), x => x.RequestedAt), Xlsx.Text<Waiver>(w.Header("Student number"), x => x.StudentNumber),
        Xlsx.Text<Waiver>(w.Header("Bill"), x => x.BillId), Xlsx.Text<Waiver>(w.Header("Kind"), x => w.Value("waiver-kind", x.Kind)),
        Xlsx.Yuan<Waiver>(w.Header("Amount (yuan)"), x => x.Amount), Xlsx.Text<Waiver>(w.Header("Reason"), x => x.Reason),
        Xlsx.Text<Waiver>(w.Header("Status"), x => w.Value("waiver-status", x.Status)), Xlsx.Text<Waiver>(w.Header("Requested by"), x => x.RequestedBy),
        Xlsx.Text<Waiver>(w.Header("Decided by"), x => x.DecidedBy), Xlsx.Time<Waiver>(w.Header("Decided"), x => x.DecidedAt)));

    public static byte[] Plans(IEnumerable<FeePlan> plans, TimeZoneInfo zone, SheetWords w) => Xlsx.Write(zone, Xlsx.Sheet(w.Header("Fee plans"), plans,
        Xlsx.Text<FeePlan>(w.Header("Name"), p => p.Name), Xlsx.Text<FeePlan>(w.Header("Term"), p => p.Term), Xlsx.Text<FeePlan>(w.Header("Grade"), p => p.Grade),
        Xlsx.Text<FeePlan>(w.Header("Class"), p => p.Class), Xlsx.Yuan<FeePlan>(w.Header("Total (yuan)"), p => p.Total),
        Xlsx.Number<FeePlan>(w.Header("Installments"), p => p.Installments.Count), Xlsx.Date<FeePlan>(w.Header("First due"), p => p.Installments.FirstOrDefault()?.DueDate),
        Xlsx.Number<FeePlan>(w.Header("Sibling discount (bp)"), p => p.SiblingDiscountBp), Xlsx.Yuan<FeePlan>(w.Header("Late fee (yuan)"), p => p.LateFeeFixed),
        Xlsx.Number<FeePlan>(w.Header("Late fee (bp)"), p => p.LateFeeBp), Xlsx.Text<FeePlan>(w.Header("By"), p => p.CreatedBy), Xlsx.Time<FeePlan>(w.Header("Created"), p => p.CreatedAt)));

    /// <summary>The refused rows of an import: the row number, the cells as the file had them (its own headers), and the reason.</summary>
    public static byte[] Rejected(IReadOnlyList<RejectedRow> rejected, TimeZoneInfo zone, SheetWords w)
    {
        var cells = rejected.SelectMany(r => r.Cells.Keys).Distinct().Select(h => Xlsx.Text<RejectedRow>(h, r => r.Cells.GetValueOrDefault(h)));
        return Xlsx.Write(zone, Xlsx.Sheet(w.Header("Rejected rows"), rejected,
            [Xlsx.Number<RejectedRow>(w.Header("Row"), r => r.Row), .. cells, Xlsx.Text<RejectedRow>(w.Header("Reason"), r => r.Reason)]));
    }
}
