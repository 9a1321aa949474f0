using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using JasperFx;
using Marten;
using Marten.Exceptions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SceneFinance.Grains.Risk;

/// <summary>The key ID numbers are digested with: made once, kept in the database so every silo digests alike.</summary>
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
public sealed class RiskBook(IDocumentStore store, ILogger<RiskBook> log) : IRiskBook
{
    readonly ConcurrentDictionary<string, RiskRuleSet> _sets = new();
    readonly ConcurrentDictionary<string, string> _known = new();
    volatile (string Subject, string Key, string List)[]? _platform;
    readonly SemaphoreSlim _one = new(1, 1); // one reload at a time: an older read never overwrites a newer one
    byte[]? _key;

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
        _key ??= await DigestKey(ct);
        var platform = _platform ??= await Entries(RiskOwners.Platform, ct);
        await using var session = store.QuerySession(tenantId);
        var stamp = (await session.LoadAsync<RiskStamp>(tenantId, ct))?.Version ?? "";
        var rules = await session.Query<RiskRuleListing>().Where(r => r.Status == "live").ToListAsync(ct);
        var own = await Entries(tenantId, ct);
        _sets[tenantId] = new RiskRuleSet(stamp,
            rules.Where(r => r.Live is not null).Select(r => new LiveRule(r.Id, r.LiveVersion ?? 0, r.Live!)), [.. own, .. platform]);
    }

    async Task<(string Subject, string Key, string List)[]> Entries(string owner, CancellationToken ct)
    {
        await using var session = store.QuerySession(owner);
        var entries = await session.Query<RiskListEntry>().Select(e => new { e.Subject, e.Key, e.List }).ToListAsync(ct);
        return [.. entries.Select(e => (e.Subject, e.Key, e.List))];
    }

    public async Task<(IReadOnlyCollection<string> CardDigests, string Version)> BlacklistedCards(string tenantId, CancellationToken ct = default)
    {
        await Ensure(tenantId, ct);
        var set = Current(tenantId);
        return ([.. set.Keys(RiskListSubjects.Card, ListKinds.Black)], set.Stamp);
    }

    public async Task<string> IdNumberDigest(string idNumber, CancellationToken ct = default) => Digest(_key ??= await DigestKey(ct), idNumber);

    /// <summary>The digest of a holder's ID number from memory (the key is read with the first tenant's set).</summary>
    public string? IdNumberDigestNow(string? idNumber) => idNumber is null || _key is null ? null : Digest(_key, idNumber);

    static string Digest(byte[] key, string idNumber)
    {
        var normal = new string([.. idNumber.Where(c => !char.IsWhiteSpace(c))]).ToUpperInvariant();
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(normal)), 0, 16);
    }

    async Task<byte[]> DigestKey(CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        if (await session.LoadAsync<RiskDigestKey>("id-number", ct) is { } found) return Convert.FromBase64String(found.Key);
        session.Insert(new RiskDigestKey { Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) });
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is DocumentAlreadyExistsException or MartenCommandException)
        {
            log.LogDebug("Another silo made the ID number key first");
        }
        await using var read = store.QuerySession();
        return Convert.FromBase64String((await read.LoadAsync<RiskDigestKey>("id-number", ct))!.Key);
    }
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
