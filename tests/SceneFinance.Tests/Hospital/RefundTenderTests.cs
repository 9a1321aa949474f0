using SceneFinance.Platform.Storage;
using SceneFinance.Scenes.Hospital.Patients;
using D = SceneFinance.Scenes.Hospital.Patients.PatientDecisions;

namespace SceneFinance.Tests.Hospital;

/// <summary>Issue 15 item 1: a refund goes back to the tender that paid or settled it, never beyond what each paid (decider tests).</summary>
public sealed class RefundTenderTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    static PatientAccount Then(PatientAccount s, Decided d) => d.Events.Aggregate(s, (x, e) => x.Apply(e));

    static PatientAccount OnCredit(long amount, long deposit = 0)
    {
        var s = PatientAccount.Empty("ch_p");
        if (deposit > 0) s = Then(s, D.PayIn(s, new ApplyChannelMoney("pi_dep", "alipay", deposit, [], "test", Now)));
        s = Then(s, D.Enroll(s, 200_000, "unionpay", Now));
        s = s.Apply(new OrderPosted("ch_p", "o1", "H-o1", "V1", "drug", "drug", amount, 0, null, "his", Now));
        return Then(s, D.Pay(s, new PayFromAccount("p1", ["o1"], Tenders.Credit, "kiosk", Now)));
    }

    static IReadOnlyList<RefundLine> Refund(PatientAccount s, long amount) => D.Plan(s, RefundKinds.Order, "o1", amount).Value!;

    [Fact]
    public void Credit_not_yet_settled_lowers_what_the_patient_owes()
    {
        var s = OnCredit(10_000);
        var line = Assert.Single(Refund(s, 4000));
        Assert.Equal((Tenders.Credit, (string?)null, 4000L), (line.Tender, line.IntentId, line.Amount));
        var after = Then(s, D.Ask(s, new AskRefund("r1", RefundKinds.Order, "o1", 4000, "why", "c", 50_000, "t", Now, "c")));
        Assert.Equal(6000, after.CreditOutstanding);
        Assert.DoesNotContain(after.Refunds["r1"].Lines, l => l.Status == RefundLineState.Held);
    }

    [Fact]
    public void Credit_settled_by_a_channel_goes_back_to_that_channel_through_the_gateway()
    {
        var s = OnCredit(10_000);
        s = Then(s, D.Repay(s, new ApplyChannelMoney("pi_night", "unionpay", 10_000, [], "night", Now)));
        Assert.Equal(0, s.CreditOutstanding);
        var line = Assert.Single(Refund(s, 4000));
        Assert.Equal((Tenders.Credit, "unionpay", "pi_night", 4000L), (line.Tender, line.Channel, line.IntentId, line.Amount));

        var asked = D.Ask(s, new AskRefund("r1", RefundKinds.Order, "o1", 4000, "why", "c", 50_000, "t", Now, "c"));
        var executed = asked.Event<RefundExecuted>()!;
        Assert.Contains(executed.Postings, p => p.Account == $"patient:ch_p:refund-hold" && p.Credit == 4000);
        Assert.DoesNotContain(executed.Postings, p => p.Account == "patient:ch_p:deposit" && p.Credit > 0);
        s = Then(s, asked);
        Assert.Equal(0, s.Deposit); // not to the deposit (where it could not be taken back)
        Assert.Equal(RefundLineState.Held, Assert.Single(s.Refunds["r1"].Lines).Status);
        // The gateway takes it from the channel's intent, once.
        s = Then(s, D.Fund(s, "re_1", "pi_night", "unionpay", 4000, Now));
        Assert.Equal(RefundLineState.Funded, Assert.Single(s.Refunds["r1"].Lines).Status);
        // Never more than the channel settled: 6000 is left of it.
        Assert.Equal(6000, Assert.Single(s.ChannelSettlements).Left);
    }

    [Fact]
    public void Credit_settled_from_the_deposit_goes_back_to_the_deposit_and_stays_refundable_to_its_channel()
    {
        var s = OnCredit(10_000, deposit: 15_000);
        s = Then(s, D.Settle(s, "2026-11-23", Now));
        Assert.Equal(5000, s.Deposit);
        var line = Assert.Single(Refund(s, 4000));
        Assert.Equal((Tenders.Credit, (string?)null), (line.Tender, line.IntentId));
        s = Then(s, D.Ask(s, new AskRefund("r1", RefundKinds.Order, "o1", 4000, "why", "c", 50_000, "t", Now, "c")));
        Assert.Equal(9000, s.Deposit);
        // The deposit can go back to the channel that paid it in, all of it.
        var back = Assert.Single(D.Plan(s, RefundKinds.Deposit, null, 9000).Value!);
        Assert.Equal(("alipay", "pi_dep"), (back.Channel, back.IntentId));
    }

    [Fact]
    public void Credit_partly_owed_partly_settled_by_a_channel_lowers_the_debt_first_then_goes_back_to_the_channel()
    {
        var s = OnCredit(10_000);
        s = Then(s, D.Repay(s, new ApplyChannelMoney("pi_part", "wechat-pay", 6000, [], "kiosk", Now)));
        Assert.Equal(4000, s.CreditOutstanding);
        var lines = Refund(s, 7000);
        Assert.Equal(2, lines.Count);
        Assert.Contains(lines, l => l is { Tender: Tenders.Credit, IntentId: "pi_part", Amount: 3000 });
        Assert.Contains(lines, l => l is { Tender: Tenders.Credit, IntentId: null, Amount: 4000 });
        var executed = D.Ask(s, new AskRefund("r1", RefundKinds.Order, "o1", 7000, "why", "c", 50_000, "t", Now, "c")).Event<RefundExecuted>()!;
        Assert.Equal(executed.Postings.Sum(p => p.Debit), executed.Postings.Sum(p => p.Credit));
    }

    [Fact]
    public void A_channel_refusing_the_refund_puts_the_settled_credit_back_as_it_was()
    {
        var s = OnCredit(10_000);
        s = Then(s, D.Repay(s, new ApplyChannelMoney("pi_night", "unionpay", 10_000, [], "night", Now)));
        s = Then(s, D.Ask(s, new AskRefund("r1", RefundKinds.Order, "o1", 4000, "why", "c", 50_000, "t", Now, "c")));
        s = Then(s, D.Release(s, null, "r1", 1, "channel_refused", Now));
        Assert.Equal(10_000, s.Orders["o1"].Refundable);
        Assert.Equal(10_000, Assert.Single(s.ChannelSettlements).Left);
        Assert.Equal(4000, Assert.Single(Refund(s, 4000)).Amount);
    }
}
