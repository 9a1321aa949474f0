using Marten;
using SceneFinance.Platform.Time;

namespace SceneFinance.Platform.Notifying;

/// <summary>What a simulated channel's recipient received (the sandbox outbox page lists them by phone or openid).</summary>
public sealed class ReceivedMessage
{
    /// <summary>The notification's id: a redelivery of the same one overwrites, as a real phone shows one message.</summary>
    public string Id { get; set; } = "";
    public string Channel { get; set; } = "";
    public string To { get; set; } = "";
    public string? TenantId { get; set; }
    public string Template { get; set; } = "";
    public string Text { get; set; } = "";
    public DateTimeOffset ReceivedAt { get; set; }
}

/// <summary>The simulated channels' faults (<c>SceneFinance:Notifications:*</c>), for trying retries by hand and in tests.</summary>
public sealed class NotificationOptions
{
    /// <summary>How often due and failed messages are tried again.</summary>
    public int DeliverEverySeconds { get; set; } = 5;
    /// <summary>Recipients (phone or openid) whose first N attempts fail in the simulator, e.g. "13900000000:2".</summary>
    public string[] FailFirst { get; set; } = [];
}

/// <summary>
/// The SDK stub of one channel in the sandbox: instead of an SMS gateway or WeChat's template API it keeps what each recipient
/// received. Faults for chosen recipients come from <see cref="NotificationOptions.FailFirst"/>.
/// It stands in for sandbox tenants only, like the payment simulator: a message of a live tenant, or of no tenant, is never kept
/// where the sandbox phone page could show it (a one-time code there would sign anyone in); it fails as undeliverable instead,
/// since no real gateway is configured for it.
/// </summary>
public sealed class SimulatedChannel(string name, IDocumentStore store, TimeProvider clock, NotificationOptions options, ITenantDirectory tenants)
    : INotificationChannel
{
    public const string NotSandbox = "no real channel is configured: the simulator delivers only sandbox tenants' messages";

    public string Name => name;

    /// <summary>Whether the simulator may stand in for this tenant's channel: a known tenant in sandbox mode.</summary>
    public static async Task<bool> IsSandbox(ITenantDirectory tenants, string? tenantId) =>
        tenantId is not null && await tenants.Find(tenantId) is { Live: false };

    public async Task<ChannelDelivery> Deliver(Notification message, CancellationToken ct)
    {
        if (!await IsSandbox(tenants, message.TenantId)) return new ChannelDelivery(false, NotSandbox);
        var failFirst = options.FailFirst.Select(f => f.Split(':')).FirstOrDefault(f => f.Length == 2 && f[0] == message.To) is { } rule && int.TryParse(rule[1], out var n) ? n : 0;
        if (message.Attempts < failFirst) return new ChannelDelivery(false, "simulated: the gateway is busy");
        await using var session = store.LightweightSession();
        session.Store(new ReceivedMessage
        {
            Id = message.Id, Channel = name, To = message.To, TenantId = message.TenantId, Template = message.Template, Text = message.Text, ReceivedAt = clock.GetUtcNow(),
        });
        await session.SaveChangesAsync(ct);
        return ChannelDelivery.Ok;
    }
}
