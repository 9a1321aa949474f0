using System.Security.Cryptography;
using System.Text;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SceneFinance.Grains.Risk;
using SceneFinance.Grains.Tenants;
using SceneFinance.Platform.Postgres;
using SceneFinance.Platform.Security;

namespace SceneFinance.Grains.Cards;

/// <summary>A one-time change of stored data, recorded once it is done (platform-wide).</summary>
public sealed class DataMigration
{
    public string Id { get; set; } = "";
    public DateTimeOffset DoneAt { get; set; }
    public string Summary { get; set; } = "";
}

/// <summary>
/// Once per deployment, when a host starts: data kept under the unkeyed card digest (SHA-256 of the number) or the risk book's
/// own ID-number key moves to the keyed digests (<see cref="Digests"/>). Card assignments (the card grains' ids), card entries
/// of risk lists, risk cases and interceptions get <see cref="CardKeys.Of"/>; ID-number entries get <see cref="Digests.OfIdNumber"/>
/// and the old clear key is deleted. The numbers come from the card holders' events (registration, replacement). The offline
/// card list keeps the tills' key (<see cref="CardKeys.ForTill"/>): that is the tills' contract.
/// <para>Safe on a cluster: one host migrates under a <see cref="ClusterLock"/>, the others wait and find it recorded. Running it
/// again changes nothing (only keys found under the old digests move).</para>
/// </summary>
public sealed class KeyedDigestsMigration(IDocumentStore store, Sealer sealer, ILogger<KeyedDigestsMigration> log) : IHostedService
{
    public const string Id = "keyed-digests-v1";

    public Task StartAsync(CancellationToken ct) => Run(store, sealer, log, ct);

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>Migrates unless recorded as done; true when it ran.</summary>
    public static async Task<bool> Run(IDocumentStore store, Sealer sealer, ILogger log, CancellationToken ct = default)
    {
        await using var held = await ClusterLock.Acquire(store, "migration/" + Id, ct);
        List<string> tenants;
        byte[]? legacyIdKey;
        await using (var read = store.QuerySession())
        {
            if (await read.LoadAsync<DataMigration>(Id, ct) is not null) return false;
            tenants = [.. await read.Query<TenantRecord>().Select(t => t.Id).ToListAsync(ct)];
            legacyIdKey = (await read.LoadAsync<RiskDigestKey>("id-number", ct)) is { } k ? Convert.FromBase64String(k.Key) : null;
        }

        var cards = new Dictionary<string, string>();    // unkeyed digest → number, every tenant's (the platform's lists name any)
        var idNumbers = new Dictionary<string, string>(); // legacy ID-number digest → normalised number
        var moved = 0;
        foreach (var tenantId in tenants)
        {
            await using var session = store.LightweightSession(tenantId);
            var own = (await CardNumbers.All(session, ct: ct)).ToDictionary(CardKeys.ForTill, n => n);
            foreach (var (old, number) in own) cards[old] = number;
            if (legacyIdKey is not null)
                foreach (var id in (await session.Events.QueryRawEventDataOnly<CardHolders.CardHolderRegistered>().Where(e => e.IdNumber != null).Select(e => e.IdNumber!).ToListAsync(ct)).Select(n => sealer.Open(n)!))
                    idNumbers[LegacyIdDigest(legacyIdKey, id)] = id;
            var olds = own.Keys.ToArray();
            foreach (var a in await session.Query<CardAssignment>().Where(a => a.Id.IsOneOf(olds)).ToListAsync(ct))
            {
                session.Delete(a);
                session.Store(new CardAssignment { Id = CardKeys.Of(own[a.Id]), CardHolderId = a.CardHolderId, Retired = a.Retired });
                moved++;
            }
            foreach (var c in await session.Query<RiskCase>().Where(c => c.CardKey.IsOneOf(olds)).ToListAsync(ct))
            {
                c.CardKey = CardKeys.Of(own[c.CardKey]);
                session.Store(c);
                moved++;
            }
            foreach (var i in await session.Query<RiskInterception>().Where(i => i.CardKey.IsOneOf(olds)).ToListAsync(ct))
            {
                i.CardKey = CardKeys.Of(own[i.CardKey]);
                session.Store(i);
                moved++;
            }
            await session.SaveChangesAsync(ct);
        }

        foreach (var owner in tenants.Append(RiskOwners.Platform))
        {
            await using var session = store.LightweightSession(owner);
            var changed = false;
            foreach (var e in await session.Query<RiskListEntry>().ToListAsync(ct))
            {
                var key = e.Subject switch
                {
                    RiskListSubjects.Card when cards.TryGetValue(e.Key, out var number) => CardKeys.Of(number),
                    RiskListSubjects.IdNumber when idNumbers.TryGetValue(e.Key, out var id) => Digests.OfIdNumber(id),
                    _ => null,
                };
                if (key is null) continue;
                session.Delete(e);
                var tillKey = e.Subject == RiskListSubjects.Card ? e.Key : null;
                (e.Id, e.Key, e.TillKey) = (RiskListEntry.IdOf(e.List, e.Subject, key), key, tillKey);
                session.Store(e);
                (changed, moved) = (true, moved + 1);
            }
            // Each silo's risk book reloads the owner's lists.
            if (changed) session.Store(new RiskStamp { Id = owner, Version = Guid.NewGuid().ToString("N"), ChangedAt = DateTimeOffset.UtcNow });
            await session.SaveChangesAsync(ct);
        }

        await using (var done = store.LightweightSession())
        {
            // An ID number listed by nobody the tenants hold cannot be digested again (only its old digest is kept): it no longer matches.
            done.Delete<RiskDigestKey>("id-number");
            done.Store(new DataMigration { Id = Id, DoneAt = DateTimeOffset.UtcNow, Summary = $"{moved} documents moved to keyed digests" });
            await done.SaveChangesAsync(ct);
        }
        log.LogInformation("Keyed digests: {Moved} documents moved", moved);
        return true;
    }

    static string LegacyIdDigest(byte[] key, string idNumber)
    {
        var normal = new string([.. idNumber.Where(c => !char.IsWhiteSpace(c))]).ToUpperInvariant();
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(normal)), 0, 16);
    }
}
