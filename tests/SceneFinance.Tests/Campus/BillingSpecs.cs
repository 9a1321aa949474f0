using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SceneFinance.Platform.Security;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Campus;

[Collection(SharedCampusApp.Name)]
public sealed class BillingSpecs(CampusApp app)
{
    static string Phone() => "13" + Random.Shared.NextInt64(100_000_000, 999_999_999);
    static string Day(int fromToday) => DateTime.UtcNow.Date.AddDays(fromToday).ToString("yyyy-MM-dd");

    /// <summary>A family of two (same mother) and a single child, all in grade 1.</summary>
    async Task<(Scenario S, string Mum, string Other)> School()
    {
        var s = await Scenario.Start(app, "campus");
        var (mum, other) = (Phone(), Phone());
        await s.ImportCsv(Roster.Csv(
            Roster.Row("0101", "大宝", "一年级", "1班", "妈妈", mum),
            Roster.Row("0102", "二宝", "一年级", "2班", "妈妈", mum),
            Roster.Row("0103", "别人家", "一年级", "1班", "别人", other)));
        return (s, mum, other);
    }

    [Fact]
    public async Task Generating_bills_issues_one_per_student_with_the_sibling_discount_and_installments_and_never_twice()
    {
        var (s, _, _) = await School();
        var plan = await s.Plan("一年级", [300_000, 45_001], [(Day(10), 6000), (Day(60), 4000)], siblingBp: 1000);
        var result = await s.Generate(plan);
        Assert.Equal((3, 3, 0, 1), (result.Long("students"), result.Long("issued"), result.Long("alreadyIssued"), result.Long("withSiblingDiscount")));
        var again = await s.Generate(plan);
        Assert.Equal((0, 3), (again.Long("issued"), again.Long("alreadyIssued")));

        var elder = await s.Bill(await s.BillOf("0101"));
        Assert.Equal(345_001, elder.Long("amount"));
        Assert.Equal("issued", elder.Str("status"));
        var younger = await s.Bill(await s.BillOf("0102"));
        Assert.Equal(34_500, younger.Long("discountAmount")); // 10% of 345001, rounded down
        Assert.Equal(310_501, younger.Long("amount"));
        var installments = younger["installments"]!.AsArray();
        Assert.Equal(186_300, installments[0]!.Long("amount")); // 60%, rounded down
        Assert.Equal(124_201, installments[1]!.Long("amount")); // the remainder
        Assert.Equal(186_300, younger["nextInstallment"]!.Long("amount"));

        var tb = await s.TrialBalance();
        Assert.Equal(345_001 * 2 + 310_501, -tb.Account($"campus-fee-income:{plan}"));
    }

