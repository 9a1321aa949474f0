using System.Net;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Storage;
using SceneFinance.Scenes.Campus.Billing;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Campus;

/// <summary>Cash handed back for a counter payment: the decision, Given/When/Then, without Orleans or a database.</summary>
public sealed class CounterRefundDecisionTests
{
    static readonly DateTimeOffset Now = new(2026, 9, 1, 8, 0, 0, TimeSpan.Zero);
    static readonly IdempotencyTicket Ticket = new("k", "h");

    static Bill Given(params object[] events)
    {
        var issued = BillDecisions.Issued("bill_x", new IssueBill("plan_x", "Autumn", "2026-autumn", "0001", "ch_x", "Ming", "G1", "C1",
            [new BillLine("tuition", "fee", 100_000)], 0, [new InstallmentShare(new DateOnly(2026, 9, 30), 10000)], 0, 0, Now));
        return events.Aggregate(Bill.Fold(null, issued)!, (s, e) => Bill.Fold(s, e)!);
    }

    static Bill Then(Bill bill, Decided decided)
    {
        Assert.Null(decided.Refusal);
        return decided.Events.Aggregate(bill, (s, e) => Bill.Fold(s, e)!);
    }

    static Bill PaidAtCounter(Bill bill, string paymentId, long amount) =>
        Then(bill, BillDecisions.PayOffline(bill, new PayBillOffline(paymentId, "counter", amount, null, null, 0, "cashier", Ticket, Now)));

    static RefundCounterPayment Refund(string refundId, string paymentId, long amount) => new(refundId, paymentId, amount, "paid twice", "bursar", Ticket, Now);

    [Fact]
    public void A_cash_refund_on_a_live_bill_makes_the_family_owe_it_again_and_is_balanced_against_the_counter_cash()
    {
        var paid = PaidAtCounter(Given(), "pay_1", 60_000);
        var decided = BillDecisions.RefundCounter(paid, Refund("rfc_1", "pay_1", 20_000));
        var e = decided.Event<BillCounterRefunded>()!;
        Assert.Equal(0, e.Postings.Sum(p => p.Debit - p.Credit));
        Assert.Contains(e.Postings, p => p.Account == CampusAccounts.Receivable("bill_x") && p.Debit == 20_000);
        Assert.Contains(e.Postings, p => p.Account == CampusAccounts.CounterCash && p.Credit == 20_000);
        var after = Then(paid, decided);
        Assert.Equal((40_000L, 60_000L, 20_000L), (after.Collected, after.Outstanding, after.Refunded));
        Assert.Equal(BillStatus.PartiallyPaid, after.Status);
    }

    [Fact]
    public void A_cash_refund_never_exceeds_what_the_payment_kept_and_is_taken_once_per_refund()
    {
        var paid = PaidAtCounter(Given(), "pay_1", 60_000);
        Assert.Equal(CampusCodes.RefundExceedsPaid, BillDecisions.RefundCounter(paid, Refund("rfc_1", "pay_1", 60_001)).Refusal?.Code);
        var once = Then(paid, BillDecisions.RefundCounter(paid, Refund("rfc_1", "pay_1", 50_000)));
        Assert.Empty(BillDecisions.RefundCounter(once, Refund("rfc_1", "pay_1", 50_000)).Events); // the same refund again: nothing
        Assert.Equal(CampusCodes.RefundExceedsPaid, BillDecisions.RefundCounter(once, Refund("rfc_2", "pay_1", 10_001)).Refusal?.Code);
        Assert.Equal(CampusCodes.NotApplied, BillDecisions.RefundCounter(once, Refund("rfc_3", "pay_404", 1)).Refusal?.Code);
    }

    [Fact]
    public void On_a_cancelled_bill_the_cash_comes_out_of_the_fee_income_and_the_bill_reads_refunded()
    {
        var paid = PaidAtCounter(Given(), "pay_1", 60_000);
        var cancelled = Then(paid, BillDecisions.Cancel(paid, "left the school", "bursar", Now));
        var decided = BillDecisions.RefundCounter(cancelled, Refund("rfc_1", "pay_1", 60_000));
        Assert.Contains(decided.Event<BillCounterRefunded>()!.Postings, p => p.Account == CampusAccounts.FeeIncome("plan_x") && p.Debit == 60_000);
        var after = Then(cancelled, decided);
        Assert.Equal((0L, BillStatus.Refunded), (after.Outstanding, after.Status));
    }
}

/// <summary>The finance office's counter refunds and the preview before issuing, over HTTP.</summary>
[Collection(SharedCampusApp.Name)]
public sealed class CounterRefundSpecs(CampusApp app)
{
    static string Phone() => "13" + Random.Shared.NextInt64(100_000_000, 999_999_999);
    static string Day(int fromToday) => DateTime.UtcNow.Date.AddDays(fromToday).ToString("yyyy-MM-dd");

