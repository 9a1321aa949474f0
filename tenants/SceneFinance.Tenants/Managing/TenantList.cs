using System.Security.Claims;
using Marten;
using Marten.Pagination;
using SceneFinance.Grains.Tenants;
using SceneFinance.Platform.Security;

namespace SceneFinance.Tenants.Managing;

/// <summary>A tenant as the platform's list shows it; <see cref="TimeZone"/> is the zone its own times are read in.</summary>
public sealed record TenantRow(string Id, string Name, string Kind, string Status, string TimeZone, DateTimeOffset CreatedAt, string Mode = "sandbox");

/// <summary>The platform's tenants, for the platform administrator only: the admin shell's list, its spreadsheet and the tenant switcher.</summary>
public static class TenantList
{
    public const int MaxExport = 10_000;

    /// <summary>One page (from 0), newest first, and how many tenants there are.</summary>
    public static async Task<(IReadOnlyList<TenantRow> Rows, long Total)> Page(ClaimsPrincipal user, IDocumentStore store, int page, int size)
    {
        user.RequirePlatformAdmin();
        await using var session = store.QuerySession(); // tenants are platform-wide documents
        var found = await session.Query<TenantRecord>().OrderByDescending(t => t.CreatedAt).ToPagedListAsync(page + 1, size);
        return (found.Select(ToRow).ToList(), found.TotalItemCount);
    }

    /// <summary>Every tenant (at most <see cref="MaxExport"/>), newest first, for the spreadsheet.</summary>
    public static async Task<IReadOnlyList<TenantRow>> All(ClaimsPrincipal user, IDocumentStore store)
    {
        user.RequirePlatformAdmin();
        await using var session = store.QuerySession();
        return (await session.Query<TenantRecord>().OrderByDescending(t => t.CreatedAt).Take(MaxExport).ToListAsync()).Select(ToRow).ToList();
    }

    /// <summary>Id and name of every tenant by name, for the platform administrator's tenant switcher.</summary>
    public static async Task<IReadOnlyList<(string Id, string Name)>> Names(ClaimsPrincipal user, IDocumentStore store)
    {
        user.RequirePlatformAdmin();
        await using var session = store.QuerySession();
        var all = await session.Query<TenantRecord>().OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync();
        return all.Select(t => (t.Id, t.Name)).ToList();
    }

    static TenantRow ToRow(TenantRecord t) => new(t.Id, t.Name, t.Kind, t.Status, t.TimeZone, t.CreatedAt, t.View().Mode);
}
