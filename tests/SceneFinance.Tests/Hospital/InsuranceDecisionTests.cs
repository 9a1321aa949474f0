using SceneFinance.Scenes.Hospital.Insuring;
using SceneFinance.Scenes.Hospital.Patients;
using D = SceneFinance.Scenes.Hospital.Patients.PatientDecisions;

namespace SceneFinance.Tests.Hospital;

/// <summary>The insurer's answer on the patient's account (Given/When/Then, no Orleans, no database): all, none or part of its part.</summary>
public sealed class InsuranceDecisionTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    static PatientAccount Given(params object[] events) => events.Aggregate(PatientAccount.Empty("ch_p"), (s, e) => s.Apply(e));

    /// <summary>An order of 200 yuan, 140 of it the insurer's, whose self-pay 60 the patient paid from the deposit.</summary>
    static PatientAccount PaidInsuredOrder()
    {
        var s = Given([
            .. D.PayIn(PatientAccount.Empty("ch_p"), new ApplyChannelMoney("pi_1", "alipay", 50_000, [], "test", Now)).Events,
            new OrderPosted("ch_p", "o1", "H-o1", "V1", "imaging", "CT", 20_000, 14_000, "nhsa", "his", Now),
        ]);
        return D.Pay(s, new PayFromAccount("p1", ["o1"], Tenders.Deposit, "kiosk", Now)).Events.Aggregate(s, (x, e) => x.Apply(e));
    }

    [Fact]
    public void A_partial_approval_settles_what_the_insurer_approved_and_the_patient_owes_the_rest()
    {
        var s = PaidInsuredOrder();
        var partly = D.AnswerClaim(s, "o1", 10_000, "drug list limit", Now).Event<InsurancePartlySettled>()!;
        Assert.Equal(10_000, partly.Approved);
        Assert.Equal(partly.Postings.Sum(p => p.Debit), partly.Postings.Sum(p => p.Credit));
        Assert.Contains(partly.Postings, p => p.Account == "clearing:insurer-nhsa" && p.Debit == 10_000);
        Assert.Contains(partly.Postings, p => p.Account == "hospital-payable" && p.Debit == 4000);
        Assert.Contains(partly.Postings, p => p.Account == "insurer-receivable:nhsa" && p.Credit == 14_000);

        var after = s.Apply(partly);
        var order = after.Orders["o1"];
        Assert.Equal(Insurance.PartlySettled, order.InsuranceStatus);
        Assert.Equal(4000, order.Due);
        Assert.Equal(OrderStatus.Unpaid, order.Status);

        // The difference paid from the deposit closes the order; the insurer's part is not booked again.
        var paid = D.Pay(after, new PayFromAccount("p2", ["o1"], Tenders.Deposit, "window", Now)).Event<OrdersPaid>()!;
        Assert.Equal(4000, paid.Amount);
        Assert.Equal(0, Assert.Single(paid.Orders).InsurerPart);
        Assert.Equal(OrderStatus.Paid, after.Apply(paid).Orders["o1"].Status);
    }

    [Fact]
    public void The_same_answer_again_changes_nothing_and_another_answer_is_refused()
    {
        var after = PaidInsuredOrder().Apply(D.AnswerClaim(PaidInsuredOrder(), "o1", 10_000, "limit", Now).Events.Single());
        Assert.Empty(D.AnswerClaim(after, "o1", 10_000, "limit", Now).Events);
        Assert.False(D.AnswerClaim(after, "o1", 10_000, "limit", Now).Refused);
        Assert.Equal("conflict", D.AnswerClaim(after, "o1", 12_000, "other", Now).Refusal!.Code);
        // Manual entry after the exchange answered: settled or rejected on a partly settled part is refused, never booked twice.
        Assert.Equal("conflict", D.Insurance(after, "o1", true, "by hand", Now).Refusal!.Code);
        Assert.Equal("conflict", D.Insurance(after, "o1", false, "by hand", Now).Refusal!.Code);
    }

    [Fact]
    public void All_or_none_approved_is_a_settlement_or_a_rejection_and_more_than_the_part_is_invalid()
    {
        var s = PaidInsuredOrder();
        Assert.NotNull(D.AnswerClaim(s, "o1", 14_000, "ok", Now).Event<InsuranceSettled>());
        var rejected = D.AnswerClaim(s, "o1", 0, "not covered", Now).Event<InsuranceRejected>()!;
        Assert.Equal(14_000, s.Apply(rejected).Orders["o1"].Due);
        Assert.Equal("validation_failed", D.AnswerClaim(s, "o1", 14_001, "too much", Now).Refusal!.Code);
    }

    [Fact]
    public void Paying_an_insured_part_opens_its_claim_once_with_a_number_derived_from_the_order()
    {
        var s = Given([
            .. D.PayIn(PatientAccount.Empty("ch_p"), new ApplyChannelMoney("pi_1", "alipay", 50_000, [], "test", Now)).Events,
            new OrderPosted("ch_p", "o1", "H-o1", "V1", "imaging", "CT", 20_000, 14_000, "nhsa", "his", Now),
        ]);
        var paid = D.Pay(s, new PayFromAccount("p1", ["o1"], Tenders.Deposit, "kiosk", Now));
        var next = paid.Events.Aggregate(s, (x, e) => x.Apply(e));
        var claim = Assert.IsType<InsuranceClaim>(Assert.Single(InsuranceClaims.Follow("t1", next, paid, "张三丰").Inserts));
        Assert.Equal(InsuranceClaims.ClaimNo("t1", "o1"), claim.Id);
        Assert.Equal(14_000, claim.Claimed);
        Assert.Equal("张**", claim.PatientName);
        Assert.Equal(ClaimStatus.Queued, claim.Status);
        // A later payment of a rejected part books no receivable, so it opens no second claim.
        var rejected = next.Apply(D.Insurance(next, "o1", false, "no", Now).Events.Single());
        var again = D.Pay(rejected, new PayFromAccount("p2", ["o1"], Tenders.Deposit, "kiosk", Now));
        Assert.Empty(InsuranceClaims.Follow("t1", again.Events.Aggregate(rejected, (x, e) => x.Apply(e)), again, "张三丰").Inserts);
    }
}
