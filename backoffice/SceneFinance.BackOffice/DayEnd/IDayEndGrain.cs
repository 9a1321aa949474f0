using Orleans.Concurrency;

namespace SceneFinance.BackOffice.DayEnd;

[GenerateSerializer, Immutable]
public sealed record ClosedDayView(
    [property: Id(0)] DateOnly Day,
    [property: Id(1)] DateTimeOffset From,
    [property: Id(2)] DateTimeOffset Cut,
    [property: Id(3)] DateTimeOffset ClosedAt,
    [property: Id(4)] bool ByHand,
    [property: Id(5)] string ClosedBy,
    [property: Id(6)] long MoneyEvents,
    [property: Id(7)] long TotalDebit,
    [property: Id(8)] long TotalCredit,
    [property: Id(9)] bool Settled,
    [property: Id(10)] bool Reconciled);

/// <summary>A tenant's day-end: its terms, the open business day (from the last cut until its cut-off) and the days closed, newest first.</summary>
[GenerateSerializer, Immutable]
public sealed record DayEndStatus(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string CutOff,
    [property: Id(2)] int SettlementLagDays,
    [property: Id(3)] int ReconciliationLagDays,
    [property: Id(4)] DateOnly OpenDay,
    [property: Id(5)] DateTimeOffset OpenFrom,
    [property: Id(6)] DateTimeOffset OpenUntil,
    [property: Id(7)] IReadOnlyList<ClosedDayView> Days);

/// <summary>
/// A tenant's day-end, the single writer of its stream. Key: <c>"{tenantId}/day-end"</c>. It closes business days in order,
/// exactly once (a second close, here or on another silo, answers the first), and records when a day was settled and reconciled.
/// </summary>
public interface IDayEndGrain : IGrainWithStringKey
{
    /// <summary>The terms and days (the stream starts on first use, in the tenant's first business day).</summary>
    Task<DayEndStatus> Status(DateTimeOffset now);

    /// <summary>Sets the cut-off (local time, whole minutes) and T+n; null keeps what is set.</summary>
    Task<Outcome<DayEndStatus>> Configure(TimeOnly? cutOff, int? settlementLagDays, int? reconciliationLagDays, string by, DateTimeOffset now);

    /// <summary>
    /// Closes <paramref name="day"/> (the open day when null): by hand at once (the cut is now, or its cut-off if that passed), on
    /// schedule only once its cut-off passed. A day closed before answers as it was closed; only the open day can be closed.
    /// </summary>
    Task<Outcome<ClosedDayView>> Close(DateOnly? day, bool byHand, string by, DateTimeOffset now);

    Task<Outcome<ClosedDayView>> SettlementCompleted(DateOnly day, int statements, long payouts, long fees, DateTimeOffset now);

    Task<Outcome<ClosedDayView>> ReconciliationCompleted(DateOnly day, int exceptions, DateTimeOffset now);
}
