using System.Security.Claims;
using Marten;
using Marten.Pagination;
using SceneFinance.Payments.Intents;
using SceneFinance.Platform.Security;

namespace SceneFinance.AdminUi.Payments;

/// <summary>A tenant's online payments (payment intents), newest first.</summary>
public static class PaymentDirectory
{
    public static async Task<(IReadOnlyList<IntentListing> Rows, long Total)> Page(ClaimsPrincipal user, IDocumentStore store, string tenantId, string? status, int page, int size)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        await using var session = store.QuerySession(tenantId);
        var query = session.Query<IntentListing>().AsQueryable();
        if (!string.IsNullOrEmpty(status)) query = query.Where(x => x.Status == status);
        var found = await query.OrderByDescending(x => x.CreatedAt).ToPagedListAsync(page + 1, size);
        return (found.ToList(), found.TotalItemCount);
    }
}
