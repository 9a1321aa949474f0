using System.Security.Claims;
using Marten;
using Marten.Pagination;
using SceneFinance.Grains;
using SceneFinance.Grains.Terminals;
using SceneFinance.Platform.Security;

namespace SceneFinance.Scenes.Terminals;

/// <summary>A terminal as the list shows it (never its secret).</summary>
public sealed record TerminalRow(string Id, string Name, string Kind, string Status, DateTimeOffset CreatedAt, DateTimeOffset? LastSeenAt);

/// <summary>
/// A tenant's terminals for the admin shell's list and its spreadsheet, with the same access check as the terminal routes.
/// Last seen comes from each terminal on a page (it keeps the latest in memory), as last written in the spreadsheet.
/// </summary>
public static class TerminalList
{
    public const int MaxExport = 10_000;

    /// <summary>One page (from 0), newest first, with each terminal's live status and last seen; and how many there are.</summary>
    public static async Task<(IReadOnlyList<TerminalRow> Rows, long Total)> Page(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId, int page, int size)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        await using var session = store.QuerySession(tenantId);
        var found = await Ordered(session).ToPagedListAsync(page + 1, size);
        var rows = await Task.WhenAll(found.Select(async t =>
        {
            var live = (await TerminalEndpoints.Get(user, grains, tenantId, t.Id)).Value;
            return new TerminalRow(t.Id, t.Name, t.Kind, live?.Status ?? t.Status, t.CreatedAt, live?.LastSeenAt);
        }));
        return (rows, found.TotalItemCount);
    }

    /// <summary>Every terminal (at most <see cref="MaxExport"/>), for the spreadsheet; last seen as last written (at most 30 s old).</summary>
    public static async Task<IReadOnlyList<TerminalRow>> All(ClaimsPrincipal user, IDocumentStore store, string tenantId)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        await using var session = store.QuerySession(tenantId);
        var terminals = await Ordered(session).Take(MaxExport).ToListAsync();
        var seen = (await session.Query<TerminalActivity>().ToListAsync()).ToDictionary(a => a.Id, a => a.LastSeenAt);
        return terminals.Select(t => new TerminalRow(t.Id, t.Name, t.Kind, t.Status, t.CreatedAt, seen.TryGetValue(t.Id, out var s) ? s : null)).ToList();
    }

    static IQueryable<TerminalRecord> Ordered(IQuerySession session) => session.Query<TerminalRecord>().OrderByDescending(t => t.CreatedAt);
}
