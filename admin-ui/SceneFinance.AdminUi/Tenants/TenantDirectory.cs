using System.Security.Claims;
using Marten;
using Marten.Pagination;
using SceneFinance.Grains.Tenants;
using SceneFinance.Platform.Security;

namespace SceneFinance.AdminUi.Tenants;

/// <summary>The platform's tenants for the platform administrator: a page of them, newest first.</summary>
public static class TenantDirectory
{
    public sealed record Row(string Id, string Name, string Kind, string Status, DateTimeOffset CreatedAt);

    public static async Task<(IReadOnlyList<Row> Rows, long Total)> Page(ClaimsPrincipal user, IDocumentStore store, int page, int size)
    {
        user.RequirePlatformAdmin();
        await using var session = store.QuerySession(); // tenants are platform-wide documents
        var found = await session.Query<TenantRecord>().OrderByDescending(t => t.CreatedAt).ToPagedListAsync(page + 1, size);
        return (found.Select(t => new Row(t.Id, t.Name, t.Kind, t.Status, t.CreatedAt)).ToList(), found.TotalItemCount);
    }

    /// <summary>Id and name of every tenant, for the platform administrator's tenant switcher.</summary>
    public static async Task<IReadOnlyList<(string Id, string Name)>> All(ClaimsPrincipal user, IDocumentStore store)
    {
        user.RequirePlatformAdmin();
        await using var session = store.QuerySession();
        var all = await session.Query<TenantRecord>().OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync();
        return all.Select(t => (t.Id, t.Name)).ToList();
    }
}
