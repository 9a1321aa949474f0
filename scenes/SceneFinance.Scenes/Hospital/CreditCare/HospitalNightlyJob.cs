using Quartz;

namespace SceneFinance.Scenes.Hospital.CreditCare;

/// <summary>
/// Runs every minute and settles each tenant's credit care once its own settlement time has passed in its own time zone
/// (one trigger for all tenants, rather than a cron trigger per tenant to reschedule whenever a tenant changes its time).
/// Clustered Quartz and <see cref="DisallowConcurrentExecutionAttribute"/> keep it to one run at a time.
/// </summary>
[DisallowConcurrentExecution]
public sealed class HospitalNightlyJob(CreditSettlement settlement) : IJob
{
    public static readonly JobKey Key = new("hospital-credit-settlement", "hospital");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct) => await settlement.Sweep(ct);
}
