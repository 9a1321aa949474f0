using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SceneFinance.Platform.Postgres;
using SceneFinance.Platform.Security;

namespace SceneFinance.Scenes.Hospital.PostingOrders;

/// <summary>
/// At startup, seals the HIS clients' secrets written in the clear before sealing existed: the terminals' twin (TerminalSecrets
/// in the grains, which says why at startup), one host at a time, idempotent.
/// </summary>
public sealed class SealHisSecretsAtRest(IDocumentStore store, Sealer sealer, ILogger<SealHisSecretsAtRest> log) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        await using var held = await ClusterLock.Acquire(store, "seal-his-secrets", ct);
        if (await HisSignature.SealAtRest(store, sealer, ct) is > 0 and var n) log.LogInformation("Sealed the secrets of {HisClients} HIS clients at rest", n);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
