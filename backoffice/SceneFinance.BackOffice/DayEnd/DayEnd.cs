using System.Collections.Immutable;
using SceneFinance.Platform.Storage;
using SceneFinance.Platform.Time;

namespace SceneFinance.BackOffice.DayEnd;

// A tenant's day-end stream: its cut-off and settlement terms, and each business day it closed. Past tense, the tenant first.

/// <summary>The tenant's day-end terms: the local time its business day turns, T+n settlement, when reconciliation runs.</summary>
public sealed record DayEndConfigured(
    string TenantId, TimeOnly CutOff, int SettlementLagDays, int ReconciliationLagDays, DateOnly FirstDay, string By, DateTimeOffset ConfiguredAt);

/// <summary>
/// A business day is closed: every money event committed in [<see cref="From"/>, <see cref="Cut"/>) belongs to it, and nothing
/// can be committed in that window any more. Its snapshot (each account's opening, debits, credits, closing) is stored with it.
/// </summary>
public sealed record BusinessDayClosed(
    string TenantId, DateOnly Day, DateTimeOffset From, DateTimeOffset Cut, long MoneyEvents, long TotalDebit, long TotalCredit,
    bool ByHand, string By, DateTimeOffset ClosedAt);

public sealed record DaySettlementCompleted(string TenantId, DateOnly Day, int Statements, long Payouts, long Fees, DateTimeOffset CompletedAt);

public sealed record DayReconciliationCompleted(string TenantId, DateOnly Day, int Exceptions, DateTimeOffset CompletedAt);

public sealed record ClosedDay(
    DateOnly Day, DateTimeOffset From, DateTimeOffset Cut, DateTimeOffset ClosedAt, bool ByHand, string By, long MoneyEvents,
    long TotalDebit, long TotalCredit, bool Settled = false, bool Reconciled = false);

/// <summary>A tenant's day-end as its events made it.</summary>
public sealed record DayEnd(
    string TenantId, TimeOnly CutOff, int SettlementLagDays, int ReconciliationLagDays, DateOnly FirstDay, ImmutableList<ClosedDay> Days)
{
    public const int MaxLagDays = 7;

    /// <summary>The first money event of all belongs to the first day closed.</summary>
    public static readonly DateTimeOffset Beginning = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public DateOnly OpenDay => Days.IsEmpty ? FirstDay : Days[^1].Day.AddDays(1);

    /// <summary>Where the open day starts: the last close's cut.</summary>
    public DateTimeOffset OpenFrom => Days.IsEmpty ? Beginning : Days[^1].Cut;

    public ClosedDay? Closed(DateOnly day) => Days.FirstOrDefault(d => d.Day == day);

    /// <summary>When a business day ends at the cut-off (00:00: the next calendar day's start; 22:00: that evening).</summary>
    public DateTimeOffset CutOffOf(DateOnly day, TenantTime zone) =>
        CutOff == TimeOnly.MinValue ? zone.StartOf(day.AddDays(1)) : zone.At(day, CutOff);

    public static DayEnd? Fold(DayEnd? state, object e) => (state, e) switch
    {
        (null, DayEndConfigured c) => new DayEnd(c.TenantId, c.CutOff, c.SettlementLagDays, c.ReconciliationLagDays, c.FirstDay, []),
        ({ } s, DayEndConfigured c) => s with { CutOff = c.CutOff, SettlementLagDays = c.SettlementLagDays, ReconciliationLagDays = c.ReconciliationLagDays },
        ({ } s, BusinessDayClosed c) => s with
        {
            Days = s.Days.Add(new ClosedDay(c.Day, c.From, c.Cut, c.ClosedAt, c.ByHand, c.By, c.MoneyEvents, c.TotalDebit, c.TotalCredit)),
        },
        ({ } s, DaySettlementCompleted c) => s.With(c.Day, d => d with { Settled = true }),
        ({ } s, DayReconciliationCompleted c) => s.With(c.Day, d => d with { Reconciled = true }),
        _ => state,
    };

    DayEnd With(DateOnly day, Func<ClosedDay, ClosedDay> change) =>
        Days.FindIndex(d => d.Day == day) is var i and >= 0 ? this with { Days = Days.SetItem(i, change(Days[i])) } : this;
}

public sealed record Configure(string TenantId, TimeOnly? CutOff, int? SettlementLagDays, int? ReconciliationLagDays, DateOnly FirstDay, string By, DateTimeOffset Now);

/// <summary>The close of the open day, with what was read up to its cut (<see cref="DaySnapshot"/>).</summary>
public sealed record CloseDay(DateOnly Day, DaySnapshot Snapshot, bool ByHand, string By, DateTimeOffset Now);

/// <summary>The day-end's decisions: pure functions from state and command to events, or a refusal.</summary>
public static class DayEndDecisions
{
    public static Decided Configure(DayEnd? s, Configure c)
    {
        var cutOff = c.CutOff ?? s?.CutOff ?? TimeOnly.MinValue;
        var settlementLag = c.SettlementLagDays ?? s?.SettlementLagDays ?? 1;
        var reconciliationLag = c.ReconciliationLagDays ?? s?.ReconciliationLagDays ?? 1;
        if (cutOff.Second != 0 || cutOff.Millisecond != 0) return Refusal.Invalid("cutOff", "cutOff must be a time of day in whole minutes, HH:mm.");
        if (settlementLag is < 1 or > DayEnd.MaxLagDays) return Refusal.Invalid("settlementLagDays", $"settlementLagDays must be 1 to {DayEnd.MaxLagDays} (T+1 to T+{DayEnd.MaxLagDays}).");
        if (reconciliationLag is < 0 or > DayEnd.MaxLagDays) return Refusal.Invalid("reconciliationLagDays", $"reconciliationLagDays must be 0 to {DayEnd.MaxLagDays}.");
        if (s is not null && (s.CutOff, s.SettlementLagDays, s.ReconciliationLagDays) == (cutOff, settlementLag, reconciliationLag)) return Decided.Nothing;
        return Decided.To(new DayEndConfigured(c.TenantId, cutOff, settlementLag, reconciliationLag, s?.FirstDay ?? c.FirstDay, c.By, c.Now));
    }

    /// <summary>Closes the open day once: a day closed before answers as it was; any other day than the open one is refused.</summary>
    public static Decided Close(DayEnd s, CloseDay c)
    {
        if (s.Closed(c.Day) is not null) return Decided.Nothing;
        if (c.Day != s.OpenDay) return Refusal.Conflict($"Only the open business day ({s.OpenDay:yyyy-MM-dd}) can be closed; days close in order.");
        var snap = c.Snapshot;
        return Decided.To(new BusinessDayClosed(s.TenantId, c.Day, snap.From, snap.Cut, snap.MoneyEvents, snap.TotalDebit, snap.TotalCredit, c.ByHand, c.By, c.Now))
            .Insert(snap);
    }

    public static Decided SettlementCompleted(DayEnd s, DateOnly day, int statements, long payouts, long fees, DateTimeOffset now) =>
        s.Closed(day) is { Settled: false } ? Decided.To(new DaySettlementCompleted(s.TenantId, day, statements, payouts, fees, now)) : Decided.Nothing;

    public static Decided ReconciliationCompleted(DayEnd s, DateOnly day, int exceptions, DateTimeOffset now) =>
        s.Closed(day) is { Reconciled: false } ? Decided.To(new DayReconciliationCompleted(s.TenantId, day, exceptions, now)) : Decided.Nothing;
}
