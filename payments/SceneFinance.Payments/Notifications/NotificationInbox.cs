using Marten;
using Microsoft.Extensions.Logging;
using SceneFinance.Payments.Gateway;
using SceneFinance.Payments.Intents;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Payments.Notifications;

/// <summary>
/// Where channels' notifications land (over HTTP, or in-process from the simulator): verified by the channel's
/// adapter (signature, timestamp window), deduplicated on the notification id, handed to the intent, and answered
/// the way the channel expects. "Received" is only said after the intent recorded what the notification means;
/// anything else makes the channel deliver again.
/// </summary>
public sealed class NotificationInbox(ChannelAdapters adapters, IDocumentStore store, IGrainFactory grains, IEnumerable<IAgreementHolder> holders, TimeProvider clock,
    ILogger<NotificationInbox> log)
{
    public async Task<ChannelAnswer?> Receive(string channel, InboundNotification notification)
    {
        var now = clock.GetUtcNow();
        // The live adapter (real keys) is asked first; a notification only the simulator's keys verify speaks for sandbox orders only.
        IChannelAdapter? adapter = null;
        ChannelNotice? read = null;
        var live = false;
        foreach (var (candidate, isLive) in new[] { (adapters.Find(channel, live: true), true), (adapters.Find(channel), false) })
        {
            if (candidate is null) continue;
            adapter ??= candidate;
            try
            {
                read = candidate.Read(notification, now);
                (adapter, live) = (candidate, isLive);
                break;
            }
            catch (NotificationRejectedException e)
            {
                log.LogWarning("{Channel}: refused a notification: {Reason}", channel, e.Message);
            }
        }
        if (adapter is null) return null;
        if (read is not { } notice) return adapter.Answer(false) with { StatusCode = 401 };
        try
        {
            await using (var query = store.QuerySession())
            {
                if (await query.LoadAsync<ReceivedNotification>($"{channel}:{notice.NotificationId}") is not null) return adapter.Answer(true);
                if (notice.AgreementNo is { } agreementNo) return await Agreement(channel, adapter, live, notice, agreementNo, now);
                if (await query.LoadAsync<ChannelOrder>(ChannelOrder.Key(channel, notice.OrderNo)) is not { } order)
                {
                    log.LogWarning("{Channel}: a notification names order {OrderNo}, which is not ours", channel, notice.OrderNo);
                    return adapter.Answer(true);
                }
                if (order.Live != live)
                {
                    log.LogWarning("{Channel}: a {Mode} notification names order {OrderNo} of the other mode; refused", channel, live ? "live" : "sandbox", notice.OrderNo);
                    return adapter.Answer(false) with { StatusCode = 401 };
                }
                var view = (await grains.GetGrain<IPaymentIntentGrain>(GrainKeys.For(order.TenantId, order.IntentId)).Notify(notice, now)).Value
                           ?? throw new InvalidOperationException($"Intent {order.IntentId} of a known channel order does not exist.");
                await using var session = store.LightweightSession();
                session.Store(new ReceivedNotification
                {
                    Id = $"{channel}:{notice.NotificationId}", TenantId = order.TenantId, IntentId = order.IntentId,
                    Status = notice.RefundNo is null ? notice.Status : $"refund {notice.Status}", ReceivedAt = now,
                });
                await session.SaveChangesAsync();
                log.LogInformation("{Channel}: notification for intent {IntentId}, now {Status}", channel, view.Id, view.Status);
            }
            return adapter.Answer(true);
        }
        catch (Exception e)
        {
            log.LogWarning(e, "{Channel}: a notification could not be processed now; the channel will deliver it again", channel);
            return adapter.Answer(false);
        }
    }

    /// <summary>A withholding agreement signed or terminated: its holder hears of it (idempotently), then the channel is answered.</summary>
    async Task<ChannelAnswer> Agreement(string channel, IChannelAdapter adapter, bool live, ChannelNotice notice, string agreementNo, DateTimeOffset now)
    {
        AgreementOwner? owner;
        await using (var query = store.QuerySession())
            owner = await query.LoadAsync<AgreementOwner>(AgreementOwner.Key(channel, agreementNo));
        if (owner is null)
        {
            log.LogWarning("{Channel}: a notification names agreement {AgreementNo}, which is not ours", channel, agreementNo);
            return adapter.Answer(true);
        }
        if (owner.Live != live) return adapter.Answer(false) with { StatusCode = 401 };
        var holder = holders.FirstOrDefault(h => h.Kind == owner.Kind) ?? throw new InvalidOperationException($"No holder of agreements of kind {owner.Kind}.");
        await holder.Changed(owner.TenantId, new AgreementChange(channel, agreementNo, owner.AgreementId, owner.TargetId, notice.Status, notice.TransactionId, now));
        await using var session = store.LightweightSession();
        session.Store(new ReceivedNotification
        {
            Id = $"{channel}:{notice.NotificationId}", TenantId = owner.TenantId, IntentId = owner.AgreementId, Status = $"agreement {notice.Status}", ReceivedAt = now,
        });
        await session.SaveChangesAsync();
        return adapter.Answer(true);
    }
}
