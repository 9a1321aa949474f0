using System.Collections.Concurrent;
using JasperFx;
using Marten;
using SceneFinance.Platform.Security;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SceneFinance.Grains.Risk;

/// <summary>
/// The key ID numbers were digested with before the platform's keyed digests (<see cref="Digests"/>): kept in clear. Read once by
/// the keyed-digest migration (to digest the listed ID numbers again) and then deleted.
/// </summary>
public sealed class RiskDigestKey
{
    public string Id { get; set; } = "id-number";
    public string Key { get; set; } = "";
}

/// <summary>
/// This silo's risk book: for each tenant whose grains are active here, one immutable <see cref="RiskRuleSet"/> (its live
/// rules, its lists and the platform's). Loaded when the first grain of the tenant activates, reloaded when its stamp
/// changes. Card holder and terminal grains read it from memory on every tap: no tenant-wide grain, no database read.
/// </summary>
public sealed class RiskBook(IDocumentStore store) : IRiskBook
{
    readonly ConcurrentDictionary<string, RiskRuleSet> _sets = new();
    readonly ConcurrentDictionary<string, string> _known = new();
    readonly ConcurrentDictionary<string, string[]> _blacklistedForTills = new();
    volatile (string Subject, string Key, string List, string? TillKey)[]? _platform;
    readonly SemaphoreSlim _one = new(1, 1); // one reload at a time: an older read never overwrites a newer one

    public RiskRuleSet Current(string tenantId) => _sets.GetValueOrDefault(tenantId) ?? RiskRuleSet.Empty;

    public string StampOf(string tenantId) => Current(tenantId).Stamp;

    /// <summary>On a grain's activation: loads the tenant's set the first time on this silo.</summary>
    public async Task Ensure(string tenantId, CancellationToken ct = default)
    {
        if (_sets.ContainsKey(tenantId)) return;
        await _one.WaitAsync(ct);
        try
        {
            if (!_sets.ContainsKey(tenantId)) await Reload(tenantId, ct);
        }
        finally
        {
            _one.Release();
        }
    }

    public async Task Changed(string owner, CancellationToken ct = default)
    {
        await using (var session = store.LightweightSession())
        {
            session.Store(new RiskStamp { Id = owner, Version = Guid.NewGuid().ToString("N"), ChangedAt = DateTimeOffset.UtcNow });
            await session.SaveChangesAsync(ct);
        }
        await Follow(ct); // this silo at once; the others on their next look
    }

    /// <summary>Reloads what changed since the last look (every silo does this every second).</summary>
    public async Task Follow(CancellationToken ct)
    {
        await _one.WaitAsync(ct);
        try
        {
            await FollowOnce(ct);
        }
        finally
        {
            _one.Release();
        }
    }

    async Task FollowOnce(CancellationToken ct)
    {
        IReadOnlyList<RiskStamp> stamps;
        await using (var session = store.QuerySession()) stamps = await session.Query<RiskStamp>().ToListAsync(ct);
        var changed = stamps.Where(s => _known.GetValueOrDefault(s.Id) != s.Version).ToList();
        var platform = changed.Any(s => s.Id == RiskOwners.Platform);
        if (platform) _platform = null;
        foreach (var tenantId in _sets.Keys.Where(t => platform || changed.Any(s => s.Id == t)).ToList())
            await Reload(tenantId, ct);
        foreach (var s in changed) _known[s.Id] = s.Version;
    }

    async Task Reload(string tenantId, CancellationToken ct)
    {
        var platform = _platform ??= await Entries(RiskOwners.Platform, ct);
        await using var session = store.QuerySession(tenantId);
        var stamp = (await session.LoadAsync<RiskStamp>(tenantId, ct))?.Version ?? "";
        var rules = await session.Query<RiskRuleListing>().Where(r => r.Status == "live").ToListAsync(ct);
        var own = await Entries(tenantId, ct);
        _blacklistedForTills[tenantId] = [.. own.Concat(platform)
            .Where(e => e is { Subject: RiskListSubjects.Card, List: RiskListKinds.Black, TillKey: not null }).Select(e => e.TillKey!).Distinct()];
        _sets[tenantId] = new RiskRuleSet(stamp,
            rules.Where(r => r.Live is not null).Select(r => new LiveRule(r.Id, r.LiveVersion ?? 0, r.Live!)), [.. own.Select(e => (e.Subject, e.Key, e.List)), .. platform.Select(e => (e.Subject, e.Key, e.List))]);
    }

    async Task<(string Subject, string Key, string List, string? TillKey)[]> Entries(string owner, CancellationToken ct)
    {
        await using var session = store.QuerySession(owner);
        var entries = await session.Query<RiskListEntry>().Select(e => new { e.Subject, e.Key, e.List, e.TillKey }).ToListAsync(ct);
        return [.. entries.Select(e => (e.Subject, e.Key, e.List, e.TillKey))];
    }

    public async Task<(IReadOnlyCollection<string> CardDigests, string Version)> BlacklistedCards(string tenantId, CancellationToken ct = default)
    {
        await Ensure(tenantId, ct);
        return (_blacklistedForTills.GetValueOrDefault(tenantId) ?? [], Current(tenantId).Stamp);
    }

    public Task<string> IdNumberDigest(string idNumber, CancellationToken ct = default) => Task.FromResult(Digests.OfIdNumber(idNumber)!);

    /// <summary>The keyed digest of a holder's ID number (<see cref="Digests.OfIdNumber"/>).</summary>
    public string? IdNumberDigestNow(string? idNumber) => Digests.OfIdNumber(idNumber);
}

/// <summary>Each silo looks at the stamps every second and reloads the tenants whose rules or lists changed.</summary>
public sealed class RiskBookFollower(RiskBook book, ILogger<RiskBookFollower> log) : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Every, stop);
                await book.Follow(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogWarning(e, "Reading the risk stamps failed; trying again");
            }
        }
    }
}
