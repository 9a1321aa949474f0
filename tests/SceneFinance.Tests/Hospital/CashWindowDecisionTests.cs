using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Storage;
using SceneFinance.Scenes.Hospital.CashWindow;
using SceneFinance.Scenes.Hospital.Patients;
using D = SceneFinance.Scenes.Hospital.Patients.PatientDecisions;

namespace SceneFinance.Tests.Hospital;

/// <summary>Issue 15, cash at the window: cash into and out of a shift's drawer, and the shift's close (decider tests).</summary>
public sealed class CashWindowDecisionTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    static PatientAccount Then(PatientAccount s, Decided d) => d.Events.Aggregate(s, (x, e) => x.Apply(e));

    static PatientAccount Posted(long amount)
    {
        var s = PatientAccount.Empty("ch_p");
        return s.Apply(new OrderPosted("ch_p", "o1", "H-o1", "V1", "drug", "drug", amount, 0, null, "his", Now));
    }

    static void Balanced(IEnumerable<SceneFinance.Platform.Ledger.Posting> postings) =>
        Assert.Equal(postings.Sum(p => p.Debit), postings.Sum(p => p.Credit));

    [Fact]
    public void Cash_for_orders_goes_into_the_shift_drawer_and_comes_back_out_of_the_refunding_cashiers_drawer()
    {
        var s = Posted(8000);
        var paid = D.Pay(s, new PayFromAccount("p1", ["o1"], Tenders.Cash, "cashier:王芳", Now, "shift_a")).Event<OrdersPaid>()!;
        Assert.Equal("shift_a", paid.ShiftId);
        Assert.Contains(paid.Postings, p => p.Account == "cash-drawer:shift_a" && p.Debit == 8000);
        Balanced(paid.Postings);
        s = s.Apply(paid);

        var asked = D.Ask(s, new AskRefund("r1", RefundKinds.Order, "o1", 3000, "why", "c", 50_000, "t", Now, "c", Tenders.Cash, "shift_b"));
        var executed = asked.Event<RefundExecuted>()!;
        var refunded = Then(s, asked);
        var line = Assert.Single(executed.Lines);
        Assert.Equal((Tenders.Cash, "shift_b", 3000L), (line.Tender, line.ShiftId, line.Amount));
        Assert.Contains(executed.Postings, p => p.Account == "cash-drawer:shift_b" && p.Credit == 3000);
        Balanced(executed.Postings);
        Assert.Equal(3000, refunded.Orders["o1"].Refunded);
        Assert.Equal(RefundLineState.Done, refunded.Refunds["r1"].Lines.Single().Status);
    }

    [Fact]
    public void Cash_needs_a_shift()
    {
        var s = Posted(8000);
        Assert.Equal(D.NoOpenShift, D.Pay(s, new PayFromAccount("p1", ["o1"], Tenders.Cash, "cashier", Now)).Refusal!.Code);
        s = s.Apply(D.Pay(s, new PayFromAccount("p1", ["o1"], Tenders.Cash, "cashier", Now, "shift_a")).Event<OrdersPaid>()!);
        // Back to the tenders that paid: a cash payment goes back in cash, from a drawer.
        Assert.Equal(D.NoOpenShift, D.Plan(s, RefundKinds.Order, "o1", 1000).Refusal!.Code);
    }

    [Fact]
    public void A_cash_refund_of_an_order_paid_otherwise_is_refused()
    {
        var s = PatientAccount.Empty("ch_p");
        s = Then(s, D.PayIn(s, new ApplyChannelMoney("pi_1", "alipay", 10_000, [], "test", Now)));
        s = s.Apply(new OrderPosted("ch_p", "o1", "H-o1", "V1", "drug", "drug", 6000, 0, null, "his", Now));
        s = Then(s, D.ApplyToOrders(s, new ApplyChannelMoney("pi_2", "unionpay", 6000, ["o1"], "kiosk", Now)));
        var refused = D.Ask(s, new AskRefund("r1", RefundKinds.Order, "o1", 1000, "why", "c", 50_000, "t", Now, "c", Tenders.Cash, "shift_a")).Refusal!;
        Assert.Equal(D.NotCashPaid, refused.Code);
        Assert.Equal(D.NotCashPaid, D.Plan(s, RefundKinds.Deposit, null, 1000, Tenders.Cash, "shift_a").Refusal!.Code);
        // Without "cash", it goes back to the card that paid.
        Assert.Equal((Tenders.Channel, "pi_2"), (D.Plan(s, RefundKinds.Order, "o1", 1000, null, "shift_a").Value!.Single().Tender, D.Plan(s, RefundKinds.Order, "o1", 1000).Value!.Single().IntentId));
    }

    [Fact]
    public void A_cash_refund_takes_only_what_was_paid_in_cash()
    {
        var s = Posted(8000);
        s = s.Apply(new OrderPosted("ch_p", "o2", "H-o2", "V1", "drug", "drug", 2000, 0, null, "his", Now));
        s = Then(s, D.Pay(s, new PayFromAccount("p1", ["o1"], Tenders.Cash, "cashier", Now, "shift_a")));
        var refused = D.Plan(s, RefundKinds.Order, "o1", 8001, Tenders.Cash, "shift_a").Refusal!;
        Assert.Equal(D.RefundExceedsPaid, refused.Code);
    }

    static CashierShift Opened(long @float) => CashierShift.Fold(null, ShiftDecisions.Open(null, "shift_a", "u-1", "王芳", @float, Now).Event<CashShiftOpened>()!)!;

    [Fact]
    public void The_float_comes_from_the_safe()
    {
        var opened = ShiftDecisions.Open(null, "shift_a", "u-1", "王芳", 50_000, Now).Event<CashShiftOpened>()!;
        Assert.Contains(opened.Postings, p => p.Account == "cash-drawer:shift_a" && p.Debit == 50_000);
        Assert.Contains(opened.Postings, p => p.Account == "cash-safe" && p.Credit == 50_000);
        Assert.True(ShiftDecisions.Open(Opened(50_000), "shift_a", "u-1", "王芳", 50_000, Now).Events.Count == 0);
    }

    [Fact]
    public void A_short_count_within_the_threshold_closes_at_once_with_the_shortage_booked()
    {
        var closed = ShiftDecisions.Close(Opened(50_000), new CloseShift(58_000, 57_700, "短款 miscounted change", 5000, "u-1", "王芳", Now), null).Event<CashShiftClosed>()!;
        Assert.Equal(-300, closed.Difference);
        Assert.Contains(closed.Postings, p => p.Account == "cash-safe" && p.Debit == 57_700);
        Assert.Contains(closed.Postings, p => p.Account == "cash-over-short" && p.Debit == 300);
        Assert.Contains(closed.Postings, p => p.Account == "cash-drawer:shift_a" && p.Credit == 58_000);
        Balanced(closed.Postings);
        var over = ShiftDecisions.Close(Opened(50_000), new CloseShift(58_000, 58_200, "长款", 5000, "u-1", "王芳", Now), null).Event<CashShiftClosed>()!;
        Assert.Contains(over.Postings, p => p.Account == "cash-over-short" && p.Credit == 200);
        Balanced(over.Postings);
    }

    [Fact]
    public void A_difference_needs_a_reason_and_beyond_the_threshold_a_second_person()
    {
        var shift = Opened(50_000);
        Assert.Equal(ShiftDecisions.DifferenceNeedsReason, ShiftDecisions.Close(shift, new CloseShift(58_000, 57_000, " ", 5000, "u-1", "王芳", Now), null).Refusal!.Code);
        Assert.NotNull(ShiftDecisions.Close(shift, new CloseShift(58_000, 58_000, null, 5000, "u-1", "王芳", Now), null).Event<CashShiftClosed>());

        var asked = ShiftDecisions.Close(shift, new CloseShift(58_000, 50_000, "lost an envelope", 5000, "u-1", "王芳", Now), "apr_1").Event<CashShiftCloseRequested>()!;
        shift = CashierShift.Fold(shift, asked)!;
        Assert.Equal(ShiftStatus.Closing, shift.Status);
        // A recount replaces the request: the first approval no longer closes it.
        var recount = ShiftDecisions.Close(shift, new CloseShift(58_000, 51_000, "found 10 yuan", 5000, "u-1", "王芳", Now), "apr_2").Event<CashShiftCloseRequested>()!;
        shift = CashierShift.Fold(shift, recount)!;
        Assert.Equal(ShiftDecisions.ShiftClosed, ShiftDecisions.Approved(shift, "apr_1", "u-2", "李娜", Now).Refusal!.Code);
        var closed = ShiftDecisions.Approved(shift, "apr_2", "u-2", "李娜", Now).Event<CashShiftClosed>()!;
        Assert.Equal((51_000L, -7000L, "u-2"), (closed.Counted, closed.Difference, closed.ApprovedById));
        shift = CashierShift.Fold(shift, closed)!;
        Assert.Empty(ShiftDecisions.Approved(shift, "apr_2", "u-2", "李娜", Now).Events); // approved twice: closed once
        Assert.Equal(ShiftDecisions.ShiftClosed, ShiftDecisions.Close(shift, new CloseShift(0, 0, null, 5000, "u-1", "王芳", Now), null).Refusal!.Code);
    }
}
