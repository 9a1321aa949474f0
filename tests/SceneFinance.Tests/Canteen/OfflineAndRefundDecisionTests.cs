using SceneFinance.Grains;
using SceneFinance.Grains.CardHolders;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Ledger;
using SceneFinance.Platform.Problems;
using static SceneFinance.Tests.Canteen.CanteenWalletDecisionTests;

namespace SceneFinance.Tests.Canteen;

/// <summary>Offline acceptance, arrears and their recovery, voids and refunds: the wallet's rules as pure functions.</summary>
public sealed class OfflineAndRefundDecisionTests
{
    static readonly DateTimeOffset Noon = new(2026, 9, 15, 4, 0, 0, TimeSpan.Zero);
    static readonly DateOnly Today = new(2026, 9, 15);

    static OfflineTap Offline(string? listed = null, long tillTotal = 0, long tillHolder = 0, long tillCap = 100_000, long holderCap = 5_000) =>
        new(7, listed, tillTotal, tillHolder, tillCap, holderCap);

    [Fact]
    public void A_tap_the_till_was_entitled_to_is_honoured_even_on_a_card_frozen_or_lost_since_and_a_shortfall_becomes_arrears()
    {
        var state = Given(Registered(), Cash(300), new CardFrozen("ch_1", Noon), new CardReportedLost("ch_1", Noon));
        var honoured = Assert.IsType<PaymentApproved>(Wallet.Decide(state, Tap(500, offline: Offline())));
        Assert.Equal((300L, 200L, true), (honoured.FromCash, honoured.Shortfall, honoured.Offline));
        Assert.Equal([new Posting("cardholder:ch_1:cash", 300, 0), new Posting("cardholder:ch_1:arrears", 200, 0), new Posting("merchant-receivable:mch_1", 0, 500)],
            honoured.Postings);
        var after = CardHolder.Fold(state, honoured)!;
        Assert.Equal((0L, 200L), (after.Total, after.Canteen.Arrears));

        // The next top-up pays the arrears first.
        var topUp = Wallet.Decide(after, new TopUp("tu_2", 1000, "cash", "counter", true, Noon));
        var recovered = Assert.IsType<ArrearsRecovered>(topUp.Events[1]);
        Assert.Equal([new Posting("cardholder:ch_1:cash", 200, 0), new Posting("cardholder:ch_1:arrears", 0, 200)], recovered.Postings);
        var paidOff = topUp.Events.Aggregate(after, (s, e) => CardHolder.Fold(s, e)!);
        Assert.Equal((800L, 0L), (paidOff.Cash, paidOff.Canteen.Arrears));

        // ...or the next subsidy.
        var granted = Subsidies.Grant(after, new GrantSubsidy("sp_1", "2026-09", 150, null, false, [], [], Noon));
        Assert.Equal(150, Assert.IsType<ArrearsRecovered>(granted.Events[1]).Amount);
    }

    [Fact]
    public void A_card_already_on_the_tills_list_or_a_tap_above_an_offline_cap_is_an_exception_at_the_merchants_risk()
    {
        var state = Given(Registered(), Cash(10_000));
        string Exception(OfflineTap offline)
        {
            var declined = Assert.IsType<PaymentDeclined>(Wallet.Decide(state, Tap(500, offline: offline)));
            return $"{declined.DeclineCode}/{declined.OfflineException}";
        }
        Assert.Equal("card_lost/listed_card", Exception(Offline(listed: OfflineListReasons.Lost)));
        Assert.Equal("card_frozen/listed_card", Exception(Offline(listed: OfflineListReasons.Frozen)));
        Assert.Equal("risk_rejected/listed_card", Exception(Offline(listed: OfflineListReasons.Blacklisted)));
        Assert.Equal("limit_exceeded/over_holder_cap", Exception(Offline(tillHolder: 4_600)));
        Assert.Equal("limit_exceeded/over_till_cap", Exception(Offline(tillTotal: 99_600)));
        Assert.IsType<PaymentApproved>(Wallet.Decide(state, Tap(500, offline: Offline(tillHolder: 4_500, tillTotal: 99_500)))); // exactly at the caps

        // The holder's own offline cap wins over the tenant's default.
        var own = CardHolder.Fold(state, new CanteenProfileSet("ch_1", null, null, null, 10_000, "office", Noon))!;
        Assert.IsType<PaymentApproved>(Wallet.Decide(own, Tap(500, offline: Offline(tillHolder: 4_600))));
    }

    [Fact]
    public void Offline_taps_skip_online_limits_and_campaigns()
    {
        var state = Given(Registered(dailyLimit: 100), Cash(1000));
        var honoured = Assert.IsType<PaymentApproved>(Wallet.Decide(state, Tap(800, limits: [new LimitRule("all", PerMealTaps: 0)],
            campaign: new CampaignCandidate("cmp_1", 1, 1, [], []), discount: new CampaignDiscount("cmp_1", 799), offline: Offline())));
        Assert.Equal((0L, 800L), (honoured.Discount, honoured.HolderPaid));
    }

    static RefundablePayment Sale(PaymentApproved a) =>
        new(a.PaymentId, a.Amount, a.Parts!, a.CampaignId, a.Discount, a.Shortfall, a.TerminalId, a.MerchantId!, a.LocalDay, a.Meal?.Period);

    static RefundPayment Refund(long amount, string kind = RefundPayment.Refund, string? terminal = null, DateOnly? today = null) =>
        new("rf_" + amount, kind, "pay_1", amount, "wrong dish", "finance", terminal, today ?? Today, IdempotencyTicket.For("t", "r" + amount), Noon);

