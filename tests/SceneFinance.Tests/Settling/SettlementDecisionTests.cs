using SceneFinance.BackOffice.Ledger;
using SceneFinance.BackOffice.Settling;
using SceneFinance.Platform.Ledger;

namespace SceneFinance.Tests.Settling;

/// <summary>The statement decider, Given/When/Then: a party's state, a day's lines, the events and statement it decides.</summary>
public sealed class SettlementDecisionTests
{
    static readonly DateTimeOffset Now = new(2026, 9, 2, 16, 0, 5, TimeSpan.Zero);
    static readonly DateOnly Day = new(2026, 9, 2);
    const string Merchant = "mch_1";

    static SettlementParty Given(params object[] events) =>
        events.Aggregate(SettlementParty.Fold(null, new PartyOpened(Merchant, PartyKinds.Merchant, "一食堂", Now)), SettlementParty.Fold)!;

    static readonly object Account = new SettlementAccountSet(Merchant, "中国银行", "一食堂餐饮有限公司", "protected", "6789", "finance", Now);
    static readonly object Fee60 = new FeeScheduleSet(Merchant, 60, null, null, "admin", Now);

    static StatementLine Line(string category, long amount, bool late = false) =>
        new(1, "payment_approved", "cardholder-1", category, amount, Now, Now, late);

    static Settle When(params StatementLine[] lines) => new("t1", Day, lines, "po_1", Now);

    [Fact]
    public void A_day_moves_receivable_to_payable_less_the_fee_and_pays_the_payable_out()
    {
        var decided = SettlementDecisions.Settle(Given(Account, Fee60), When(Line("gross", 10_000), Line("gross", 5_000), Line("refunds-and-voids", 2_000)));

        var settled = Assert.IsType<PartyDaySettled>(decided.Events[0]);
        Assert.Equal((15_000, 2_000, 90L, 12_910L, 12_910L, 0L), (settled.Gross, settled.Refunds, settled.Fee, settled.Net, settled.Payout, settled.CarriedOut));
        Assert.Equal([new Posting("merchant-receivable:mch_1", 13_000, 0), new Posting("fee-income:settlement", 0, 90), new Posting("settlement-payable:mch_1", 0, 12_910)],
            settled.Postings);
        var payout = Assert.IsType<PayoutInstructed>(decided.Events[1]);
        Assert.Equal(12_910, payout.Amount);
        Assert.Equal([new Posting("settlement-payable:mch_1", 12_910, 0), new Posting("payout-clearing", 0, 12_910)], payout.Postings);
        Assert.Equal(12_910, Assert.Single(decided.Inserts.OfType<StatementDocument>()).Statement.Payout);
    }

    [Fact]
    public void A_negative_day_is_carried_forward_and_taken_from_the_next_day_s_payout()
    {
        var first = SettlementDecisions.Settle(Given(Account), When(Line("gross", 1_000), Line("refunds-and-voids", 3_000)));
        var afterFirst = first.Events.Aggregate<object, SettlementParty?>(Given(Account), SettlementParty.Fold)!;
        Assert.Equal(-2_000, afterFirst.Payable);
        Assert.Null(first.Event<PayoutInstructed>());
        Assert.Equal([new Posting("merchant-receivable:mch_1", 0, 2_000), new Posting("settlement-payable:mch_1", 2_000, 0)], first.Event<PartyDaySettled>()!.Postings);

        var second = SettlementDecisions.Settle(afterFirst, When(Line("gross", 5_000)) with { Day = Day.AddDays(1) });
        var statement = second.Inserts.OfType<StatementDocument>().Single().Statement;
        Assert.Equal((-2_000L, 5_000L, 3_000L, 0L), (statement.CarriedIn, statement.Net, statement.Payout, statement.CarriedOut));
    }

    [Fact]
    public void Funding_from_a_funder_adds_to_the_net_and_bears_no_fee_late_lines_are_counted()
    {
        var decided = SettlementDecisions.Settle(Given(Account, Fee60), When(Line("gross", 10_000, late: true), Line("funding", 500)));
        var s = decided.Inserts.OfType<StatementDocument>().Single().Statement;
        Assert.Equal((10_000L, 500L, 60L, 10_440L, 1), (s.Gross, s.Funding, s.Fee, s.Net, s.LateCount));
    }

    [Fact]
    public void A_day_settles_once_and_a_party_without_an_account_keeps_what_it_is_owed_payable()
    {
        var party = Given(Fee60);
        var decided = SettlementDecisions.Settle(party, When(Line("gross", 10_000)));
        Assert.Null(decided.Event<PayoutInstructed>());
        var after = decided.Events.Aggregate<object, SettlementParty?>(party, SettlementParty.Fold)!;
        Assert.Equal(9_940, after.Payable);
        Assert.Empty(SettlementDecisions.Settle(after, When(Line("gross", 10_000))).Events);

        // With the account set, the next day pays what was kept and the day's money together.
        var withAccount = SettlementParty.Fold(after, Account)!;
        var next = SettlementDecisions.Settle(withAccount, When() with { Day = Day.AddDays(1) });
        Assert.Equal(9_940, next.Event<PayoutInstructed>()!.Amount);
        Assert.Empty(next.Event<PartyDaySettled>()!.Postings); // no movement of its own that day
    }

