using System.Security.Claims;
using Marten;
using Marten.Pagination;
using SceneFinance.Platform.Security;
using SceneFinance.Scenes.Campus.Waiving;

namespace SceneFinance.Scenes.Campus.Billing;

/// <summary>A page of a list, and how many there are in all.</summary>
public sealed record Paged<T>(IReadOnlyList<T> Items, long Total);

/// <summary>
/// The finance office's lists page by page (bills by the API's filters, the waiver queue), for the shell's tables; their downloads
/// read the whole list through the API's own slice functions (<see cref="BillEndpoints.List"/>, <see cref="WaiverEndpoints.List"/>).
/// </summary>
public static class BillPages
{
    /// <summary>One page of the bills <paramref name="q"/> selects (<paramref name="page"/> from 0), in the API's order.</summary>
    public static async Task<Outcome<Paged<BillListing>>> Bills(ClaimsPrincipal user, IDocumentStore store, string tenantId, BillQuery q, int page, int size)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.Staff);
        await using var session = store.QuerySession(tenantId);
        var query = session.Query<BillListing>().AsQueryable();
        if (q.Grade is not null) query = query.Where(b => b.Grade == q.Grade);
        if (q.Class is not null) query = query.Where(b => b.Class == q.Class);
        if (q.Status is not null) query = query.Where(b => b.Status == q.Status);
        if (q.PlanId is not null) query = query.Where(b => b.PlanId == q.PlanId);
        if (q.StudentNumber is not null) query = query.Where(b => b.StudentNumber == q.StudentNumber);
        var found = await query.OrderBy(b => b.Grade).ThenBy(b => b.Class).ThenBy(b => b.StudentNumber).ToPagedListAsync(page + 1, size);
        return new Paged<BillListing>([.. found], found.TotalItemCount);
    }

    /// <summary>One page of waiver and scholarship requests (a status, or all), newest first: the approver's queue.</summary>
    public static async Task<Outcome<Paged<Waiver>>> Waivers(ClaimsPrincipal user, IDocumentStore store, string tenantId, string? status, int page, int size)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.Staff);
        await using var session = store.QuerySession(tenantId);
        var query = session.Query<Waiver>().AsQueryable();
        if (status is not null) query = query.Where(w => w.Status == status);
        var found = await query.OrderByDescending(w => w.RequestedAt).ToPagedListAsync(page + 1, size);
        return new Paged<Waiver>([.. found], found.TotalItemCount);
    }
}
