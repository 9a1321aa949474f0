using Marten;
using SceneFinance.Grains.Canteen;
using SceneFinance.Grains.OfflineTills;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Storage;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Platform.Time;

namespace SceneFinance.Grains.Terminals;

/// <summary>
/// Offline uploads. The till's offline caps are per local day: what it may accept in all and for one card. The totals are
/// kept here, one offline item at a time per till (the grain is reentrant, so a lock serializes them), rebuilt from the
/// till's offline sales of the day when first needed.
/// </summary>
public sealed partial class MerchantTerminalGrain
{
    readonly SemaphoreSlim _offline = new(1, 1);
    readonly Dictionary<DateOnly, TillDay> _offlineDays = [];

    /// <summary>What a till honoured offline on one local day: in all and per card holder.</summary>
    sealed class TillDay
    {
        public long Total { get; set; }
        public Dictionary<string, long> ByHolder { get; } = [];
    }

    async Task<Outcome<PaymentResult>> IMerchantTerminalGrain.PayOffline(TerminalPayment p, long listVersion, DateTimeOffset now)
    {
        if (_record is null) return Refusal.NotFound("The terminal");
        _lastSeen = now;
        // An item uploaded again is answered as the first time, before it could count against a cap twice.
        if (await StoredOutcomes.Find<PaymentResult>(store, _tenantId, p.Ticket) is { } answered) return answered;
        await _offline.WaitAsync();
        try
        {
            if (await grains.GetGrain<ITenantGrain>(_tenantId).GetPaymentPolicy() is not { } policy) return Refusal.NotFound("The tenant");
            var merchantId = _record.MerchantOf(_tenantId);
            var holderId = await grains.GetGrain<ICardGrain>(CardKeys.Grain(_tenantId, p.CardNumber)).Holder();
            var tap = await CanteenTerms(merchantId, p.OccurredAt, offline: true);
            var day = TenantTime.In(policy.TimeZone, now).DayOf(p.OccurredAt);
            var paymentId = Ids.New("pay");
            var active = _record.Status == "active";
            if (holderId is null) return await UnknownCard(p, paymentId, policy.Active, active, merchantId, day, listVersion, now);

            var listed = await grains.GetGrain<IOfflineCardListGrain>(_tenantId).ListedAt(CardKeys.ForTill(p.CardNumber), listVersion);
            var till = await TillDayOf(day);
            var offline = new OfflineTap(listVersion, listed, till.Total, till.ByHolder.GetValueOrDefault(holderId), tap.OfflineTillCap, tap.OfflineHolderCap);
            var outcome = await grains.GetGrain<ICardHolderGrain>(GrainKeys.For(_tenantId, holderId)).Pay(new Pay(
                paymentId, _id, merchantId, p.CardNumber, p.Amount, p.OccurredAt, day, policy.Active, active, policy.SinglePaymentCap, p.Ticket, now,
                Canteen: tap.Terms with { Offline = offline, Campaign = null }));
            if (outcome.Value is { Approved: true } result && result.PaymentId == paymentId)
            {
                till.Total += p.Amount;
                till.ByHolder[holderId] = till.ByHolder.GetValueOrDefault(holderId) + p.Amount;
            }
            return outcome;
        }
        finally
        {
            _offline.Release();
        }
    }

    /// <summary>A card nobody holds: nothing moves; the tap is recorded as an exception with its answer, in one commit.</summary>
    async Task<Outcome<PaymentResult>> UnknownCard(TerminalPayment p, string paymentId, bool tenantActive, bool terminalActive, string merchantId,
        DateOnly day, long listVersion, DateTimeOffset now)
    {
        var (code, reason) = !tenantActive ? (ErrorCodes.TenantSuspended, OfflineExceptionReasons.TenantSuspended)
            : !terminalActive ? (ErrorCodes.TerminalDisabled, OfflineExceptionReasons.TerminalDisabled)
            : (ErrorCodes.NotFound, OfflineExceptionReasons.UnknownCard);
        var answer = new PaymentResult(paymentId, "declined", code, p.Amount, null, OfflineException: reason);
        var exception = new OfflineException
        {
            Id = paymentId, Reason = reason, DeclineCode = code, TerminalId = _id, MerchantId = merchantId, CardLast4 = p.CardNumber.Length > 4 ? p.CardNumber[^4..] : p.CardNumber,
            PaymentId = paymentId, Amount = p.Amount, ListVersion = listVersion, LocalDay = day, OccurredAt = p.OccurredAt, RecordedAt = now,
        };
        var result = await commits.Commit(new CommitUnit(_tenantId, null, 0, [], [exception, StoredOutcomes.Record(p.Ticket, answer, now)]));
        return result.Status == CommitStatus.Committed ? answer
            : await StoredOutcomes.Find<PaymentResult>(store, _tenantId, p.Ticket) ?? throw new InvalidOperationException("A duplicate ticket has no stored outcome.");
    }

    async Task<TillDay> TillDayOf(DateOnly day)
    {
        if (_offlineDays.TryGetValue(day, out var known)) return known;
        await using var session = store.QuerySession(_tenantId);
        var sales = await session.Query<Sale>().Where(s => s.TerminalId == _id && s.LocalDay == day && s.Offline)
            .Select(s => new { s.CardHolderId, s.Amount }).ToListAsync();
        var till = new TillDay { Total = sales.Sum(s => s.Amount) };
        foreach (var g in sales.GroupBy(s => s.CardHolderId)) till.ByHolder[g.Key] = g.Sum(s => s.Amount);
        foreach (var old in _offlineDays.Keys.Where(d => d < day.AddDays(-CardHolders.CardHolder.DaysKept)).ToList()) _offlineDays.Remove(old);
        return _offlineDays[day] = till;
    }
}