    [Fact]
    public void A_returned_payout_is_payable_again_and_a_paid_one_cannot_be_returned()
    {
        var party = SettlementDecisions.Settle(Given(Account), When(Line("gross", 1_000))).Events.Aggregate<object, SettlementParty?>(Given(Account), SettlementParty.Fold)!;
        Assert.Equal(0, party.Payable);
        var returned = SettlementDecisions.Return(party, new ReturnPayout("po_1", "账号错误 wrong account", "ops", Now));
        Assert.Equal([new Posting("payout-clearing", 1_000, 0), new Posting("settlement-payable:mch_1", 0, 1_000)], returned.Event<PayoutReturned>()!.Postings);
        var afterReturn = returned.Events.Aggregate<object, SettlementParty?>(party, SettlementParty.Fold)!;
        Assert.Equal(1_000, afterReturn.Payable);
        Assert.True(SettlementDecisions.Confirm(afterReturn, new ConfirmPayout("po_1", null, "ops", Now)).Refused);

        var paid = SettlementDecisions.Confirm(party, new ConfirmPayout("po_1", "B123", "ops", Now));
        Assert.Equal([new Posting("payout-clearing", 1_000, 0), new Posting("settlement-bank", 0, 1_000)], paid.Event<PayoutPaid>()!.Postings);
        var afterPaid = paid.Events.Aggregate<object, SettlementParty?>(party, SettlementParty.Fold)!;
        Assert.Empty(SettlementDecisions.Confirm(afterPaid, new ConfirmPayout("po_1", "B123", "ops", Now)).Events);
        Assert.True(SettlementDecisions.Return(afterPaid, new ReturnPayout("po_1", "x", "ops", Now)).Refused);
        Assert.True(SettlementDecisions.Confirm(afterPaid, new ConfirmPayout("po_unknown", null, "ops", Now)).Refused);
    }

    [Fact]
    public void Lines_come_from_the_postings_on_the_party_s_accounts_whatever_the_event()
    {
        var from = Now.AddDays(-1);
        MoneyEvent E(string type, params Posting[] postings) => new(7, type, "s", Now, postings, OccurredAt: Now.AddDays(-2));
        var tap = E("payment_approved", new("cardholder:1:cash", 500, 0), new("merchant-receivable:mch_1", 0, 500));
        var voided = E("payment_voided", new("merchant-receivable:mch_1", 500, 0), new("cardholder:1:cash", 0, 500));
        var campaign = E("campaign_funded", new("marketing:one-cent-breakfast", 299, 0), new("merchant-receivable:mch_1", 0, 299));
        var other = E("payment_approved", new("cardholder:1:cash", 500, 0), new("merchant-receivable:mch_2", 0, 500));
        var own = E("party_day_settled", new("merchant-receivable:mch_1", 500, 0), new("settlement-payable:mch_1", 0, 500));

        Assert.Equal(("gross", 500L, true), Cat(Parties.Classify(PartyKinds.Merchant, Merchant, tap, from)));
        Assert.Equal(("refunds-and-voids", 500L, true), Cat(Parties.Classify(PartyKinds.Merchant, Merchant, voided, from)));
        Assert.Equal(("funding", 299L, true), Cat(Parties.Classify(PartyKinds.Merchant, Merchant, campaign, from)));
        Assert.Null(Parties.Classify(PartyKinds.Merchant, Merchant, other, from));
        Assert.Null(Parties.Classify(PartyKinds.Merchant, Merchant, own, from));

        // The school's campus accounts move together only when money passes through the bank.
        var billed = E("bill_issued", new("campus-receivable:b1", 1_000, 0), new("campus-fee-income:p1", 0, 1_000));
        var paidOnline = E("bill_paid_online", new("gateway-unapplied:alipay", 1_000, 0), new("campus-receivable:b1", 0, 1_000));
        var paidAtCounter = E("bill_paid", new("campus-counter-cash", 1_000, 0), new("campus-receivable:b1", 0, 1_000));
        Assert.Null(Parties.Classify(PartyKinds.School, PartyKinds.InstitutionId, billed, from));
        Assert.Equal(("gross", 1_000L, true), Cat(Parties.Classify(PartyKinds.School, PartyKinds.InstitutionId, paidOnline, from)));
        Assert.Null(Parties.Classify(PartyKinds.School, PartyKinds.InstitutionId, paidAtCounter, from));
    }

    static (string, long, bool) Cat(StatementLine? l) => (l!.Category, l.Amount, l.Late);
}
