using Marten;
using Microsoft.Extensions.Logging;
using Quartz;
using SceneFinance.Payments.Gateway;
using SceneFinance.Payments.Intents;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Payments.Janitor;

/// <summary>
/// Settles what notifications did not: every intent that still owes something (no outcome yet, money not yet
/// applied, a refund pending or to give back) and has had no news for a while is asked to reconcile with its
/// channel. Running it twice changes nothing more than running it once: each step is recorded before the next.
/// </summary>
[DisallowConcurrentExecution]
public sealed class GatewayJanitorJob(IDocumentStore store, IGrainFactory grains, GatewayOptions options, TimeProvider clock,
    ILogger<GatewayJanitorJob> log) : IJob
{
    public static readonly JobKey Key = new("gateway-janitor", "payments");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct) =>
        await Sweep(clock.GetUtcNow(), TimeSpan.FromSeconds(options.StaleAfterSeconds), ct);

    /// <summary>Reconciles the intents in need that have been quiet for <paramref name="quietFor"/>; returns how many.</summary>
    public async Task<int> Sweep(DateTimeOffset now, TimeSpan quietFor, CancellationToken ct = default)
    {
        var cutoff = now - quietFor;
        IReadOnlyList<IntentListing> due;
        await using (var session = store.QuerySession())
        {
            due = await session.Query<IntentListing>()
                .Where(x => x.AnyTenant() && x.NeedsAttention && x.UpdatedAt <= cutoff)
                .OrderBy(x => x.UpdatedAt)
                .Take(1000)
                .ToListAsync(ct);
        }
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (intent, _) =>
        {
            try
            {
                await grains.GetGrain<IPaymentIntentGrain>(GrainKeys.For(intent.TenantId, intent.Id)).Reconcile(now);
            }
            catch (Exception e)
            {
                log.LogWarning(e, "Janitor: intent {IntentId} of tenant {TenantId} could not be reconciled now", intent.Id, intent.TenantId);
            }
        });
        if (due.Count > 0) log.LogInformation("Janitor: reconciled {Count} payment intents", due.Count);
        return due.Count;
    }
}
