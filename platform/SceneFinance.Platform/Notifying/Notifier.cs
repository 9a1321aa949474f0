using JasperFx;
using Marten;
using Marten.Exceptions;
using Microsoft.Extensions.Logging;

namespace SceneFinance.Platform.Notifying;

/// <summary>
/// The one way to tell someone something. <see cref="Send"/> records the message under its event's id (once: a repeat finds it and
/// changes nothing) and then tries its channel; a failed attempt is tried again with back-off by <see cref="NotificationJob"/>, up
/// to <see cref="MaxAttempts"/>, and every attempt is recorded on the message.
/// </summary>
public sealed class Notifier(IDocumentStore store, IEnumerable<INotificationChannel> channels, TimeProvider clock, ILogger<Notifier> log)
{
    public const int MaxAttempts = 6;
    static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    static readonly TimeSpan[] BackOff = [TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1)];

    readonly Dictionary<string, INotificationChannel> _channels = channels.ToDictionary(c => c.Name);

    /// <summary>The wait after the <paramref name="attempts"/>-th failed attempt.</summary>
    public static TimeSpan Wait(int attempts) => BackOff[Math.Clamp(attempts - 1, 0, BackOff.Length - 1)];

    /// <summary>
    /// Records <paramref name="message"/> once under its id and delivers it now, unless <paramref name="notBefore"/> says later
    /// (quiet hours). Answers the message as recorded (the first one, when this event was told already).
    /// </summary>
    public async Task<Notification> Send(Notification message, DateTimeOffset? notBefore = null, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var later = notBefore is { } at && at > now;
        message.Status = NotificationStatus.Queued;
        message.CreatedAt = now;
        message.NextAttemptAt = later ? notBefore!.Value : now + Lease; // leased to this call until it has tried
        await using (var session = store.LightweightSession())
        {
            session.Insert(message);
            try
            {
                await session.SaveChangesAsync(ct);
            }
            catch (DocumentAlreadyExistsException)
            {
                return (await Find(message.Id))!; // told already: once per event
            }
        }
        return later ? message : await Attempt(message, ct);
    }

    public async Task<Notification?> Find(string id)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<Notification>(id);
    }

    /// <summary>
    /// Tries every queued message whose time has come on a channel this host has (or only <paramref name="to"/>'s: a phone's "try again
    /// now"); how many were delivered.
    /// </summary>
    public async Task<int> DeliverDue(CancellationToken ct = default, string? to = null)
    {
        var now = clock.GetUtcNow();
        var names = _channels.Keys.ToArray();
        IReadOnlyList<Notification> due;
        await using (var session = store.QuerySession())
        {
            var query = session.Query<Notification>().Where(n => n.Status == NotificationStatus.Queued && n.NextAttemptAt <= now && names.Contains(n.Channel));
            if (to is not null) query = query.Where(n => n.To == to);
            due = await query.OrderBy(n => n.NextAttemptAt).Take(500).ToListAsync(ct);
        }
        var delivered = 0;
        foreach (var message in due)
        {
            if (!await Claim(message, now, ct)) continue;
            if ((await Attempt(message, ct)).Status == NotificationStatus.Sent) delivered++;
        }
        return delivered;
    }

    /// <summary>
    /// Takes the message for one attempt: still queued and due, its next attempt moves past the lease. The job runs on one host at a
    /// time (clustered, no concurrent execution) and <see cref="Send"/> leases what it tries itself, so a message is tried by one caller.
    /// </summary>
    async Task<bool> Claim(Notification message, DateTimeOffset now, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var current = await session.LoadAsync<Notification>(message.Id, ct);
        if (current is not { Status: NotificationStatus.Queued } || current.NextAttemptAt > now) return false;
        message.NextAttemptAt = now + Lease;
        session.Store(message);
        await session.SaveChangesAsync(ct);
        return true;
    }

    async Task<Notification> Attempt(Notification message, CancellationToken ct)
    {
        ChannelDelivery result;
        try
        {
            result = _channels.TryGetValue(message.Channel, out var channel)
                ? await channel.Deliver(message, ct)
                : new ChannelDelivery(false, $"no channel '{message.Channel}' is registered");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "Notification {Id} on {Channel} failed", message.Id, message.Channel);
            result = new ChannelDelivery(false, e.Message);
        }
        var now = clock.GetUtcNow();
        message.Attempts++;
        message.LastError = result.Error;
        if (result.Delivered) (message.Status, message.SentAt) = (NotificationStatus.Sent, now);
        else if (message.Attempts >= MaxAttempts) message.Status = NotificationStatus.Failed;
        else message.NextAttemptAt = now + Wait(message.Attempts);
        await using var session = store.LightweightSession();
        session.Store(message);
        await session.SaveChangesAsync(ct);
        return message;
    }
}
