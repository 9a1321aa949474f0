using System.Security.Claims;
using Marten;
using Marten.Pagination;
using SceneFinance.Grains;
using SceneFinance.Grains.Terminals;
using SceneFinance.Platform.Security;
using SceneFinance.Scenes.Terminals;

namespace SceneFinance.AdminUi.Terminals;

/// <summary>A tenant's terminals, without their secrets; last seen comes from each terminal (it keeps the latest in memory).</summary>
public static class TerminalDirectory
{
    public const int MaxExport = 10_000;

    public sealed record Row(string Id, string Name, string Kind, string Status, DateTimeOffset CreatedAt, DateTimeOffset? LastSeenAt);

    public static async Task<(IReadOnlyList<Row> Rows, long Total)> Page(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId, int page, int size)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        await using var session = store.QuerySession(tenantId);
        var found = await Ordered(session).ToPagedListAsync(page + 1, size);
        var rows = await Task.WhenAll(found.Select(async t =>
        {
            var live = (await TerminalEndpoints.Get(user, grains, tenantId, t.Id)).Value;
            return new Row(t.Id, t.Name, t.Kind, live?.Status ?? t.Status, t.CreatedAt, live?.LastSeenAt);
        }));
        return (rows, found.TotalItemCount);
    }

    /// <summary>Every terminal (at most <see cref="MaxExport"/>), for the spreadsheet; last seen as last written (at most 30 s old).</summary>
    public static async Task<IReadOnlyList<Row>> All(ClaimsPrincipal user, IDocumentStore store, string tenantId)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        await using var session = store.QuerySession(tenantId);
        var terminals = await Ordered(session).Take(MaxExport).ToListAsync();
        var seen = (await session.Query<TerminalActivity>().ToListAsync()).ToDictionary(a => a.Id, a => a.LastSeenAt);
        return terminals.Select(t => new Row(t.Id, t.Name, t.Kind, t.Status, t.CreatedAt, seen.TryGetValue(t.Id, out var s) ? s : null)).ToList();
    }

    static IQueryable<TerminalRecord> Ordered(IQuerySession session) => session.Query<TerminalRecord>().OrderByDescending(t => t.CreatedAt);
}
