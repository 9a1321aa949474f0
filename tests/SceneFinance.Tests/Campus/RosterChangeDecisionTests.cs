using SceneFinance.Grains;
using SceneFinance.Grains.CardHolders;
using SceneFinance.Platform.Storage;
using SceneFinance.Scenes.Campus.Billing;

namespace SceneFinance.Tests.Campus;

/// <summary>A roster's rename, Given/When/Then: the holder and open bills follow it, paid and cancelled bills keep their history.</summary>
public sealed class RosterChangeDecisionTests
{
    static readonly DateTimeOffset Now = new(2026, 9, 1, 8, 0, 0, TimeSpan.Zero);

    static Bill Bill(params object[] events)
    {
        var issued = BillDecisions.Issued("bill_x", new IssueBill("plan_x", "Autumn", "2026-autumn", "0001", "ch_x", "王小明", "一年级", "1班",
            [new BillLine("tuition", "fee", 10_000)], 0, [new InstallmentShare(new DateOnly(2026, 9, 30), 10_000)], 0, 0, Now));
        return events.Aggregate(Scenes.Campus.Billing.Bill.Fold(null, issued)!, (s, e) => Scenes.Campus.Billing.Bill.Fold(s, e)!);
    }

    static BillPaid Paid(long amount) => new("bill_x", "pay_1", "counter", null, null, null, amount, amount, 0, "cashier", Now, []);

    static readonly RenameStudent Renamed = new("王晓明", "一年级", "2班", Now);

    [Fact]
    public void An_open_bill_takes_the_new_name_and_class_once()
    {
        var bill = Bill(Paid(4_000)); // partly paid: still open
        var e = Assert.IsType<BillStudentRenamed>(Assert.Single(BillDecisions.Rename(bill, Renamed).Events));
        var after = Scenes.Campus.Billing.Bill.Fold(bill, e)!;
        Assert.Equal(("王晓明", "2班"), (after.StudentName, after.Class));
        Assert.Empty(BillDecisions.Rename(after, Renamed).Events); // the same again: nothing
    }

    [Fact]
    public void A_paid_or_cancelled_bill_keeps_what_it_was_issued_with()
    {
        Assert.Empty(BillDecisions.Rename(Bill(Paid(10_000)), Renamed).Events);
        Assert.Empty(BillDecisions.Rename(Bill(new BillCancelled("bill_x", "left", 10_000, "finance", Now, [])), Renamed).Events);
    }

    [Fact]
    public void The_holder_takes_the_new_name_and_class_once()
    {
        var holder = CardHolder.Fold(null, new CardHolderRegistered("ch_1", "0001", "王小明", "student", "1234", null, null, null, Now))!;
        var e = Assert.IsType<CardHolderRenamed>(Assert.Single(Wallet.Rename(holder, new RenameCardHolder("王晓明", "2班", Now)).Events));
        var after = CardHolder.Fold(holder, e)!;
        Assert.Equal(("王晓明", "2班", 0L), (after.Name, after.Class, after.Total));
        Assert.Empty(Wallet.Rename(after, new RenameCardHolder("王晓明", "2班", Now)).Events);
    }
}

/// <summary>A leaver, Given/When/Then: closed once, its card refused with the contract's code, its cash paid out only once closed.</summary>
public sealed class LeaverDecisionTests
{
    static readonly DateTimeOffset Now = new(2026, 9, 1, 8, 0, 0, TimeSpan.Zero);

    static CardHolder Holder(long cash, bool closed)
    {
        var events = new List<object>
        {
            new CardHolderRegistered("ch_1", "0001", "王小明", "student", "1234", null, null, null, Now),
            new CardToppedUp("ch_1", "tu", cash, "cash", "counter", cash, 0, Now, []),
        };
        if (closed) events.Add(new CardHolderClosed("ch_1", "left", Now));
        return events.Aggregate((CardHolder?)null, CardHolder.Fold)!;
    }

