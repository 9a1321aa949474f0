using SceneFinance.Grains;
using SceneFinance.Grains.CardHolders;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Ledger;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Storage;

namespace SceneFinance.Tests.Wallets;

/// <summary>Given events, when a command, then an event: the wallet's rules without Orleans or a database.</summary>
public sealed class WalletDecisionTests
{
    static readonly DateTimeOffset Noon = new(2026, 9, 1, 4, 0, 0, TimeSpan.Zero); // 12:00 in Shanghai
    static readonly DateOnly Today = new(2026, 9, 1);

    static CardHolder Given(params object[] events) =>
        events.Aggregate((CardHolder?)null, CardHolder.Fold) ?? throw new InvalidOperationException("no registration");

    static CardHolderRegistered Registered(long? dailyLimit = null) =>
        new("ch_1", "S001", "Li Lei", "student", "1234", null, null, dailyLimit, Noon);

    static CardToppedUp ToppedUp(long cash, long subsidy) => new("ch_1", "tu", cash + subsidy, "cash", "counter", cash, subsidy, Noon, []);

    static Pay Pay(long amount, string card = "1234", DateOnly? day = null, bool tenantActive = true, bool terminalActive = true, long cap = 500_000) =>
        new("pay_1", "trm_1", "mch_1", card, amount, Noon, day ?? Today, tenantActive, terminalActive, cap, IdempotencyTicket.For("t", "k"), Noon);

    static string Declined(object decision) => Assert.IsType<PaymentDeclined>(decision).DeclineCode;

    /// <summary>The one event a decision records.</summary>
    static T Only<T>(Decided decided) => Assert.IsType<T>(Assert.Single(decided.Events));

    static void Refused(Decided decided) => Assert.True(decided.Refused && decided.Events.Count == 0, "expected a refusal that records nothing");

    [Fact]
    public void Subsidy_is_spent_before_cash()
    {
        var approved = Assert.IsType<PaymentApproved>(Wallet.Decide(Given(Registered(), ToppedUp(1000, 300)), Pay(500)));
        Assert.Equal((300L, 200L, 800L), (approved.FromSubsidy, approved.FromCash, approved.BalanceAfter));
    }

    [Fact]
    public void Paying_exactly_the_balance_is_approved_and_one_fen_more_is_not()
    {
        var state = Given(Registered(), ToppedUp(700, 0));
        Assert.IsType<PaymentApproved>(Wallet.Decide(state, Pay(700)));
        Assert.Equal(ErrorCodes.InsufficientFunds, Declined(Wallet.Decide(state, Pay(701))));
    }

    [Fact]
    public void Approved_payment_is_its_own_balanced_journal_entry()
    {
        var approved = Assert.IsType<PaymentApproved>(Wallet.Decide(Given(Registered(), ToppedUp(1000, 300)), Pay(500)));
        Assert.Equal(
        [
            new Posting("cardholder:ch_1:subsidy", 300, 0),
            new Posting("cardholder:ch_1:cash", 200, 0),
            new Posting("merchant-receivable:mch_1", 0, 500),
        ], approved.Postings);
        var topUp = Only<CardToppedUp>(Wallet.Decide(Given(Registered()), new TopUp("tu_1", 700, "cash", "bank-transfer", true, Noon)));
        Assert.Equal([new Posting("clearing:bank-transfer", 700, 0), new Posting("cardholder:ch_1:cash", 0, 700)], topUp.Postings);
    }

    [Fact]
    public void Approved_payment_folds_into_both_purses()
    {
        var state = Given(Registered(), ToppedUp(1000, 300));
        var after = CardHolder.Fold(state, Wallet.Decide(state, Pay(500)))!;
        Assert.Equal((800L, 0L), (after.Cash, after.Subsidy));
    }

    [Fact]
    public void Declines_in_order_suspended_tenant_then_disabled_terminal_then_card()
    {
        var lost = Given(Registered(), ToppedUp(1000, 0), new CardReportedLost("ch_1", Noon));
        Assert.Equal(ErrorCodes.TenantSuspended, Declined(Wallet.Decide(lost, Pay(10, tenantActive: false, terminalActive: false))));
        Assert.Equal(ErrorCodes.TerminalDisabled, Declined(Wallet.Decide(lost, Pay(10, terminalActive: false))));
        Assert.Equal(ErrorCodes.CardLost, Declined(Wallet.Decide(lost, Pay(10))));
    }

    [Fact]
    public void Frozen_card_is_declined_and_unfrozen_card_pays()
    {
        var frozen = Given(Registered(), ToppedUp(1000, 0), new CardFrozen("ch_1", Noon));
        Assert.Equal(ErrorCodes.CardFrozen, Declined(Wallet.Decide(frozen, Pay(10))));
        var unfrozen = CardHolder.Fold(frozen, Only<CardUnfrozen>(Wallet.Unfreeze(frozen, Noon)))!;
        Assert.IsType<PaymentApproved>(Wallet.Decide(unfrozen, Pay(10)));
    }

