using SceneFinance.BackOffice.DayEnd;
using SceneFinance.BackOffice.Ledger;
using SceneFinance.Platform.Time;

namespace SceneFinance.Tests.Settling;

/// <summary>The day-end decider and its snapshot, Given/When/Then.</summary>
public sealed class DayEndDecisionTests
{
    static readonly DateTimeOffset Now = new(2026, 9, 1, 16, 0, 2, TimeSpan.Zero);
    static readonly DateOnly First = new(2026, 9, 1);

    static DayEnd Given(params object[] events) =>
        events.Aggregate(DayEnd.Fold(null, new DayEndConfigured("t1", TimeOnly.MinValue, 1, 1, First, "system", Now)), DayEnd.Fold)!;

    static DaySnapshot Snapshot(DateOnly day, DateTimeOffset from, DateTimeOffset cut, DaySnapshot? previous, params AccountMovement[] moved) =>
        DaySnapshot.Build("t1", day, from, cut, previous, moved, moved.Length);

    [Fact]
    public void Days_close_in_order_once_and_each_closing_is_the_next_opening()
    {
        var cut1 = Now;
        var day1 = Snapshot(First, DayEnd.Beginning, cut1, null,
            new AccountMovement("cardholder:1:cash", 0, 10_000), new AccountMovement("clearing:counter", 10_000, 0));
        var closed = DayEndDecisions.Close(Given(), new CloseDay(First, day1, true, "ops", Now));
        var state = closed.Events.Aggregate<object, DayEnd?>(Given(), DayEnd.Fold)!;
        Assert.Equal(First.AddDays(1), state.OpenDay);
        Assert.Equal(cut1, state.OpenFrom);
        Assert.Same(day1, Assert.Single(closed.Inserts));

        Assert.Empty(DayEndDecisions.Close(state, new CloseDay(First, day1, true, "ops", Now)).Events); // closing again: once
        Assert.True(DayEndDecisions.Close(state, new CloseDay(First.AddDays(2), day1, true, "ops", Now)).Refused); // not the open day

        var day2 = Snapshot(First.AddDays(1), cut1, cut1.AddDays(1), day1,
            new AccountMovement("cardholder:1:cash", 3_000, 0), new AccountMovement("merchant-receivable:m", 0, 3_000));
        Assert.Equal(day1.Accounts.Select(a => (a.Account, a.Closing)),
            day2.Accounts.Where(a => day1.Accounts.Any(x => x.Account == a.Account)).Select(a => (a.Account, a.Opening)));
        Assert.Equal([("cardholder:1:cash", -10_000L, -7_000L), ("clearing:counter", 10_000L, 10_000L), ("merchant-receivable:m", 0L, -3_000L)],
            day2.Accounts.Select(a => (a.Account, a.Opening, a.Closing)));
        Assert.Equal(day2.TotalDebit, day2.TotalCredit);
    }

    [Fact]
    public void The_cut_off_is_the_tenant_s_local_time_and_defaults_to_midnight()
    {
        var shanghai = TenantTime.In("Asia/Shanghai", Now);
        Assert.Equal(new DateTimeOffset(2026, 9, 1, 16, 0, 0, TimeSpan.Zero), Given().CutOffOf(First, shanghai));
        var late = Given(new DayEndConfigured("t1", new TimeOnly(22, 30), 2, 1, First, "ops", Now));
        Assert.Equal(new DateTimeOffset(2026, 9, 1, 14, 30, 0, TimeSpan.Zero), late.CutOffOf(First, shanghai));
        Assert.Equal(2, late.SettlementLagDays);
    }

    [Fact]
    public void Terms_are_checked_and_setting_the_same_terms_records_nothing()
    {
        Assert.True(DayEndDecisions.Configure(Given(), new Configure("t1", null, 0, null, First, "ops", Now)).Refused);
        Assert.True(DayEndDecisions.Configure(Given(), new Configure("t1", new TimeOnly(1, 2, 3), null, null, First, "ops", Now)).Refused);
        Assert.Empty(DayEndDecisions.Configure(Given(), new Configure("t1", TimeOnly.MinValue, 1, 1, First, "ops", Now)).Events);
        Assert.Single(DayEndDecisions.Configure(null, new Configure("t1", null, null, null, First, "system", Now)).Events);
    }
}
