using System.Security.Claims;
using Marten;
using Marten.Pagination;
using SceneFinance.Platform.Security;

namespace SceneFinance.Tenants.Users;

/// <summary>A tenant's user as the list shows it (never the password hash).</summary>
public sealed record UserRow(string Username, string Role, DateTimeOffset CreatedAt, string Status = "active", bool MustChangePassword = false);

/// <summary>A tenant's users, for its tenant admin (and the platform's): the admin shell's list and its spreadsheet.</summary>
public static class UserList
{
    public const int MaxExport = 10_000;

    /// <summary>One page (from 0) by username, and how many users the tenant has.</summary>
    public static async Task<(IReadOnlyList<UserRow> Rows, long Total)> Page(ClaimsPrincipal user, IDocumentStore store, string tenantId, int page, int size)
    {
        user.RequireTenantAccess(tenantId, [Roles.TenantAdmin]);
        await using var session = store.QuerySession();
        // Accounts are platform-wide on purpose (usernames are unique across tenants), so the tenant is a field here.
        var found = await session.Query<UserAccount>().Where(u => u.TenantId == tenantId).OrderBy(u => u.UserName).ToPagedListAsync(page + 1, size);
        return (found.Select(u => new UserRow(u.UserName, u.Role, u.CreatedAt, u.Status, u.MustChangePassword)).ToList(), found.TotalItemCount);
    }

    /// <summary>Every user of the tenant (at most <see cref="MaxExport"/>), for the spreadsheet.</summary>
    public static async Task<IReadOnlyList<UserRow>> All(ClaimsPrincipal user, IDocumentStore store, string tenantId) =>
        (await Page(user, store, tenantId, 0, MaxExport)).Rows;
}
