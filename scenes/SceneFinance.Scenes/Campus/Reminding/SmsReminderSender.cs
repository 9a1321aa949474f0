using SceneFinance.Platform.Notifying;

namespace SceneFinance.Scenes.Campus.Reminding;

/// <summary>
/// Hands each reminder to the notifier as an SMS to the guardian's phone, under an id naming the reminder: the notifier records it once
/// (a run after a restart changes nothing), delivers it, and retries a failed delivery with back-off.
/// </summary>
public sealed class SmsReminderSender(Notifier notifier) : IReminderSender
{
    public async Task<bool> Send(string tenantId, OutboxMessage message, CancellationToken ct)
    {
        await notifier.Send(new Notification
        {
            Id = $"campus-reminder:{tenantId}:{message.Id}", Channel = NotificationChannels.Sms, To = message.Phone, TenantId = tenantId,
            Template = message.Kind == "overdue" ? "bill-overdue" : "bill-due", Text = message.Text,
        }, ct: ct);
        return true;
    }
}
