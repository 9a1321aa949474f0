using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SceneFinance.Platform.Postgres;
using SceneFinance.Platform.Security;

namespace SceneFinance.Grains.Terminals;

/// <summary>
/// At startup, seals the terminal secrets written in the clear before sealing existed. A startup pass rather than sealing on
/// first touch: a terminal nobody uses would otherwise keep its clear secret at rest for ever. One host at a time
/// (<see cref="ClusterLock"/>), and only clear values are touched, so it is idempotent and a host starting later finds nothing
/// to do. Every write after that seals too (the terminal grain seals whatever it read). The HIS clients' twin is in the
/// hospital scene (SealHisSecretsAtRest).
/// </summary>
public sealed class TerminalSecrets(IDocumentStore store, Sealer sealer, ILogger<TerminalSecrets> log) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        await using var held = await ClusterLock.Acquire(store, "seal-terminal-secrets", ct);
        if (await SealAtRest(store, sealer, ct) is > 0 and var n) log.LogInformation("Sealed the secrets of {Terminals} terminals at rest", n);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>Seals every terminal secret still in the clear, in every tenant; returns how many terminals it sealed.</summary>
    public static async Task<int> SealAtRest(IDocumentStore store, Sealer sealer, CancellationToken ct)
    {
        await using var query = store.QuerySession();
        var clear = await query.Query<TerminalRecord>().Where(x => x.AnyTenant() && !x.Secret.StartsWith(Sealer.Prefix)).ToListAsync(ct);
        foreach (var terminal in clear)
        {
            var tenantId = (await query.MetadataForAsync(terminal, ct))!.TenantId;
            (terminal.Secret, terminal.PreviousSecret) = (sealer.Seal(terminal.Secret)!, sealer.Seal(terminal.PreviousSecret));
            await using var session = store.LightweightSession(tenantId);
            session.Store(terminal);
            await session.SaveChangesAsync(ct);
        }
        return clear.Count;
    }
}
