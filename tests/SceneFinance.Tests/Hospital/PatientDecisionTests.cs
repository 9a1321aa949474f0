using SceneFinance.Platform.Problems;
using SceneFinance.Scenes.Hospital.Patients;
using D = SceneFinance.Scenes.Hospital.Patients.PatientDecisions;

namespace SceneFinance.Tests.Hospital;

/// <summary>The patient account's decisions, Given (events) / When (command) / Then (event or refusal), without Orleans or a database.</summary>
public sealed class PatientDecisionTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    static PatientAccount Given(params object[] events) => events.Aggregate(PatientAccount.Empty("ch_p"), (s, e) => s.Apply(e));

    static OrderPosted Posted(string id, long amount, long insured = 0) =>
        new("ch_p", id, "H-" + id, "V1", "lab", "lab", amount, insured, insured > 0 ? "nhsa" : null, "his", Now);

    static object[] DepositFrom(string intent, string channel, long amount) =>
        [.. D.PayIn(PatientAccount.Empty("ch_p"), new ApplyChannelMoney(intent, channel, amount, [], "test", Now)).Events];

    [Fact]
    public void Paying_from_the_deposit_books_the_insurer_part_as_a_receivable_once()
    {
        var s = Given([.. DepositFrom("pi_1", "alipay", 10_000), Posted("o1", 5000, insured: 3000)]);
        var paid = D.Pay(s, new PayFromAccount("p1", ["o1"], Tenders.Deposit, "kiosk", Now)).Event<OrdersPaid>()!;
        Assert.Equal(2000, paid.Amount);
        Assert.Equal(3000, Assert.Single(paid.Orders).InsurerPart);
        Assert.Equal(paid.Postings.Sum(p => p.Debit), paid.Postings.Sum(p => p.Credit));
        Assert.Contains(paid.Postings, p => p.Account == "insurer-receivable:nhsa" && p.Debit == 3000);
        var after = s.Apply(paid);
        Assert.Equal(8000, after.Deposit);
        Assert.Equal(OrderStatus.Paid, after.Orders["o1"].Status);
    }

    [Fact]
    public void A_deposit_short_of_the_dues_pays_nothing()
    {
        var s = Given([.. DepositFrom("pi_1", "alipay", 1000), Posted("o1", 5000)]);
        var e = D.Pay(s, new PayFromAccount("p1", ["o1"], Tenders.Deposit, "kiosk", Now)).Refusal!;
        Assert.Equal(ErrorCodes.InsufficientFunds, e.Code);
    }

    [Fact]
    public void Channel_money_for_orders_paid_meanwhile_goes_to_the_deposit_refundable_to_that_channel()
    {
        var s = Given([.. DepositFrom("pi_1", "alipay", 5000), Posted("o1", 5000)]);
        s = s.Apply(D.Pay(s, new PayFromAccount("p1", ["o1"], Tenders.Deposit, "kiosk", Now)).Event<OrdersPaid>()!);
        var late = D.ApplyToOrders(s, new ApplyChannelMoney("pi_2", "wechat-pay", 5000, ["o1"], "kiosk", Now)).Event<OrdersPaid>()!;
        Assert.Empty(late.Orders);
        Assert.Equal(5000, late.ToDeposit);
        s = s.Apply(late);
        Assert.Null(D.ApplyToOrders(s, new ApplyChannelMoney("pi_2", "wechat-pay", 5000, ["o1"], "kiosk", Now)).Event<OrdersPaid>()); // once per intent
        var lines = D.Plan(s, RefundKinds.Deposit, null, 5000).Value!;
        Assert.Equal("pi_2", Assert.Single(lines).IntentId);
    }

    [Fact]
    public void A_refund_is_split_over_the_tenders_newest_first_and_never_beyond_what_was_paid()
    {
        var s = Given([.. DepositFrom("pi_1", "alipay", 3000), Posted("o1", 3000), Posted("o2", 4000)]);
        s = s.Apply(D.Pay(s, new PayFromAccount("p1", ["o1"], Tenders.Deposit, "kiosk", Now)).Event<OrdersPaid>()!);
        s = s.Apply(D.ApplyToOrders(s, new ApplyChannelMoney("pi_2", "unionpay", 4000, ["o2"], "kiosk", Now)).Event<OrdersPaid>()!);
        var lines = D.Plan(s, RefundKinds.Order, "o2", 4000).Value!;
        Assert.Equal(("channel", "pi_2", 4000L), (Assert.Single(lines).Tender, lines[0].IntentId, lines[0].Amount));
        var e = D.Plan(s, RefundKinds.Order, "o1", 3001).Refusal!;
        Assert.Equal(D.RefundExceedsPaid, e.Code);
    }

    [Fact]
    public void The_night_settles_a_date_once_and_what_the_deposit_cannot_cover_is_overdue()
    {
        var s = Given([.. DepositFrom("pi_1", "alipay", 1000), new CreditCareEnrolled("ch_p", 10_000, null, Now), Posted("o1", 4000)]);
        s = s.Apply(D.Pay(s, new PayFromAccount("p1", ["o1"], Tenders.Credit, "kiosk", Now)).Event<OrdersPaid>()!);
        var ran = D.Settle(s, "2026-11-23", Now).Event<CreditSettlementRan>()!;
        Assert.Equal((1000L, 3000L), (ran.FromDeposit, ran.Remaining));
        s = s.Apply(ran);
        Assert.True(s.Overdue);
        Assert.Null(D.Settle(s, "2026-11-23", Now).Event<CreditSettlementRan>());
        var e = D.Post(s, new PostOrder("r1", "R1", "V2", "registration", "reg", 500, 0, null, "kiosk", Now)).Refusal!;
        Assert.Equal(D.CreditUnsettled, e.Code);
    }

    [Fact]
    public void A_refund_above_the_threshold_waits_for_someone_else()
    {
        var s = Given([.. DepositFrom("pi_1", "alipay", 9000)]);
        var asked = D.Ask(s, new AskRefund("r1", RefundKinds.Deposit, null, 6000, "why", "cashier1", 5000, "t", Now, "cashier1")).Event<RefundRequested>()!;
        Assert.True(asked.NeedsApproval);
        s = s.Apply(asked);
        Assert.Equal(ErrorCodes.Forbidden, D.Approve(s, "r1", "cashier1", "cashier1", Now).Refusal!.Code);
        s = s.Apply(D.Approve(s, "r1", "finance1", "finance1", Now).Event<RefundApproved>()!);
        var executed = Assert.IsType<RefundExecuted>(Assert.Single(D.Execute(s, "r1", Now).Events));
        Assert.Equal(6000, Assert.Single(executed.Lines).Amount);
    }

    [Fact]
    public void An_order_claims_its_HIS_order_id_in_the_tenant()
    {
        var posted = D.Post(Given(), new PostOrder("o1", "LAB-1", "V1", "lab", "lab", 500, 0, null, "his", Now));
        var claim = Assert.IsType<HisOrderClaim>(Assert.Single(posted.Claims).Document);
        Assert.Equal(("LAB-1", "ch_p", "o1"), (claim.Id, claim.PatientId, claim.OrderId));
        Assert.Equal(ErrorCodes.Conflict, Assert.Single(posted.Claims).IfTaken.Code);
    }

    [Fact]
    public void The_gateway_funds_a_held_line_once_and_nothing_else()
    {
        var s = Given([.. DepositFrom("pi_1", "alipay", 3000)]);
        s = D.Ask(s, new AskRefund("r1", RefundKinds.Deposit, null, 1000, "why", "cashier1", 5000, "t", Now, "cashier1")).Events.Aggregate(s, (x, e) => x.Apply(e));
        Assert.Equal(D.NotRefundable, D.Fund(s, "re_x", "pi_1", channel: "alipay", amount: 999, Now).Refusal?.Code); // no line of that amount waits
        var funded = D.Fund(s, "re_1", "pi_1", "alipay", 1000, Now).Event<RefundLineFunded>()!;
        s = s.Apply(funded);
        Assert.Empty(D.Fund(s, "re_1", "pi_1", "alipay", 1000, Now).Events); // told again: already funded
        Assert.Equal(D.NotRefundable, D.Fund(s, "re_2", "pi_1", "alipay", 1000, Now).Refusal?.Code);
    }

    static PatientAccount Refunded(PatientAccount s, string refundId, string kind, string? orderId, long amount, DateTimeOffset at, string by = "cashier1") =>
        D.Ask(s, new AskRefund(refundId, kind, orderId, amount, "why", by, 5000, "t-" + refundId, at, by)).Events.Aggregate(s, (x, e) => x.Apply(e));

    static PatientAccount PaidOrders(params (string Id, long Amount)[] orders)
    {
        var s = Given([.. DepositFrom("pi_1", "alipay", 100_000), .. orders.Select(o => (object)Posted(o.Id, o.Amount))]);
        return s.Apply(D.Pay(s, new PayFromAccount("p1", [.. orders.Select(o => o.Id)], Tenders.Deposit, "kiosk", Now)).Event<OrdersPaid>()!);
    }

    [Fact]
    public void A_large_refund_split_into_small_ones_on_one_order_waits_for_a_second_person()
    {
        var s = Refunded(PaidOrders(("o1", 12_000)), "r1", RefundKinds.Order, "o1", 3000, Now.AddDays(-3));
        s = Refunded(s, "r2", RefundKinds.Order, "o1", 2000, Now.AddDays(-2));
        // 3000 + 2000 already refunded by one person alone: another 1000 passes 5000, days later too.
        var third = D.Ask(s, new AskRefund("r3", RefundKinds.Order, "o1", 1000, "why", "cashier2", 5000, "t3", Now, "cashier2")).Event<RefundRequested>()!;
        Assert.True(third.NeedsApproval);
        Assert.Equal("cashier2", third.RequestedById);
    }

    [Fact]
    public void Small_refunds_of_one_patient_within_a_day_add_up_to_the_threshold()
    {
        var s = Refunded(PaidOrders(("o1", 4000), ("o2", 4000)), "r1", RefundKinds.Order, "o1", 3000, Now.AddHours(-2));
        Assert.True(D.Ask(s, new AskRefund("r2", RefundKinds.Order, "o2", 3000, "why", "cashier1", 5000, "t2", Now, "cashier1")).Event<RefundRequested>()!.NeedsApproval);
        Assert.True(D.Ask(s, new AskRefund("r2", RefundKinds.Deposit, null, 3000, "why", "cashier1", 5000, "t2", Now, "cashier1")).Event<RefundRequested>()!.NeedsApproval);
        // A day later the patient's window has passed (another order: nothing adds up).
        Assert.False(D.Ask(s, new AskRefund("r2", RefundKinds.Order, "o2", 3000, "why", "cashier1", 5000, "t2", Now.AddHours(23), "cashier1")).Event<RefundRequested>()!.NeedsApproval);
    }

    [Fact]
    public void An_approved_refund_does_not_count_against_what_one_person_may_refund_alone()
    {
        var s = Given([.. DepositFrom("pi_1", "alipay", 20_000)]);
        s = D.Ask(s, new AskRefund("r1", RefundKinds.Deposit, null, 6000, "why", "cashier1", 5000, "t", Now, "cashier1")).Events.Aggregate(s, (x, e) => x.Apply(e));
        s = D.ApproveAndExecute(s, "r1", "finance1", "Finance", Now).Events.Aggregate(s, (x, e) => x.Apply(e));
        Assert.False(D.Ask(s, new AskRefund("r2", RefundKinds.Deposit, null, 4000, "why", "cashier1", 5000, "t2", Now, "cashier1")).Event<RefundRequested>()!.NeedsApproval);
    }

    [Fact]
    public void The_second_person_is_another_user_id_whatever_the_names_say()
    {
        var s = Given([.. DepositFrom("pi_1", "alipay", 9000)]);
        s = s.Apply(D.Ask(s, new AskRefund("r1", RefundKinds.Deposit, null, 6000, "why", "王芳", 5000, "t", Now, "u-1")).Event<RefundRequested>()!);
        // The asker under another name is still the asker.
        Assert.Equal(ErrorCodes.Forbidden, D.Approve(s, "r1", "u-1", "Wang Fang (finance)", Now).Refusal!.Code);
        // Another person with the same name is another person.
        var approved = D.Approve(s, "r1", "u-2", "王芳", Now).Event<RefundApproved>()!;
        Assert.Equal("u-2", approved.ApprovedById);
    }

    [Fact]
    public void A_discharge_refund_above_the_threshold_waits_and_moves_nothing_until_approved()
    {
        var s = Given([.. DepositFrom("pi_1", "alipay", 9000)]);
        var discharged = D.Discharge(s, "r1", "u-1", "cashier1", 5000, "t", Now);
        var asked = discharged.Event<RefundRequested>()!;
        Assert.True(asked.NeedsApproval);
        Assert.Null(discharged.Event<RefundExecuted>());
        Assert.NotNull(discharged.Event<PatientDischarged>());
        s = discharged.Events.Aggregate(s, (x, e) => x.Apply(e));
        Assert.Equal(9000, s.Deposit);
        Assert.Equal(ErrorCodes.Forbidden, D.Approve(s, "r1", "u-1", "cashier1", Now).Refusal!.Code);
        var executed = D.ApproveAndExecute(s, "r1", "u-2", "finance1", Now).Event<RefundExecuted>()!;
        Assert.Equal(9000, executed.Lines.Sum(l => l.Amount));
        // Below the threshold it goes back at once.
        Assert.NotNull(D.Discharge(Given([.. DepositFrom("pi_1", "alipay", 4000)]), "r1", "u-1", "cashier1", 5000, "t", Now).Event<RefundExecuted>());
    }
}
