using Quartz;

namespace SceneFinance.Platform.Notifying;

/// <summary>Retries what could not be delivered yet (and sends what waited for quiet hours to end), on the one scheduler.</summary>
[DisallowConcurrentExecution]
public sealed class NotificationJob(Notifier notifier) : IJob
{
    public static readonly JobKey Key = new("notifications-delivery", "platform");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct) => await notifier.DeliverDue(ct);
}