    [Fact]
    public async Task Counter_payments_are_idempotent_capped_at_the_outstanding_amount_and_respect_the_minimum_part_payment()
    {
        var (s, _, _) = await School();
        (await s.Api.Send(HttpMethod.Put, $"{s.Base}/campus/settings", new { minimumPartialPayment = 10_000 }, s.AdminToken)).Expect(HttpStatusCode.OK);
        var plan = await s.Plan("一年级", [100_000], [(Day(10), 5000), (Day(40), 5000)]);
        await s.Generate(plan);
        var bill = await s.BillOf("0101");

        (await s.Api.Post($"{s.Base}/campus/bills/{bill}/payments", new { amount = 100, method = "counter" }, s.AdminToken)).ExpectProblem(HttpStatusCode.BadRequest, "idempotency_key_required");
        (await s.PayAtCounter(bill, 5_000)).ExpectProblem(HttpStatusCode.Conflict, "below_minimum_payment");
        (await s.PayAtCounter(bill, 100_001)).ExpectProblem(HttpStatusCode.Conflict, "exceeds_outstanding");
        (await s.PayAtCounter(bill, 0)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        (await s.PayAtCounter(bill, 10_000, "loan")).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed"); // a loan names its lender

        var cashier = await s.UserToken(Roles.Cashier);
        var first = (await s.PayAtCounter(bill, 60_000, key: "desk-1", token: cashier)).Expect(HttpStatusCode.OK);
        Assert.Equal(first.Raw, (await s.PayAtCounter(bill, 60_000, key: "desk-1", token: cashier)).Expect(HttpStatusCode.OK).Raw);
        (await s.PayAtCounter(bill, 60_001, key: "desk-1", token: cashier)).ExpectProblem(HttpStatusCode.Conflict, "idempotency_conflict");
        var partial = await s.Bill(bill);
        Assert.Equal(("partially_paid", 60_000L, 40_000L), (partial.Str("status"), partial.Long("paidAmount"), partial.Long("outstandingAmount")));
        Assert.Equal("paid", partial["installments"]![0]!.Str("status"));
        Assert.Equal("partially_paid", partial["installments"]![1]!.Str("status"));

        (await s.PayAtCounter(bill, 40_000, "subsidy", provider: "县教育局 county bursary", token: cashier)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        var finance = await s.UserToken(Roles.Finance);
        (await s.PayAtCounter(bill, 40_000, "loan", provider: "国家助学贷款", token: finance)).ExpectProblem(HttpStatusCode.Conflict, "approval_required");
        await s.ApprovedBy(await s.AskFundedPayment(bill, 40_000, "loan", "国家助学贷款", finance), s.AdminToken);
        var paid = await s.Bill(bill);
        Assert.Equal(("paid", 0L, 40_000L, 60_000L), (paid.Str("status"), paid.Long("outstandingAmount"), paid.Long("paidExternally"), paid.Long("paidAtCounter")));
        (await s.PayAtCounter(bill, 10_000)).ExpectProblem(HttpStatusCode.Conflict, "bill_settled");

        var tb = await s.TrialBalance();
        Assert.Equal(0, tb.Account($"campus-receivable:{bill}"));
        Assert.Equal(60_000, tb.Account("campus-counter-cash"));
        Assert.Equal(40_000, tb.Account("campus-loan-receivable:国家助学贷款"));
        var receipts = (await s.Api.Get($"{s.Base}/campus/bills/{bill}/receipts", s.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray();
        Assert.Equal(["counter", "loan"], receipts.Select(r => r!.Str("method")));
    }

    [Fact]
    public async Task Two_payments_at_the_counter_at_the_same_moment_never_collect_more_than_the_bill()
    {
        var (s, _, _) = await School();
        await s.Generate(await s.Plan("一年级", [50_000]));
        var bill = await s.BillOf("0103");
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => s.PayAtCounter(bill, 30_000)));
        Assert.Single(answers, a => a.Status == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.OK), a => a.ExpectProblem(HttpStatusCode.Conflict, "exceeds_outstanding"));
        Assert.Equal(30_000, (await s.Bill(bill)).Long("paidAmount"));
    }

    [Fact]
    public async Task A_waiver_moves_nothing_until_a_second_person_approves_it_and_applies_once()
    {
        var (s, _, _) = await School();
        await s.Generate(await s.Plan("一年级", [80_000]));
        var bill = await s.BillOf("0101");
        var (clerk, head) = (await s.UserToken(Roles.Finance), await s.UserToken(Roles.Finance));
        (await s.Api.Post($"{s.Base}/campus/bills/{bill}/waivers", new { kind = "scholarship", amount = 80_001, reason = "too much" }, clerk))
            .ExpectProblem(HttpStatusCode.Conflict, "exceeds_outstanding");
        var waiver = (await s.Api.Post($"{s.Base}/campus/bills/{bill}/waivers", new { kind = "scholarship", amount = 30_000, reason = "奖学金 merit" }, clerk))
            .Expect(HttpStatusCode.Created);
        var id = waiver["id"].GetValue<string>();
        Assert.Equal(0, (await s.Bill(bill)).Long("waivedAmount"));
        (await s.Api.Post($"{s.Base}/campus/waivers/{id}/approve", null, clerk)).ExpectProblem(HttpStatusCode.Forbidden, "second_approver_required");
        (await s.Api.Post($"{s.Base}/campus/waivers/{id}/approve", null, await s.UserToken(Roles.Cashier))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        var approvals = await Task.WhenAll(s.Api.Post($"{s.Base}/campus/waivers/{id}/approve", null, head), s.Api.Post($"{s.Base}/campus/waivers/{id}/approve", null, s.AdminToken));
        Assert.All(approvals, a => a.Expect(HttpStatusCode.OK)); // two approvers at once: applied once
        var after = await s.Bill(bill);
        Assert.Equal((30_000L, 50_000L, "partially_paid"), (after.Long("waivedAmount"), after.Long("outstandingAmount"), after.Str("status")));
        Assert.Equal(30_000, (await s.TrialBalance()).Account("campus-waivers:scholarship"));
    }

    [Fact]
    public async Task A_guardian_sees_only_their_own_children_and_pays_in_part_then_in_full_through_a_channel()
    {
        var (s, mum, other) = await School();
        await s.Generate(await s.Plan("一年级", [120_000], [(Day(10), 5000), (Day(40), 5000)]));
        var parent = await s.Guardian(mum);
        var children = (await s.Api.Get($"{s.Base}/campus/my/children", parent)).Expect(HttpStatusCode.OK)["items"].AsArray();
        Assert.Equal(["0101", "0102"], children.Select(c => c!.Str("studentNumber")));
        var bill = children[0]!["bills"]!.AsArray().Single()!.Str("id");

        var stranger = await s.Guardian(other);
        (await s.Api.Get($"{s.Base}/campus/bills/{bill}", stranger)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        (await s.PayOnline(bill, 1000, stranger)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        (await s.Api.Get($"{s.Base}/campus/students/0101", stranger)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        (await s.Api.Get($"{s.Base}/campus/bills", parent)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await s.Api.Get($"{s.Base}/cardholders/{children[0]!.Str("cardHolderId")}", parent)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");

        // The first installment, then the rest.
        var part = (await s.PayOnline(bill, children[0]!["bills"]![0]!["nextInstallment"]!.Long("amount"), parent, "alipay")).Expect(HttpStatusCode.Created);
        await s.PayOnPhone(part.Body!);
        await s.IntentUntil(part["id"].GetValue<string>(), Gateway.Settled);
        var half = await s.Bill(bill, parent);
        Assert.Equal(("partially_paid", 60_000L), (half.Str("status"), half.Long("outstandingAmount")));
        var rest = (await s.PayOnline(bill, 60_000, parent, "e-cny")).Expect(HttpStatusCode.Created);
        await s.PayOnPhone(rest.Body!);
        await s.IntentUntil(rest["id"].GetValue<string>(), Gateway.Settled);
        Assert.Equal("paid", (await s.Bill(bill, parent)).Str("status"));
        var receipts = (await s.Api.Get($"{s.Base}/campus/bills/{bill}/receipts", parent)).Expect(HttpStatusCode.OK)["items"].AsArray();
        Assert.Equal([60_000L, 60_000L], receipts.Select(r => r!.Long("amount")));

        // And a top-up of the child's card.
        var topUp = (await s.Api.Post($"{s.Base}/campus/students/0101/online-topups", new { amount = 5_000, channel = "wechat-pay" }, parent, "lunch-money"))
            .Expect(HttpStatusCode.Created);
        await s.PayOnPhone(topUp.Body!);
        await s.IntentUntil(topUp["id"].GetValue<string>(), Gateway.Settled);
        Assert.Equal(5_000, await s.Balance(children[0]!.Str("cardHolderId")));
        (await s.Api.Post($"{s.Base}/campus/students/0101/online-topups", new { amount = 5_000, channel = "wechat-pay" }, stranger, "x"))
            .ExpectProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Two_guardians_paying_the_same_bill_at_once_pay_it_once_and_the_second_payment_goes_back()
    {
        var s = await Scenario.Start(app, "campus");
        var (mum, dad) = (Phone(), Phone());
        await s.ImportCsv(Roster.Csv(Roster.Row("0201", "独生子", "二年级", "1班", "妈妈", mum, "mother", "爸爸", dad, "father")));
        await s.Generate(await s.Plan("二年级", [90_000]));
        var bill = await s.BillOf("0201");
        var (mother, father) = (await s.Guardian(mum), await s.Guardian(dad));
        var intents = await Task.WhenAll(s.PayOnline(bill, 90_000, mother, "wechat-pay"), s.PayOnline(bill, 90_000, father, "alipay"));
        Assert.All(intents, i => i.Expect(HttpStatusCode.Created)); // nothing is reserved: both may try
        await Task.WhenAll(intents.Select(i => s.PayOnPhone(i.Body!)));
        foreach (var i in intents) await s.IntentUntil(i["id"].GetValue<string>(), Gateway.Settled);

        var paid = await s.Bill(bill);
        Assert.Equal(("paid", 90_000L), (paid.Str("status"), paid.Long("paidAmount")));
        // The later one is refunded in full to its own channel, automatically.
        var until = DateTime.UtcNow.AddSeconds(30);
        List<JsonNode> views;
        while ((views = [.. await Task.WhenAll(intents.Select(i => s.Intent(i["id"].GetValue<string>())))]).Sum(v => v["refundedAmount"]!.GetValue<long>()) < 90_000)
        {
            Assert.True(DateTime.UtcNow < until, "the excess was not refunded in 30 s: " + string.Join(" ", views.Select(v => v.ToJsonString())));
            await Task.Delay(200);
        }
        Assert.Equal(90_000, views.Sum(v => v["refundedAmount"]!.GetValue<long>()));
        Assert.Single(views, v => v["refundedAmount"]!.GetValue<long>() == 90_000);
        var settled = await s.Bill(bill);
        Assert.Equal((90_000L, 0L), (settled.Long("paidAmount"), settled.Long("heldForRefund")));
        var tb = await s.TrialBalance();
        Assert.Equal(0, tb.Account($"campus-overpaid:{bill}"));
        Assert.Equal(0, tb.Account($"campus-receivable:{bill}"));
        Assert.Equal(0, tb.Account("refunds-pending:wechat-pay") + tb.Account("refunds-pending:alipay"));
        Assert.Equal(0, tb.Account("gateway-unapplied:wechat-pay") + tb.Account("gateway-unapplied:alipay"));
        Assert.Equal(90_000, tb.Account("clearing:wechat-pay") + tb.Account("clearing:alipay"));
    }

    [Fact]
    public async Task Reminders_and_late_fees_run_any_number_of_times_and_change_things_once()
    {
        var (s, mum, _) = await School();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await s.Generate(await s.Plan("一年级", [100_000], [(today.AddDays(2).ToString("yyyy-MM-dd"), 5000), (today.AddDays(40).ToString("yyyy-MM-dd"), 5000)],
            lateFeeFixed: 500, lateFeeBp: 100));
        var reminders = app.Services.GetRequiredService<SceneFinance.Scenes.Campus.Reminding.Reminders>();
        var bill = await s.BillOf("0101");
        await s.PayAtCounter(await s.BillOf("0103"), 100_000);

        await reminders.Run(today); // what the daily job does, for every school
        var queued = (await s.Api.Get($"{s.Base}/campus/outbox", s.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray();
        Assert.Equal(2, queued.Count); // both of mum's children are due in 2 days; the paid one is not reminded
        Assert.Equal(0, (await reminders.RunTenant(s.TenantId, today)).Queued);
        Assert.Equal(0, (await s.Api.Post($"{s.Base}/campus/reminders/run", null, s.AdminToken)).Expect(HttpStatusCode.OK)["queued"].GetValue<int>());

        var late = today.AddDays(3);
        var first = await reminders.RunTenant(s.TenantId, late);
        Assert.Equal(2, first.MarkedOverdue);
        var second = await reminders.RunTenant(s.TenantId, late);
        Assert.Equal((0, 0), (second.MarkedOverdue, second.Queued)); // the second run changes nothing
        var overdue = await s.Bill(bill);
        Assert.Equal(("overdue", 500L + 500L), (overdue.Str("status"), overdue.Long("lateFees"))); // 500 fixed + 1% of 50000
        Assert.Equal(101_000, overdue.Long("outstandingAmount"));
        Assert.Equal(1_000, (await s.Bill(bill)).Long("lateFees"));

        var outbox = (await s.Api.Get($"{s.Base}/campus/outbox?billId={bill}", s.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray();
        Assert.Equal(["overdue", "due"], outbox.Select(m => m!.Str("kind")));
        Assert.DoesNotContain(mum, outbox.ToJsonString());
        Assert.Equal(-2_000, (await s.TrialBalance()).Account("campus-late-fee-income")); // two overdue bills, credited to income
    }

    [Fact]
    public async Task The_finance_office_sees_collection_by_grade_and_class_the_unpaid_list_and_the_journal_also_as_xlsx()
    {
        var (s, _, _) = await School();
        var plan = await s.Plan("一年级", [70_000]);
        await s.Generate(plan);
        await s.PayAtCounter(await s.BillOf("0101"), 70_000);
        await s.PayAtCounter(await s.BillOf("0103"), 20_000);
        var overview = (await s.Api.Get($"{s.Base}/campus/reports/collection?planId={plan}", await s.UserToken(Roles.Auditor))).Expect(HttpStatusCode.OK);
        var total = overview["total"];
        Assert.Equal((3, 1, 1, 1), (total["bills"]!.GetValue<int>(), total["paid"]!.GetValue<int>(), total["partiallyPaid"]!.GetValue<int>(), total["unpaid"]!.GetValue<int>()));
        Assert.Equal((70_000L * 3, 90_000L, 120_000L), (total.Long("billed"), total.Long("collected"), total.Long("outstanding")));
        var class1 = overview["rows"].AsArray().Single(r => r!.Str("grade") == "一年级" && r!.Str("class") == "1班")!;
        Assert.Equal(2, class1["bills"]!.GetValue<int>());

        var unpaid = (await s.Api.Get($"{s.Base}/campus/reports/unpaid", s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal(["0102", "0103"], unpaid["items"].AsArray().Select(b => b!.Str("studentNumber")).Order());
        var sheet = await s.Xlsx($"{s.Base}/campus/reports/unpaid?format=xlsx");
        Assert.Equal(["0102", "0103"], sheet.Select(r => r["学号 Student number"]!.ToString()).Order());
        // Amounts are number cells in yuan now (Platform Xlsx), so a column adds up in a spreadsheet.
        Assert.Contains(sheet, r => Convert.ToDecimal(r["未收(元) Outstanding"]) == 500.00m);
        var overviewSheet = await s.Xlsx($"{s.Base}/campus/reports/collection?format=xlsx");
        Assert.Equal(900.00m, Convert.ToDecimal(overviewSheet[^1]["已收(元) Collected"]));
        var journal = await s.Xlsx($"{s.Base}/campus/reports/collections?format=xlsx");
        Assert.Equal(2, journal.Count);
    }

    [Fact]
    public async Task A_cancelled_bill_asks_for_nothing_more_and_its_online_payment_can_be_refunded()
    {
        var (s, mum, _) = await School();
        await s.Generate(await s.Plan("一年级", [40_000]));
        var bill = await s.BillOf("0102");
        var parent = await s.Guardian(mum);
        var intent = (await s.PayOnline(bill, 15_000, parent)).Expect(HttpStatusCode.Created);
        await s.PayOnPhone(intent.Body!);
        var id = intent["id"].GetValue<string>();
        await s.IntentUntil(id, Gateway.Settled);
        // A live bill's money is not handed back by accident: the refund is rejected until the bill is cancelled.
        var early = (await s.Api.Post($"{s.Base}/payment-intents/{id}/refunds", new { amount = 15_000 }, s.AdminToken, "too-early")).Expect(HttpStatusCode.OK);
        Assert.Equal(("rejected", "bill_not_cancelled"), (early["status"].GetValue<string>(), early["failureCode"].GetValue<string>()));
        await s.ApprovedBy(await s.AskCancel(bill, "转学 moved away", await s.UserToken(Roles.Finance)), s.AdminToken);
        var cancelled = await s.Bill(bill);
        Assert.Equal(("cancelled", 0L), (cancelled["status"]!.GetValue<string>(), cancelled["outstandingAmount"]!.GetValue<long>()));
        (await s.PayAtCounter(bill, 1_000)).ExpectProblem(HttpStatusCode.Conflict, "bill_cancelled");
        (await s.PayOnline(bill, 1_000, parent)).ExpectProblem(HttpStatusCode.Conflict, "bill_cancelled");
        (await s.Api.Post($"{s.Base}/payment-intents/{id}/refunds", new { amount = 15_000 }, s.AdminToken, "refund")).Expect(HttpStatusCode.OK);
        await s.IntentUntil(id, i => i["refundedAmount"]!.GetValue<long>() == 15_000);
        var refunded = await s.Bill(bill);
        Assert.Equal(("refunded", 15_000L, 0L), (refunded.Str("status"), refunded.Long("refundedAmount"), refunded.Long("paidAmount")));
        var tb = await s.TrialBalance();
        Assert.Equal(0, tb.Account($"campus-receivable:{bill}"));
        Assert.Equal(0, tb.Account("refunds-pending:wechat-pay"));
    }
}
