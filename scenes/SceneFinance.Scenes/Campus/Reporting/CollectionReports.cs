using System.Security.Claims;
using Marten;
using Marten.Pagination;
using SceneFinance.Platform.Security;
using SceneFinance.Scenes.Campus.Billing;

namespace SceneFinance.Scenes.Campus.Reporting;

/// <summary>One row of the collection overview: a class, a grade's subtotal (class "*") or the school's total (grade "*").</summary>
public sealed record CollectionRow(
    string Grade, string Class, int Bills, int Paid, int PartiallyPaid, int Unpaid, int Overdue, int Cancelled,
    long Billed, long LateFees, long Collected, long CollectedOnline, long CollectedAtCounter, long CollectedExternally, long Waived, long Refunded, long Outstanding);

/// <summary>The overview by grade and class (收缴情况); <see cref="Total"/> is its last row.</summary>
public sealed record CollectionReport(IReadOnlyList<CollectionRow> Rows, CollectionRow Total);

/// <summary>The unpaid list (未缴名单): every bill with something outstanding, by grade, class and student.</summary>
public sealed record UnpaidReport(IReadOnlyList<BillListing> Items, int Count, long Outstanding);

/// <summary>A page of the unpaid list, and how many there are in all.</summary>
public sealed record UnpaidPage(IReadOnlyList<BillListing> Items, long Total);

/// <summary>The collections journal (收款流水): payments applied and refunds, oldest first, and their sum.</summary>
public sealed record CollectionsJournal(IReadOnlyList<CollectionEntry> Items, long Total);

/// <summary>
/// The finance office's read side: computed from the bills' listings and journal lines, which their grains write in every commit.
/// The API's report routes and the admin shell's pages (and their downloads) call these functions.
/// </summary>
public static class CollectionReports
{
    public const int MaxJournal = 100_000;

    public static async Task<Outcome<CollectionReport>> Collection(ClaimsPrincipal user, IDocumentStore store, string tenantId, string? planId, string? grade)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.Staff);
        var rows = Overview(await Bills(store, tenantId, planId, grade, null));
        return new CollectionReport(rows, rows[^1]);
    }

    public static async Task<Outcome<UnpaidReport>> Unpaid(ClaimsPrincipal user, IDocumentStore store, string tenantId, string? planId, string? grade, string? @class)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.Staff);
        var unpaid = (await Bills(store, tenantId, planId, grade, @class)).Where(b => b.Outstanding > 0)
            .OrderBy(b => b.Grade, StringComparer.Ordinal).ThenBy(b => b.Class, StringComparer.Ordinal).ThenBy(b => b.StudentNumber, StringComparer.Ordinal).ToList();
        return new UnpaidReport(unpaid, unpaid.Count, unpaid.Sum(b => b.Outstanding));
    }

    /// <summary>One page of the unpaid list (<paramref name="page"/> from 0), read page by page from the listings.</summary>
    public static async Task<Outcome<UnpaidPage>> UnpaidPage(ClaimsPrincipal user, IDocumentStore store, string tenantId, string? planId, int page, int size)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.Staff);
        await using var session = store.QuerySession(tenantId);
        var query = session.Query<BillListing>().Where(b => b.Outstanding > 0);
        if (planId is not null) query = query.Where(b => b.PlanId == planId);
        var found = await query.OrderBy(b => b.Grade).ThenBy(b => b.Class).ThenBy(b => b.StudentNumber).ToPagedListAsync(page + 1, size);
        return new UnpaidPage([.. found], found.TotalItemCount);
    }

    public static async Task<Outcome<CollectionsJournal>> Collections(ClaimsPrincipal user, IDocumentStore store, string tenantId, DateTimeOffset? from, DateTimeOffset? to)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.Staff);
        await using var session = store.QuerySession(tenantId);
        var query = session.Query<CollectionEntry>().AsQueryable();
        if (from is not null) query = query.Where(e => e.At >= from);
        if (to is not null) query = query.Where(e => e.At < to);
        var entries = await query.OrderBy(e => e.At).Take(MaxJournal).ToListAsync();
        return new CollectionsJournal(entries, entries.Sum(e => e.Amount));
    }

    static async Task<IReadOnlyList<BillListing>> Bills(IDocumentStore store, string tenantId, string? planId, string? grade, string? @class)
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
}
