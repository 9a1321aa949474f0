using SceneFinance.Platform.Storage;
using SceneFinance.Scenes.Campus.Billing;

namespace SceneFinance.Tests.Campus;

/// <summary>The bill's decisions, Given/When/Then, without Orleans or a database.</summary>
public sealed class BillDecisionTests
{
    static readonly DateTimeOffset Now = new(2026, 9, 1, 8, 0, 0, TimeSpan.Zero);
    static readonly DateOnly Sep30 = new(2026, 9, 30), Dec31 = new(2026, 12, 31);

    static Bill Given(long amount = 100_000, int discountBp = 0, long lateFixed = 0, int lateBp = 0, params object[] events)
    {
        var issued = BillDecisions.Issued("bill_x", new IssueBill("plan_x", "Autumn", "2026-autumn", "0001", "ch_x", "Ming", "G1", "C1",
            [new BillLine("tuition", "fee", amount)], discountBp, [new InstallmentShare(Sep30, 3333), new InstallmentShare(Dec31, 6667)], lateFixed, lateBp, Now));
        return events.Aggregate(Bill.Fold(null, issued)!, (s, e) => Bill.Fold(s, e)!);
    }

    /// <summary>The bill after what was decided (a refusal fails the test: it moves nothing to fold).</summary>
    static Bill Then(Bill bill, Decided decided)
    {
        Assert.Null(decided.Refusal);
        return decided.Events.Aggregate(bill, (s, e) => Bill.Fold(s, e)!);
    }

    static PayBillOffline Counter(long amount, long minimum = 0) =>
        new("pay_1", "counter", amount, null, null, minimum, "cashier", new SceneFinance.Platform.Idempotency.IdempotencyTicket("k", "h"), Now);

    [Fact]
    public void Discounts_and_installment_shares_round_down_and_the_last_installment_takes_the_remainder()
    {
        var bill = Given(amount: 100_001, discountBp: 333);
        Assert.Equal(3_330, bill.Discount);            // 100001 * 3.33% = 3330.03
        Assert.Equal(96_671, bill.Amount);
        Assert.Equal(32_220, bill.Installments[0].Amount); // 96671 * 33.33% = 32220.44
        Assert.Equal(64_451, bill.Installments[1].Amount);
        Assert.Equal(bill.Amount, bill.Installments.Sum(i => i.Amount));
    }

    [Fact]
    public void A_payment_above_what_is_owed_or_below_the_minimum_is_refused_but_the_exact_rest_is_always_accepted()
    {
        var bill = Given(amount: 50_000);
        Assert.Equal("exceeds_outstanding", BillDecisions.PayOffline(bill, Counter(50_001)).Refusal?.Code);
        Assert.Equal("below_minimum_payment", BillDecisions.PayOffline(bill, Counter(9_999, minimum: 10_000)).Refusal?.Code);
        var paid = Then(bill, BillDecisions.PayOffline(bill, Counter(45_000)));
        var rest = BillDecisions.PayOffline(paid, Counter(5_000, minimum: 10_000)); // below the minimum, but it settles the bill
        Assert.Equal(BillStatus.Paid, Then(paid, rest).Status);
    }

    [Fact]
    public void An_online_payment_applies_up_to_what_is_owed_holds_the_rest_and_applies_once()
    {
        var bill = Given(amount: 30_000);
        var first = BillDecisions.PayOnline(bill, new PayBillOnline("pi_1", "alipay", 30_000, "mum", Now)).Event<BillPaid>()!;
        var afterFirst = Bill.Fold(bill, first)!;
        var second = BillDecisions.PayOnline(afterFirst, new PayBillOnline("pi_2", "wechat-pay", 30_000, "dad", Now)).Event<BillPaid>()!;
        Assert.Equal((0L, 30_000L), (second.Applied, second.Excess));
        var after = Bill.Fold(afterFirst, second)!;
        Assert.Equal((30_000L, 30_000L, 0L), (after.Collected, after.ExcessHeld, after.Outstanding));
        Assert.Same(Decided.Nothing, BillDecisions.PayOnline(after, new PayBillOnline("pi_2", "wechat-pay", 30_000, "dad", Now)));
        Assert.Equal(second.Postings.Sum(p => p.Debit), second.Postings.Sum(p => p.Credit));

        // The excess is refunded from what is held; the bill's own money only once it is cancelled.
        var funded = BillDecisions.FundRefund(after, new RefundBill("re_1", "pi_2", "wechat-pay", 30_000, Now));
        Assert.Null(funded.Refusal);
        var refund = funded.Event<BillRefundDebited>();
        Assert.Equal((30_000L, 0L), (refund!.FromExcess, refund.FromCollected));
        Assert.Equal("bill_not_cancelled", BillDecisions.FundRefund(after, new RefundBill("re_2", "pi_1", "alipay", 1, Now)).Refusal?.Code);
    }

    [Fact]
    public void Late_fees_are_charged_once_per_uncovered_installment_whose_due_date_passed()
    {
        var bill = Given(amount: 90_000, lateFixed: 200, lateBp: 150);
        Assert.Empty(BillDecisions.Overdue(bill, Sep30, Now).Events); // due today is not late
        var overdue = Assert.IsType<BillOverdue>(Assert.Single(BillDecisions.Overdue(bill, Sep30.AddDays(1), Now).Events));
        Assert.Equal(200 + 29_997 * 150 / 10_000, overdue.LateFee); // 29997 is the first third, rounded down
        var marked = Bill.Fold(bill, overdue)!;
        Assert.Equal(BillStatus.Overdue, marked.Status);
        Assert.Empty(BillDecisions.Overdue(marked, Sep30.AddDays(5), Now).Events);
        var covered = Then(marked, BillDecisions.PayOffline(marked, Counter(29_997)));
        Assert.Equal(BillStatus.PartiallyPaid, covered.Status); // the overdue installment is covered now
    }

    [Fact]
    public void A_waiver_applies_once_and_never_beyond_the_outstanding_amount()
    {
        var bill = Given(amount: 20_000);
        Assert.Equal("exceeds_outstanding", BillDecisions.Waive(bill, new ApplyWaiver("wv_1", "waiver", 20_001, "a", "b", Now)).Refusal?.Code);
        var waived = Then(bill, BillDecisions.Waive(bill, new ApplyWaiver("wv_1", "scholarship", 20_000, "a", "b", Now)));
        Assert.Equal(BillStatus.Paid, waived.Status);
        Assert.Same(Decided.Nothing, BillDecisions.Waive(waived, new ApplyWaiver("wv_1", "scholarship", 20_000, "a", "b", Now)));
    }
}