    [Fact]
    public void A_partial_refund_gives_back_cash_first_then_subsidy_to_its_purse_and_never_more_than_was_paid()
    {
        var state = Given(Registered(), Cash(1000), Grant("sp_1", 300, Noon.AddDays(5)));
        var paid = Assert.IsType<PaymentApproved>(Wallet.Decide(state, Tap(500)));
        state = CardHolder.Fold(state, paid)!;

        var first = Assert.IsType<PaymentRefunded>(Assert.Single(Refunds.Decide(state, Refund(250), Sale(paid)).Events));
        Assert.Equal(["cash:200", "program:50"], first.ToPurses.Select(p => $"{p.Purse}:{p.Amount}"));
        Assert.Equal([new Posting("merchant-receivable:mch_1", 250, 0), new Posting("cardholder:ch_1:cash", 0, 200), new Posting("cardholder:ch_1:subsidy:sp_1", 0, 50)],
            first.Postings);
        state = CardHolder.Fold(state, first)!;
        Assert.Equal((1000L - 200 + 200, 50L), (state.Cash, state.Canteen.ProgramSubsidy));

        Assert.Equal(ErrorCodes.Conflict, Refunds.Decide(state, Refund(251), Sale(paid)).Refusal?.Code);
        var rest = Assert.IsType<PaymentRefunded>(Assert.Single(Refunds.Decide(state, Refund(250), Sale(paid)).Events));
        Assert.Equal(["program:250"], rest.ToPurses.Select(p => $"{p.Purse}:{p.Amount}"));
        state = CardHolder.Fold(state, rest)!;
        Assert.Equal(ErrorCodes.Conflict, Refunds.Decide(state, Refund(1), Sale(paid)).Refusal?.Code);
        Assert.Equal(1300, state.Total);
    }

    [Fact]
    public void Subsidy_of_a_period_that_ended_goes_back_to_the_funder_and_a_campaigns_part_to_its_marketing_account()
    {
        var state = Given(Registered("student"), Cash(1000), Grant("sp_1", 300, Noon.AddDays(5)));
        var paid = Assert.IsType<PaymentApproved>(Wallet.Decide(state, Tap(800, campaign: new CampaignCandidate("cmp_1", 100, 1, [], []),
            discount: new CampaignDiscount("cmp_1", 700))));
        Assert.Equal(["program:100"], paid.Parts!.Select(p => $"{p.Purse}:{p.Amount}"));
        state = CardHolder.Fold(state, paid)!;
        state = CardHolder.Fold(state, Assert.Single(Subsidies.End(state, new EndSubsidy("sp_1", "2026-09", Noon)).Events))!;

        var refund = Assert.IsType<PaymentRefunded>(Assert.Single(Refunds.Decide(state, Refund(800), Sale(paid)).Events));
        Assert.Equal((0, 100L, 700L), (refund.ToPurses.Count, refund.ToFunders.Single().Amount, refund.ToMarketing));
        Assert.Equal([new Posting("merchant-receivable:mch_1", 800, 0), new Posting("subsidy-funder:sp_1", 0, 100), new Posting("bank-marketing:cmp_1", 0, 700)],
            refund.Postings);
    }

    [Fact]
    public void A_void_is_the_whole_tap_at_the_till_that_took_it_on_its_business_day_and_gives_back_its_meal_and_campaign_use()
    {
        var state = Given(Registered(), Cash(1000));
        var paid = Assert.IsType<PaymentApproved>(Wallet.Decide(state, Tap(800, limits: [new LimitRule("all", PerMealTaps: 1)],
            campaign: new CampaignCandidate("cmp_1", 1, 1, [], []), discount: new CampaignDiscount("cmp_1", 799))));
        state = CardHolder.Fold(state, paid)!;

        Assert.Equal(ErrorCodes.Conflict, Refunds.Decide(state, Refund(0, RefundPayment.Void, "trm_2"), Sale(paid)).Refusal?.Code);
        Assert.Equal(ErrorCodes.Conflict, Refunds.Decide(state, Refund(0, RefundPayment.Void, "trm_1", Today.AddDays(1)), Sale(paid)).Refusal?.Code);
        var voided = Assert.IsType<PaymentRefunded>(Assert.Single(Refunds.Decide(state, Refund(0, RefundPayment.Void, "trm_1"), Sale(paid)).Events));
        Assert.Equal((800L, 1L, 799L), (voided.Amount, voided.ToPurses.Single().Amount, voided.ToMarketing));
        state = CardHolder.Fold(state, voided)!;
        Assert.Equal((1000L, 0, 0), (state.Total, state.Canteen.MealOf(new MealSlot("lunch", Today)).Taps, state.Canteen.CampaignUsesOn(Today, "cmp_1")));
        Assert.True(CampaignPricing.Eligible(state, Tap(800, campaign: new CampaignCandidate("cmp_1", 1, 1, [], []))));
        Assert.Equal(ErrorCodes.Conflict, Refunds.Decide(state, Refund(0, RefundPayment.Void, "trm_1"), Sale(paid)).Refusal?.Code);
    }

    [Fact]
    public void Refunding_an_offline_shortfall_clears_the_arrears_it_left()
    {
        var state = Given(Registered(), Cash(300));
        var honoured = Assert.IsType<PaymentApproved>(Wallet.Decide(state, Tap(500, offline: new OfflineTap(1, null, 0, 0, 0, 0))));
        state = CardHolder.Fold(state, honoured)!;
        var refund = Assert.IsType<PaymentRefunded>(Assert.Single(Refunds.Decide(state, Refund(500), Sale(honoured)).Events));
        Assert.Equal((300L, 200L), (refund.ToPurses.Single().Amount, refund.ArrearsCleared));
        state = CardHolder.Fold(state, refund)!;
        Assert.Equal((300L, 0L), (state.Cash, state.Canteen.Arrears));
    }
}