    [Fact]
    public void Replaced_card_stops_at_once_and_the_new_card_carries_the_balance()
    {
        var state = Given(Registered(), ToppedUp(1000, 0));
        var replaced = CardHolder.Fold(state, Only<CardReplaced>(Wallet.Replace(state, "5678", Noon)))!;
        Assert.Equal(ErrorCodes.CardLost, Declined(Wallet.Decide(replaced, Pay(10, card: "1234"))));
        Assert.Equal(990L, Assert.IsType<PaymentApproved>(Wallet.Decide(replaced, Pay(10, card: "5678"))).BalanceAfter);
    }

    [Fact]
    public void Lost_card_cannot_be_frozen_or_unfrozen_and_status_repeats_record_nothing()
    {
        var active = Given(Registered());
        Assert.Same(Decided.Nothing, Wallet.Unfreeze(active, Noon));
        var lost = CardHolder.Fold(active, Only<CardReportedLost>(Wallet.ReportLost(active, Noon)))!;
        Assert.Same(Decided.Nothing, Wallet.ReportLost(lost, Noon));
        Refused(Wallet.Freeze(lost, Noon));
        Refused(Wallet.Unfreeze(lost, Noon));
        Refused(Wallet.Replace(active, "1234", Noon));
    }

    [Fact]
    public void Daily_limit_counts_the_local_day_and_resets_the_next()
    {
        var state = Given(Registered(dailyLimit: 1000), ToppedUp(5000, 0));
        state = CardHolder.Fold(state, Wallet.Decide(state, Pay(800)))!;
        Assert.Equal(ErrorCodes.LimitExceeded, Declined(Wallet.Decide(state, Pay(201))));
        Assert.IsType<PaymentApproved>(Wallet.Decide(state, Pay(200)));
        Assert.IsType<PaymentApproved>(Wallet.Decide(state, Pay(1000, day: Today.AddDays(1))));
    }

    [Fact]
    public void Each_days_spending_is_kept_for_a_month_in_whatever_order_the_payments_arrive()
    {
        var state = Given(Registered(dailyLimit: 1000), ToppedUp(50_000, 0));
        CardHolder Paid(CardHolder s, long amount, DateOnly day) => CardHolder.Fold(s, Wallet.Decide(s, Pay(amount, day: day)))!;
        state = Paid(Paid(Paid(state, 800, Today), 300, Today.AddDays(1)), 100, Today); // the last one an offline till's, uploaded late
        Assert.Equal((900L, 300L), (state.SpentOn(Today), state.SpentOn(Today.AddDays(1))));
        Assert.Equal(ErrorCodes.LimitExceeded, Declined(Wallet.Decide(state, Pay(101, day: Today))));
        Assert.IsType<PaymentApproved>(Wallet.Decide(state, Pay(700, day: Today.AddDays(1))));

        var monthLater = Paid(state, 50, Today.AddDays(1 + CardHolder.DaysKept));
        Assert.Equal((0L, 300L, 50L), (monthLater.SpentOn(Today), monthLater.SpentOn(Today.AddDays(1)), monthLater.SpentOn(Today.AddDays(1 + CardHolder.DaysKept))));
        Assert.Equal((900L, 300L), (state.SpentOn(Today), state.SpentOn(Today.AddDays(1)))); // the state before is unchanged
    }

    [Fact]
    public void Payment_above_the_tenant_cap_is_a_risk_decline()
    {
        var state = Given(Registered(), ToppedUp(1_000_000, 0));
        Assert.Equal(ErrorCodes.RiskRejected, Declined(Wallet.Decide(state, Pay(500_001))));
        Assert.IsType<PaymentApproved>(Wallet.Decide(state, Pay(500_000)));
        Assert.IsType<PaymentApproved>(Wallet.Decide(state, Pay(600_000, cap: 0)));
    }

    [Fact]
    public void Top_up_goes_to_the_named_purse()
    {
        var state = Given(Registered(), ToppedUp(100, 50));
        var subsidy = Only<CardToppedUp>(Wallet.Decide(state, new TopUp("tu_2", 25, "subsidy", "counter", true, Noon)));
        Assert.Equal((100L, 75L), (subsidy.CashAfter, subsidy.SubsidyAfter));
    }

    [Fact]
    public void Top_up_of_a_suspended_tenant_is_refused_and_records_nothing()
    {
        var refused = Wallet.Decide(Given(Registered()), new TopUp("tu_3", 25, "cash", "counter", false, Noon));
        Refused(refused);
        Assert.Equal(ErrorCodes.TenantSuspended, refused.Refusal!.Code);
    }
}
