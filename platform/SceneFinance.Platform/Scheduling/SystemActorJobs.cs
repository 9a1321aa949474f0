using Quartz;
using SceneFinance.Platform.Audit;

namespace SceneFinance.Platform.Scheduling;

/// <summary>
/// Every job on the one scheduler acts as the system (<see cref="AuditActor.System"/>, named after the job): what it changes is
/// audited like a person's action, in the same commit, and the auditor reads <c>system:{job}</c> as who did it. It is the
/// scheduler's middleware around each firing, so no job can forget it.
/// </summary>
public sealed class SystemActorMiddleware : IJobExecutionMiddleware
{
    public async ValueTask Invoke(IJobExecutionContext context, JobExecutionDelegate next, CancellationToken ct)
    {
        using (AuditActor.Use(AuditActor.System(context.JobDetail.Key.Name))) await next(context, ct);
    }
}
