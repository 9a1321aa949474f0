namespace SceneFinance.Platform.Notifying;

public static class NotificationChannels
{
    public const string Sms = "sms", WeChatTemplate = "wechat-template", InApp = "in-app";
    public static readonly string[] All = [Sms, WeChatTemplate, InApp];
}

public static class NotificationStatus
{
    public const string Queued = "queued", Sent = "sent", Failed = "failed";
}

/// <summary>
/// One message to one recipient on one channel (platform-wide document). Its id names the event it tells of (a bill issued, a code sent,
/// a reminder): recording it a second time changes nothing, so each event is told once, even across a restart or on several hosts.
/// </summary>
public sealed class Notification
{
    public string Id { get; set; } = "";
    public string Channel { get; set; } = NotificationChannels.Sms;
    /// <summary>A phone for SMS, an openid for WeChat, a username for in-app.</summary>
    public string To { get; set; } = "";
    public string? TenantId { get; set; }
    /// <summary>The template it was written from (<c>bill-issued</c>, <c>one-time-code</c>...).</summary>
    public string Template { get; set; } = "";
    public string Text { get; set; } = "";
    public string Status { get; set; } = NotificationStatus.Queued;
    public int Attempts { get; set; }
    /// <summary>When the next delivery attempt is due (also a lease: an attempt under way pushes it out, so no other host takes it).</summary>
    public DateTimeOffset NextAttemptAt { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
}

/// <summary>What a channel's SDK answered: delivered, or why not (it is tried again with back-off).</summary>
public sealed record ChannelDelivery(bool Delivered, string? Error = null)
{
    public static readonly ChannelDelivery Ok = new(true);
}

/// <summary>
/// A way to reach people (SMS, WeChat template message, in-app). Each is an SDK stub behind this interface; the sandbox registers
/// simulators that keep what each phone or openid received. Add one by implementing this and registering it.
/// </summary>
public interface INotificationChannel
{
    string Name { get; }
    Task<ChannelDelivery> Deliver(Notification message, CancellationToken ct);
}
