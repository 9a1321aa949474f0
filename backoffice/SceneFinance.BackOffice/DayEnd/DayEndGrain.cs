using Marten;
using Microsoft.Extensions.Logging;
using SceneFinance.BackOffice.Ledger;
using SceneFinance.Grains.Tenants;
using SceneFinance.Platform.Storage;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Platform.Time;

namespace SceneFinance.BackOffice.DayEnd;

/// <summary>
/// One tenant's day-end. The close reads the ledger up to its cut only after every transaction begun before the cut is done
/// (<see cref="LedgerWindow.WaitOut"/>), then lets the pure decider record it with its snapshot in one commit.
/// </summary>
public sealed class DayEndGrain(StreamWriters writers, LedgerWindow ledger, TenantClock clock, IDocumentStore store, ILogger<DayEndGrain> log) : Grain, IDayEndGrain
{
    /// <summary>How long a close waits for transactions begun before its cut: a commit takes milliseconds, but on a loaded machine the
    /// tests saw one stay open for over 15 s; the grain call's own limit (30 s) bounds it.</summary>
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(25);

    StreamWriter<DayEnd> _dayEnd = null!;
    string _tenantId = "";

    public static string KeyOf(string tenantId) => GrainKeys.For(tenantId, "day-end");

    public override Task OnActivateAsync(CancellationToken ct)
    {
        _tenantId = GrainKeys.Parse(this.GetPrimaryKeyString()).TenantId;
        _dayEnd = writers.For<DayEnd>(_tenantId, $"day-end-{_tenantId}", DayEnd.Fold, Refusal.NotFound("The tenant's day-end"));
        return _dayEnd.Load(ct);
    }

    async Task<DayEndStatus> IDayEndGrain.Status(DateTimeOffset now)
    {
        await Started(now);
        return await View();
    }

    async Task<Outcome<DayEndStatus>> IDayEndGrain.Configure(TimeOnly? cutOff, int? settlementLagDays, int? reconciliationLagDays, string by, DateTimeOffset now)
    {
        var first = await FirstDay(now);
        var outcome = await _dayEnd.Start(s => DayEndDecisions.Configure(s, new Configure(_tenantId, cutOff, settlementLagDays, reconciliationLagDays, first, by, now)),
            (_, _) => true);
        return outcome.Refusal is { } refusal ? refusal : await View();
    }

    async Task<Outcome<ClosedDayView>> IDayEndGrain.Close(DateOnly? day, bool byHand, string by, DateTimeOffset now)
    {
        await Started(now);
        var s = _dayEnd.State!;
        var target = day ?? s.OpenDay;
        if (s.Closed(target) is { } done) return View(done);
        if (target != s.OpenDay) return Refusal.Conflict($"Only the open business day ({s.OpenDay:yyyy-MM-dd}) can be closed; days close in order.");

        var cutOff = s.CutOffOf(target, await clock.For(_tenantId));
        if (!byHand && cutOff > now) return Refusal.Conflict($"The cut-off of {target:yyyy-MM-dd} has not come yet.");
        var databaseNow = await ledger.DatabaseNow();
        var cut = cutOff < databaseNow ? cutOff : databaseNow;
        if (cut < s.OpenFrom) cut = s.OpenFrom;
        if (!await ledger.WaitOut(cut, Patience))
            {
            log.LogWarning("The close of {Tenant} {Day} gave up waiting for transactions begun before its cut: {Blockers}", _tenantId, target, ledger.Blockers);
            return Refusal.Unavailable("day_end_busy", "Transactions begun before the cut are still open; the close tries again shortly.");
        }

        var movements = await ledger.Movements(_tenantId, s.OpenFrom, cut);
        var count = await ledger.Count(_tenantId, s.OpenFrom, cut);
        var previous = s.Days.IsEmpty ? null : await Snapshot(s.Days[^1].Day);
        var snapshot = DaySnapshot.Build(_tenantId, target, s.OpenFrom, cut, previous, movements, count);
        return await _dayEnd.Write(st => DayEndDecisions.Close(st, new CloseDay(target, snapshot, byHand, by, now)), st => View(st.Closed(target)!));
    }

    Task<Outcome<ClosedDayView>> IDayEndGrain.SettlementCompleted(DateOnly day, int statements, long payouts, long fees, DateTimeOffset now) =>
        _dayEnd.Write(s => DayEndDecisions.SettlementCompleted(s, day, statements, payouts, fees, now), s => View(s.Closed(day)!));

    Task<Outcome<ClosedDayView>> IDayEndGrain.ReconciliationCompleted(DateOnly day, int exceptions, DateTimeOffset now) =>
        _dayEnd.Write(s => DayEndDecisions.ReconciliationCompleted(s, day, exceptions, now), s => View(s.Closed(day)!));

    /// <summary>The stream starts with the default terms (00:00, T+1) in the business day the tenant was created in.</summary>
    async Task Started(DateTimeOffset now)
    {
        if (_dayEnd.State is not null) return;
        var first = await FirstDay(now);
        await _dayEnd.Start(s => s is null ? DayEndDecisions.Configure(null, new Configure(_tenantId, null, null, null, first, "system", now)) : Decided.Nothing,
            (_, _) => true);
    }

    async Task<DateOnly> FirstDay(DateTimeOffset now)
    {
        await using var session = store.QuerySession();
        var created = (await session.LoadAsync<TenantRecord>(_tenantId))?.CreatedAt ?? now;
        return (await clock.For(_tenantId)).BusinessDayOf(created, TimeOnly.MinValue);
    }

    async Task<DaySnapshot?> Snapshot(DateOnly day)
    {
        await using var session = store.QuerySession(_tenantId);
        return await session.LoadAsync<DaySnapshot>(DaySnapshot.IdOf(_tenantId, day));
    }

    async Task<DayEndStatus> View()
    {
        var s = _dayEnd.State!;
        var zone = await clock.For(_tenantId);
        return new DayEndStatus(_tenantId, s.CutOff.ToString("HH:mm"), s.SettlementLagDays, s.ReconciliationLagDays, s.OpenDay, s.OpenFrom,
            s.CutOffOf(s.OpenDay, zone), s.Days.Reverse().Select(View).ToList());
    }

    static ClosedDayView View(ClosedDay d) =>
        new(d.Day, d.From, d.Cut, d.ClosedAt, d.ByHand, d.By, d.MoneyEvents, d.TotalDebit, d.TotalCredit, d.Settled, d.Reconciled);
}