    [Fact]
    public async Task The_preview_shows_what_issuing_would_bill_class_by_class_and_writes_nothing()
    {
        var s = await Scenario.Start(app, "campus");
        var mum = Phone();
        await s.ImportCsv(Roster.Csv(
            Roster.Row("0201", "大宝", "一年级", "1班", "妈妈", mum),
            Roster.Row("0202", "二宝", "一年级", "2班", "妈妈", mum),
            Roster.Row("0203", "别人家", "一年级", "1班", "别人", Phone())));
        var plan = await s.Plan("一年级", [100_000], [(Day(30), 10000)], siblingBp: 1000);
        var preview = (await s.Api.Get($"{s.Base}/campus/fee-plans/{plan}/bills/preview", s.AdminToken)).Expect(HttpStatusCode.OK);
        var total = preview["total"];
        Assert.Equal((3L, 0L, 1L, 300_000L, 10_000L, 290_000L),
            (total.Long("students"), total.Long("alreadyIssued"), total.Long("withSiblingDiscount"), total.Long("gross"), total.Long("discount"), total.Long("amount")));
        Assert.Equal(3, preview["rows"].AsArray().Count); // 1班, 2班, the total
        Assert.Empty(await s.Bills());

        var issued = await s.Generate(plan);
        Assert.Equal(total.Long("amount"), issued.Long("totalAmount")); // the preview said what issuing did
        var again = (await s.Api.Get($"{s.Base}/campus/fee-plans/{plan}/bills/preview", s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal(3, again["total"].Long("alreadyIssued"));
    }

    [Fact]
    public async Task A_counter_payment_is_refunded_in_cash_once_with_a_receipt_and_a_reason_and_the_ledger_stays_balanced()
    {
        var s = await Scenario.Start(app, "campus");
        await s.ImportCsv(Roster.Csv(Roster.Row("0301", "小明", "二年级", "1班", "妈妈", Phone())));
        await s.Generate(await s.Plan("二年级", [100_000], [(Day(30), 10000)]));
        var bill = await s.BillOf("0301");
        var payment = (await s.PayAtCounter(bill, 100_000)).Expect(HttpStatusCode.OK).Body.Str("paymentId");
        var url = $"{s.Base}/campus/bills/{bill}/payments/{payment}/refunds";

        (await s.Api.Post(url, new { amount = 30_000, reason = "paid twice" }, s.AdminToken)).ExpectProblem(HttpStatusCode.BadRequest, "idempotency_key_required");
        (await s.Api.Post(url, new { amount = 30_000 }, s.AdminToken, "no-reason")).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        (await s.Api.Post(url, new { amount = 100_001, reason = "too much" }, s.AdminToken, "too-much")).ExpectProblem(HttpStatusCode.Conflict, "refund_exceeds_paid");
        var cashier = await s.UserToken("cashier");
        (await s.Api.Post(url, new { amount = 30_000, reason = "paid twice" }, cashier, "cashier-key")).Expect(HttpStatusCode.Forbidden);

        var refund = (await s.Api.Post(url, new { amount = 30_000, reason = "paid twice" }, s.AdminToken, "refund-1")).Expect(HttpStatusCode.OK);
        var again = (await s.Api.Post(url, new { amount = 30_000, reason = "paid twice" }, s.AdminToken, "refund-1")).Expect(HttpStatusCode.OK);
        Assert.Equal(refund.Body.Str("refundId"), again.Body.Str("refundId")); // the same key: the same receipt, cash handed back once
        Assert.Equal((30_000L, "paid twice"), (refund.Body.Long("amount"), refund.Body.Str("reason")));
        Assert.Equal((70_000L, 30_000L, "partially_paid"), (refund["bill"].Long("paidAmount"), refund["bill"].Long("outstandingAmount"), refund["bill"].Str("status")));

        var receipts = (await s.Api.Get($"{s.Base}/campus/bills/{bill}/receipts", s.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray();
        var line = Assert.Single(receipts, r => r!.Str("method") == "counter-refund");
        Assert.Equal((-30_000L, payment, "paid twice"), (line.Long("amount"), line.Str("reference"), line.Str("reason")));

        var tb = await s.TrialBalance();
        Assert.Equal(70_000, tb.Account("campus-counter-cash"));
        Assert.Equal(30_000, tb.Account($"campus-receivable:{bill}"));
        (await s.Api.Post(url, new { amount = 70_001, reason = "the rest and more" }, s.AdminToken, "refund-2")).ExpectProblem(HttpStatusCode.Conflict, "refund_exceeds_paid");
    }
}
