using SceneFinance.Platform.Notifying;
using SceneFinance.Platform.Time;

namespace SceneFinance.Scenes.Campus.Reminding;

/// <summary>
/// Hands each reminder to the notifier as an SMS to the guardian's phone, under an id naming the reminder: the notifier records it once
/// (a run after a restart changes nothing), delivers it, and retries a failed delivery with back-off. A reminder is not urgent: during
/// the school's quiet hours (its zone, from the tenant clock) it waits until they end.
/// </summary>
public sealed class SmsReminderSender(Notifier notifier, TenantClock clock) : IReminderSender
{
    public async Task<bool> Send(string tenantId, OutboxMessage message, CancellationToken ct)
    {
        var local = await clock.For(tenantId);
        var notBefore = QuietHours.Default.NextAllowed(local.Now, local.Zone);
        await notifier.Send(new Notification
        {
            Id = $"campus-reminder:{tenantId}:{message.Id}", Channel = NotificationChannels.Sms, To = message.Phone, TenantId = tenantId,
            Template = message.Kind == "overdue" ? "bill-overdue" : "bill-due", Text = message.Text,
        }, notBefore, ct);
        return true;
    }
}
