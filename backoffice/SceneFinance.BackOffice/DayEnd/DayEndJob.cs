using Marten;
using Microsoft.Extensions.Logging;
using Quartz;
using SceneFinance.BackOffice.Reconciling;
using SceneFinance.BackOffice.Settling;
using SceneFinance.Grains.Tenants;

namespace SceneFinance.BackOffice.DayEnd;

/// <summary>
/// The day-end on the one clustered scheduler: every minute it closes each tenant's days whose cut-off passed (in the tenant's
/// zone), settles the closed days that are due (T+n) and reconciles the days due (channels publish a day's statement the day
/// after). Everything it does is idempotent, so a second silo, a retry after a crash or an officer doing it by hand meanwhile
/// changes nothing twice.
/// </summary>
[DisallowConcurrentExecution]
public sealed class DayEndJob(IDocumentStore store, IGrainFactory grains, SettlementRuns settlement, Reconciler reconciler, TimeProvider clock,
    ILogger<DayEndJob> log) : IJob
{
    public static readonly JobKey Key = new("day-end", "back-office");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        List<string> tenants;
        await using (var session = store.QuerySession())
            tenants = (await session.Query<TenantRecord>().Select(t => t.Id).ToListAsync(ct)).ToList();
        foreach (var tenantId in tenants)
        {
            try
            {
                await Tenant(tenantId, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Day-end of tenant {Tenant} failed; the next run tries again", tenantId);
            }
        }
    }

    /// <summary>Closes, settles and reconciles what is due for one tenant.</summary>
    public async Task Tenant(string tenantId, CancellationToken ct = default)
    {
        var dayEnd = grains.GetGrain<IDayEndGrain>(DayEndGrain.KeyOf(tenantId));
        var status = await dayEnd.Status(clock.GetUtcNow());
        while (status.OpenUntil <= clock.GetUtcNow() && !ct.IsCancellationRequested)
        {
            var closed = await dayEnd.Close(status.OpenDay, byHand: false, "day-end", clock.GetUtcNow());
            if (closed.Refused) return;
            status = await dayEnd.Status(clock.GetUtcNow());
        }
        if (status.Days.Count == 0) return;
        var last = status.Days[0].Day;
        foreach (var day in status.Days.Reverse().Where(d => !d.Settled && d.Day <= last.AddDays(1 - status.SettlementLagDays)))
            if ((await settlement.Run(tenantId, day.Day, "day-end", clock.GetUtcNow())).Refused) break;
        foreach (var day in status.Days.Reverse().Where(d => !d.Reconciled && d.Day <= last.AddDays(-status.ReconciliationLagDays)))
            if ((await reconciler.Run(tenantId, day.Day, clock.GetUtcNow(), ct)).Refused) break;
    }
}
