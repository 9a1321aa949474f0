using System.Security.Claims;
using Marten;
using Marten.Pagination;
using SceneFinance.Platform.Security;

namespace SceneFinance.Payments.Intents;

/// <summary>A tenant's online payments (payment intents), newest first: the admin shell's list, with the routes' access check.</summary>
public static class IntentList
{
    public static async Task<(IReadOnlyList<IntentSummary> Rows, long Total)> Page(ClaimsPrincipal user, IDocumentStore store, string tenantId, string? status, int page, int size)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        await using var session = store.QuerySession(tenantId);
        var query = session.Query<IntentListing>().AsQueryable();
        if (!string.IsNullOrEmpty(status)) query = query.Where(x => x.Status == status);
        var found = await query.OrderByDescending(x => x.CreatedAt).ToPagedListAsync(page + 1, size);
        return (found.Select(Summary).ToList(), found.TotalItemCount);
    }

    public static IntentSummary Summary(IntentListing x) =>
        new(x.Id, x.Status, x.Amount, "CNY", x.Channel, x.RefundedAmount, new IntentPurpose(x.PurposeKind, x.TargetId, null), x.CreatedAt);
}
