using Microsoft.Extensions.Logging;

namespace SceneFinance.Scenes.Hospital.PayingOrders;

/// <summary>A channel's money committed to a patient's account (orders paid, the deposit, credit care repaid).</summary>
public sealed record PaidNotice(string TenantId, string PatientId, string IntentId, string Kind, long Amount);

/// <summary>
/// Tells the screens of this process waiting for a patient's QR payment (the kiosk, the cashier's page) that its money was
/// committed, so they show the receipt at once instead of asking the gateway every second. The fulfilment publishes after the
/// patient's account committed; a screen subscribes for one patient and unsubscribes when it goes away. In-process on
/// purpose: a screen of another host learns the outcome when it reads the account (on its next render).
/// </summary>
public sealed class PaidNotices(ILogger<PaidNotices> log)
{
    readonly Lock _lock = new();
    readonly Dictionary<(string TenantId, string PatientId), List<Action<PaidNotice>>> _waiting = [];

    public IDisposable Subscribe(string tenantId, string patientId, Action<PaidNotice> onPaid)
    {
        var key = (tenantId, patientId);
        lock (_lock)
        {
            if (!_waiting.TryGetValue(key, out var handlers)) _waiting[key] = handlers = [];
            handlers.Add(onPaid);
        }
        return new Subscription(() =>
        {
            lock (_lock)
                if (_waiting.TryGetValue(key, out var handlers) && handlers.Remove(onPaid) && handlers.Count == 0) _waiting.Remove(key);
        });
    }

    public void Publish(PaidNotice notice)
    {
        Action<PaidNotice>[] handlers;
        lock (_lock)
            handlers = _waiting.TryGetValue((notice.TenantId, notice.PatientId), out var waiting) ? [.. waiting] : [];
        foreach (var handler in handlers)
        {
            try
            {
                handler(notice);
            }
            catch (Exception e)
            {
                // The money is committed whatever a screen does with the news; a failing screen must not make the gateway retry.
                log.LogWarning(e, "A screen waiting for patient {PatientId}'s payment failed to take the notice", notice.PatientId);
            }
        }
    }

    sealed class Subscription(Action unsubscribe) : IDisposable
    {
        int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) unsubscribe();
        }
    }
}