    static Pay Tap(long amount) => new("pay_1", "trm_1", "mch_1", "1234", amount, Now, new DateOnly(2026, 9, 1), true, true, 0,
        SceneFinance.Platform.Idempotency.IdempotencyTicket.For("t", "k"), Now);

    static PayOutCash PayOut(long amount) => new("po_1", amount, "left", "finance", SceneFinance.Platform.Idempotency.IdempotencyTicket.Operation("po"), Now);

    [Fact]
    public void A_closed_holders_card_is_declined_card_frozen_and_takes_no_top_up_or_card_change()
    {
        var closed = Holder(3_000, closed: true);
        Assert.Equal("card_frozen", Assert.IsType<PaymentDeclined>(Wallet.Decide(closed, Tap(100))).DeclineCode);
        Assert.True(Wallet.Decide(closed, new TopUp("tu2", 100, "cash", "counter", true, Now)).Refused);
        Assert.True(Wallet.Unfreeze(closed, Now).Refused);
        Assert.True(Wallet.Replace(closed, "5678", Now).Refused);
        Assert.Empty(Wallet.Close(closed, new CloseCardHolder("left", Now)).Events); // closed once
        Assert.IsType<CardHolderClosed>(Assert.Single(Wallet.Close(Holder(0, closed: false), new CloseCardHolder("left", Now)).Events));
    }

    [Fact]
    public void Closing_gives_what_is_left_of_each_subsidy_program_back_to_its_funder_and_keeps_the_cash_for_the_refund()
    {
        var holder = Holder(3_000, closed: false);
        foreach (var (program, amount) in new[] { ("meal", 12_000L), ("poor", 5_000L) })
            holder = Subsidies.Grant(holder, new GrantSubsidy(program, "2026-09", amount, null, false, [], [], Now)).Events.Aggregate(holder, (h, e) => CardHolder.Fold(h, e)!);
        Assert.Equal(3_000 + 17_000, holder.Total);

        var closing = Wallet.Close(holder, new CloseCardHolder("left", Now)).Events;
        Assert.IsType<CardHolderClosed>(closing[0]);
        var returned = closing.OfType<SubsidyReturned>().ToList();
        Assert.Equal([("meal", 12_000L), ("poor", 5_000L)], returned.Select(r => (r.ProgramId, r.Amount)).OrderBy(r => r.ProgramId));
        Assert.All(returned, r => Assert.Equal(r.Postings.Sum(p => p.Debit), r.Postings.Sum(p => p.Credit)));
        Assert.Equal(17_000, returned.SelectMany(r => r.Postings).Where(p => p.Account.StartsWith("subsidy-funder:")).Sum(p => p.Credit));

        var closed = closing.Aggregate(holder, (h, e) => CardHolder.Fold(h, e)!);
        Assert.Equal((3_000L, 3_000L, CardStatus.Closed), (closed.Total, closed.Cash, closed.Status));
        Assert.Empty(Wallet.Close(closed, new CloseCardHolder("left", Now)).Events); // once
    }

    [Fact]
    public void Only_a_closed_holders_cash_is_paid_out_never_beyond_the_purse_and_the_entry_balances()
    {
        Assert.True(Wallet.PayOut(Holder(3_000, closed: false), PayOut(3_000)).Refused);
        Assert.Equal("insufficient_funds", Wallet.PayOut(Holder(3_000, closed: true), PayOut(3_001)).Refusal?.Code);
        var paid = Assert.IsType<CardCashPaidOut>(Assert.Single(Wallet.PayOut(Holder(3_000, closed: true), PayOut(3_000)).Events));
        Assert.Equal(0, paid.CashAfter);
        Assert.Equal(paid.Postings.Sum(p => p.Debit), paid.Postings.Sum(p => p.Credit));
        Assert.Equal(0, CardHolder.Fold(Holder(3_000, closed: true), paid)!.Total);
    }
}
