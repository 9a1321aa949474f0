using System.Security.Claims;
using Marten;
using Marten.Pagination;
using SceneFinance.Platform.Security;
using SceneFinance.Tenants.Users;

namespace SceneFinance.AdminUi.Users;

/// <summary>A tenant's users (never their password hashes).</summary>
public static class UserDirectory
{
    public sealed record Row(string Username, string Role, DateTimeOffset CreatedAt);

    public static async Task<(IReadOnlyList<Row> Rows, long Total)> Page(ClaimsPrincipal user, IDocumentStore store, string tenantId, int page, int size)
    {
        user.RequireTenantAccess(tenantId, [Roles.TenantAdmin]);
        await using var session = store.QuerySession();
        // Accounts are platform-wide on purpose (usernames are unique across tenants), so the tenant is a field here.
        var found = await session.Query<UserAccount>().Where(u => u.TenantId == tenantId).OrderBy(u => u.UserName).ToPagedListAsync(page + 1, size);
        return (found.Select(u => new Row(u.UserName, u.Role, u.CreatedAt)).ToList(), found.TotalItemCount);
    }
}
