using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Quartz;

namespace SceneFinance.Platform.Idempotency;

/// <summary>
/// Forgets the stored outcomes to money-moving requests once they are older than the retention
/// (<c>SceneFinance:Idempotency:RetentionDays</c>, default 7; the contract promises at least 24 h).
/// The movements themselves stay in their streams forever.
/// </summary>
[DisallowConcurrentExecution]
public sealed class StoredOutcomePurgeJob(IDocumentStore store, IConfiguration configuration, TimeProvider clock, ILogger<StoredOutcomePurgeJob> log) : IJob
{
    public static readonly JobKey Key = new("stored-outcome-purge", "platform");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        var days = Math.Max(1, configuration.GetValue("SceneFinance:Idempotency:RetentionDays", 7));
        var cutoff = clock.GetUtcNow().AddDays(-days);
        await using var session = store.LightweightSession();
        session.DeleteWhere<IdempotentResponse>(x => x.AnyTenant() && x.CreatedAt < cutoff);
        await session.SaveChangesAsync(ct);
        log.LogInformation("Purged stored outcomes older than {Cutoff:u}", cutoff);
    }
}
