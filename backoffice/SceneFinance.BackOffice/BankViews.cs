using System.Security.Claims;
using Marten;
using Marten.Pagination;
using SceneFinance.BackOffice.DayEnd;
using SceneFinance.BackOffice.Reconciling;
using SceneFinance.BackOffice.Settling;
using SceneFinance.Grains.Tenants;
using SceneFinance.Platform.Security;

namespace SceneFinance.BackOffice;

/// <summary>A tenant's day-end as the bank's operations list it.</summary>
public sealed record TenantDayEnd(string TenantId, string Name, string Kind, string TimeZone, DayEndStatus Status);

/// <summary>A row of the daily overview: a tenant's money through one channel (or card taps) in its business day, in fen.</summary>
public sealed record OverviewRow(string TenantId, string Tenant, string Scene, DateOnly Day, string Channel, long In, long Out);

/// <summary>A payout or exception with the tenant it belongs to, for the bank's cross-tenant lists.</summary>
public sealed record TenantPayout(string TenantId, string Tenant, PayoutView Payout);
public sealed record TenantException(string TenantId, string Tenant, ExceptionView Exception);

/// <summary>
/// The bank's operations' lists across tenants (platform-admin only): day-end status per tenant, payouts, exceptions and the
/// daily overview. Each tenant's documents are read with the tenant filter lifted on purpose, and say whose they are.
/// </summary>
public static class BankViews
{
    public const int MaxExport = 10_000;

    /// <summary>One page of tenants by name (or the one tenant asked for) with their day-end.</summary>
    public static async Task<(IReadOnlyList<TenantDayEnd> Rows, long Total)> DayEnds(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string? tenantId,
        int page, int size, DateTimeOffset now)
    {
        user.RequirePlatformAdmin();
        await using var session = store.QuerySession();
        var query = session.Query<TenantRecord>().AsQueryable();
        if (tenantId is { Length: > 0 }) query = query.Where(t => t.Id == tenantId);
        var found = await query.OrderBy(t => t.Name).ThenBy(t => t.Id).ToPagedListAsync(page + 1, size);
        var rows = new List<TenantDayEnd>();
        foreach (var t in found)
            rows.Add(new TenantDayEnd(t.Id, t.Name, t.Kind, t.TimeZone, await grains.GetGrain<IDayEndGrain>(DayEndGrain.KeyOf(t.Id)).Status(now)));
        return (rows, found.TotalItemCount);
    }

    public static async Task<(IReadOnlyList<TenantPayout> Rows, long Total)> Payouts(ClaimsPrincipal user, IDocumentStore store, string? status, int page, int size)
    {
        user.RequirePlatformAdmin();
        await using var session = store.QuerySession();
        var query = session.Query<PayoutListing>().Where(p => p.AnyTenant());
        if (status is { Length: > 0 }) query = query.Where(p => p.Status == status);
        var found = await query.OrderByDescending(p => p.Day).ThenBy(p => p.TenantId).ThenBy(p => p.PartyId).ToPagedListAsync(page + 1, size);
        var names = await Names(session, found.Select(p => p.TenantId));
        return (found.Select(p => new TenantPayout(p.TenantId, names.GetValueOrDefault(p.TenantId, p.TenantId), p.View)).ToList(), found.TotalItemCount);
    }

    public static async Task<(IReadOnlyList<TenantException> Rows, long Total)> Exceptions(ClaimsPrincipal user, IDocumentStore store, bool unresolvedOnly, int page, int size)
    {
        user.RequirePlatformAdmin();
        await using var session = store.QuerySession();
        var query = session.Query<ExceptionListing>().Where(e => e.AnyTenant());
        if (unresolvedOnly) query = query.Where(e => e.Status != ExceptionStatus.Resolved);
        var found = await query.OrderByDescending(e => e.Day).ThenBy(e => e.RaisedAt).ToPagedListAsync(page + 1, size);
        var names = await Names(session, found.Select(e => e.TenantId));
        return (found.Select(e => new TenantException(e.TenantId, names.GetValueOrDefault(e.TenantId, e.TenantId), e.View)).ToList(), found.TotalItemCount);
    }

    /// <summary>
    /// Every tenant's closed business day <paramref name="day"/>: money in and out per channel (its clearing account) and card taps
    /// (the merchants' receivables), from the day's fixed snapshot.
    /// </summary>
    public static async Task<IReadOnlyList<OverviewRow>> Overview(ClaimsPrincipal user, IDocumentStore store, DateOnly day)
    {
        user.RequirePlatformAdmin();
        await using var session = store.QuerySession();
        var snapshots = await session.Query<DaySnapshot>().Where(s => s.AnyTenant() && s.Day == day).ToListAsync();
        var tenants = (await session.Query<TenantRecord>().ToListAsync()).ToDictionary(t => t.Id);
        var rows = new List<OverviewRow>();
        foreach (var s in snapshots.OrderBy(s => tenants.GetValueOrDefault(s.TenantId)?.Name))
        {
            var tenant = tenants.GetValueOrDefault(s.TenantId);
            OverviewRow Row(string channel, long @in, long @out) => new(s.TenantId, tenant?.Name ?? s.TenantId, tenant?.Kind ?? "", day, channel, @in, @out);
            var taps = s.Accounts.Where(a => a.Account.StartsWith("merchant-receivable:", StringComparison.Ordinal)).ToList();
            if (taps.Count > 0) rows.Add(Row("card", taps.Sum(a => a.Credit), taps.Sum(a => a.Debit)));
            foreach (var a in s.Accounts.Where(a => a.Account.StartsWith("clearing:", StringComparison.Ordinal) && (a.Debit != 0 || a.Credit != 0)))
                rows.Add(Row(a.Account["clearing:".Length..], a.Debit, a.Credit));
        }
        return rows;
    }

    static async Task<Dictionary<string, string>> Names(IQuerySession session, IEnumerable<string> ids)
    {
        var wanted = ids.Distinct().ToArray();
        return (await session.LoadManyAsync<TenantRecord>(wanted)).ToDictionary(t => t.Id, t => t.Name);
    }
}
