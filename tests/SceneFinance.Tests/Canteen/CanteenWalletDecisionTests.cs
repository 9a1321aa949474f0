using SceneFinance.Grains;
using SceneFinance.Grains.CardHolders;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Ledger;
using SceneFinance.Platform.Problems;

namespace SceneFinance.Tests.Canteen;

/// <summary>Given events, when a tap, then a decision: spending order, restrictions, limits and campaign pricing, without Orleans or a database.</summary>
public sealed class CanteenWalletDecisionTests
{
    static readonly DateTimeOffset Noon = new(2026, 9, 15, 4, 0, 0, TimeSpan.Zero); // 12:00 in Shanghai
    static readonly DateOnly Today = new(2026, 9, 15);
    static readonly MealSlot Lunch = new("lunch", Today);

    internal static CardHolder Given(params object[] events) => events.Aggregate((CardHolder?)null, CardHolder.Fold)!;

    internal static CardHolderRegistered Registered(string kind = "staff", long? dailyLimit = null) =>
        new("ch_1", "E001", "Wang Fang", kind, "1234", null, null, dailyLimit, Noon);

    internal static CardToppedUp Cash(long cash) => new("ch_1", "tu", cash, "cash", "counter", cash, 0, Noon, []);

    internal static SubsidyGranted Grant(string program, long amount, DateTimeOffset? expires, string[]? categories = null, string[]? meals = null, string period = "2026-09") =>
        new("ch_1", program, period, $"{program}|{period}", amount, expires, true, categories ?? [], meals ?? [], Noon, []);

    internal static Pay Tap(long amount, string category = "canteen", MealSlot? meal = null, IReadOnlyList<LimitRule>? limits = null, CampaignCandidate? campaign = null,
        CampaignDiscount? discount = null, OfflineTap? offline = null, DateTimeOffset? at = null) =>
        new("pay_1", "trm_1", "mch_1", "1234", amount, at ?? Noon, Today, true, true, 500_000, IdempotencyTicket.For("t", "k"), Noon,
            Canteen: new CanteenTerms(category, meal ?? Lunch, limits ?? [], campaign, offline, discount));

    static PaymentApproved Approved(object decision) => Assert.IsType<PaymentApproved>(decision);
    static string Declined(object decision) => Assert.IsType<PaymentDeclined>(decision).DeclineCode;

    [Fact]
    public void Subsidy_is_spent_before_cash_the_soonest_expiring_purse_first_and_a_payment_may_be_split()
    {
        var state = Given(Registered(), Cash(1000), Grant("sp_late", 300, Noon.AddDays(30)), Grant("sp_soon", 200, Noon.AddDays(5)));
        var paid = Approved(Wallet.Decide(state, Tap(700)));
        Assert.Equal(["sp_soon:200", "sp_late:300", "cash:200"], paid.Parts!.Select(p => $"{p.ProgramId ?? p.Purse}:{p.Amount}"));
        Assert.Equal((500L, 200L, 800L), (paid.FromSubsidy, paid.FromCash, paid.BalanceAfter));
        Assert.Equal(
        [
            new Posting("cardholder:ch_1:subsidy:sp_soon", 200, 0), new Posting("cardholder:ch_1:subsidy:sp_late", 300, 0),
            new Posting("cardholder:ch_1:cash", 200, 0), new Posting("merchant-receivable:mch_1", 0, 700),
        ], paid.Postings);
        var after = CardHolder.Fold(state, paid)!;
        Assert.Equal((800L, 0L, 800L), (after.Cash, after.SubsidyTotal, after.Total));
    }

    [Fact]
    public void Program_purses_come_before_the_general_subsidy_purse_which_never_expires()
    {
        var general = new CardToppedUp("ch_1", "tu2", 100, "subsidy", "counter", 0, 100, Noon, []);
        var state = Given(Registered(), general, Grant("sp_1", 100, Noon.AddDays(3)));
        Assert.Equal(["program:100", "subsidy:50"], Approved(Wallet.Decide(state, Tap(150))).Parts!.Select(p => $"{p.Purse}:{p.Amount}"));
    }

    [Fact]
    public void Subsidy_that_may_not_be_spent_at_this_merchant_or_meal_or_after_it_expired_is_skipped_and_cash_pays()
    {
        var state = Given(Registered(), Cash(1000),
            Grant("sp_canteen", 300, Noon.AddDays(10), categories: ["canteen"]),
            Grant("sp_breakfast", 300, Noon.AddDays(10), meals: ["breakfast"]),
            Grant("sp_expired", 300, Noon.AddMinutes(-1)));
        Assert.Equal(["cash:500"], Approved(Wallet.Decide(state, Tap(500, category: "shop"))).Parts!.Select(p => $"{p.Purse}:{p.Amount}"));
        Assert.Equal(["sp_canteen:300", "cash:200"], Approved(Wallet.Decide(state, Tap(500))).Parts!.Select(p => $"{p.ProgramId ?? p.Purse}:{p.Amount}"));
        Assert.Equal(["sp_breakfast:300", "sp_canteen:200"],
            Approved(Wallet.Decide(state, Tap(500, meal: new MealSlot("breakfast", Today)))).Parts!.Select(p => $"{p.ProgramId}:{p.Amount}"));
        // Outside every meal period only unrestricted money pays.
        var outside = Tap(500) with { Canteen = Tap(500).Canteen! with { Meal = null } };
        Assert.Equal(["sp_canteen:300", "cash:200"], Approved(Wallet.Decide(state, outside)).Parts!.Select(p => $"{p.ProgramId ?? p.Purse}:{p.Amount}"));
    }

    [Fact]
    public void Insufficient_funds_count_only_what_may_be_spent_here()
    {
        var state = Given(Registered(), Cash(100), Grant("sp_1", 1000, Noon.AddDays(10), categories: ["canteen"]));
        Assert.Equal(ErrorCodes.InsufficientFunds, Declined(Wallet.Decide(state, Tap(200, category: "supermarket"))));
        Approved(Wallet.Decide(state, Tap(1100)));
        Assert.Equal(ErrorCodes.InsufficientFunds, Declined(Wallet.Decide(state, Tap(1101))));
    }

    [Fact]
    public void Each_meals_use_is_kept_when_taps_of_other_meals_come_between()
    {
        var state = Given(Registered(), Cash(100_000));
        CardHolder Tapped(CardHolder s, long amount, MealSlot meal) => CardHolder.Fold(s, Approved(Wallet.Decide(s, Tap(amount, meal: meal))))!;
        var dinner = new MealSlot("dinner", Today);
        var tomorrow = new MealSlot("lunch", Today.AddDays(1));
        var after = Tapped(Tapped(Tapped(Tapped(state, 100, Lunch), 200, dinner), 300, Lunch), 400, tomorrow);
        Assert.Equal([new MealUse(400, 2), new MealUse(200, 1), new MealUse(400, 1)], new[] { Lunch, dinner, tomorrow }.Select(after.Canteen.MealOf));
        Assert.Equal(new MealUse(0, 0), Tapped(after, 1, new MealSlot("lunch", Today.AddDays(2 + CardHolder.DaysKept))).Canteen.MealOf(Lunch)); // a month on: forgotten
        Assert.Equal(new MealUse(100, 1), Tapped(state, 100, Lunch).Canteen.MealOf(Lunch));
    }

    [Fact]
    public void Per_meal_amount_and_taps_and_daily_limits_come_from_the_holder_then_its_group_then_its_kind_then_everyone()
    {
        LimitRule[] rules = [new("all", PerMealTaps: 1), new("kind:staff", PerMealAmount: 2000), new("group:G7", PerMealAmount: 800, DailyAmount: 1500)];
        var staff = Given(Registered(), Cash(10_000));
        Assert.Equal(ErrorCodes.LimitExceeded, Declined(Wallet.Decide(staff, Tap(2001, limits: rules))));
        var first = Approved(Wallet.Decide(staff, Tap(1500, limits: rules)));
        var afterOne = CardHolder.Fold(staff, first)!;
        Assert.Equal(ErrorCodes.LimitExceeded, Declined(Wallet.Decide(afterOne, Tap(100, limits: rules)))); // one tap per meal
        Approved(Wallet.Decide(afterOne, Tap(100, meal: new MealSlot("dinner", Today), limits: rules)));

        var grade = CardHolder.Fold(staff, new CanteenProfileSet("ch_1", "G7", null, 3, null, "office", Noon))!;
        Assert.Equal(ErrorCodes.LimitExceeded, Declined(Wallet.Decide(grade, Tap(801, limits: rules))));
        var lunch = CardHolder.Fold(grade, Approved(Wallet.Decide(grade, Tap(800, limits: rules))))!;
        var dinner = CardHolder.Fold(lunch, Approved(Wallet.Decide(lunch, Tap(700, meal: new MealSlot("dinner", Today), limits: rules))))!;
        Assert.Equal(ErrorCodes.LimitExceeded, Declined(Wallet.Decide(dinner, Tap(1, meal: new MealSlot("late-night", Today), limits: rules)))); // 1,500 a day

        var own = CardHolder.Fold(grade, new CanteenProfileSet("ch_1", "G7", 5000, 3, null, "office", Noon))!;
        Approved(Wallet.Decide(own, Tap(1400, limits: rules)));
    }

    [Fact]
    public void A_daily_limit_changed_later_applies_from_then_on_and_is_audited()
    {
        var state = Given(Registered(dailyLimit: 500), Cash(5000));
        Assert.Equal(ErrorCodes.LimitExceeded, Declined(Wallet.Decide(state, Tap(600))));
        var changed = Assert.IsType<DailyLimitChanged>(Assert.Single(HolderLimits.ChangeDaily(state, new ChangeDailyLimit(1000, "parents asked", "clerk", Noon)).Events));
        Assert.Equal((500L, 1000L, "parents asked", "clerk"), (changed.From!.Value, changed.To!.Value, changed.Reason, changed.By));
        Approved(Wallet.Decide(CardHolder.Fold(state, changed)!, Tap(600)));
        Assert.Empty(HolderLimits.ChangeDaily(CardHolder.Fold(state, changed)!, new ChangeDailyLimit(1000, "again", "clerk", Noon)).Events);
    }

    static CampaignCandidate Breakfast(string[]? kinds = null, int cap = 1) => new("cmp_1", 1, cap, kinds ?? [], []);

    [Fact]
    public void A_campaign_tap_costs_the_holder_the_price_and_the_marketing_account_the_rest()
    {
        var state = Given(Registered("student"), Cash(1000));
        var paid = Approved(Wallet.Decide(state, Tap(800, campaign: Breakfast(), discount: new CampaignDiscount("cmp_1", 799))));
        Assert.Equal((800L, 1L, 799L, "cmp_1", 999L), (paid.Amount, paid.HolderPaid, paid.Discount, paid.CampaignId!, paid.BalanceAfter));
        Assert.Equal([new Posting("cardholder:ch_1:cash", 1, 0), new Posting("bank-marketing:cmp_1", 799, 0), new Posting("merchant-receivable:mch_1", 0, 800)], paid.Postings);

        // Once a day: the second breakfast is at full price (the wallet ignores a discount beyond the cap).
        var after = CardHolder.Fold(state, paid)!;
        Assert.False(CampaignPricing.Eligible(after, Tap(800, campaign: Breakfast())));
        Assert.Equal(0, Approved(Wallet.Decide(after, Tap(800, campaign: Breakfast(), discount: new CampaignDiscount("cmp_1", 799)))).Discount);
    }

    [Fact]
    public void A_campaign_prices_only_eligible_holders_taps_that_cost_more_than_its_price_and_never_below_it()
    {
        var staff = Given(Registered("staff"), Cash(1000));
        Assert.False(CampaignPricing.Eligible(staff, Tap(800, campaign: Breakfast(kinds: ["student"]))));
        Assert.True(CampaignPricing.Eligible(staff, Tap(800, campaign: Breakfast(kinds: ["staff"]))));
        Assert.False(CampaignPricing.Eligible(staff, Tap(1, campaign: Breakfast())));
        // A reservation larger than the tap allows (it cannot be) still leaves the holder paying the price.
        Assert.Equal(799, Approved(Wallet.Decide(staff, Tap(800, campaign: Breakfast(), discount: new CampaignDiscount("cmp_1", 5000)))).Discount);
        // What is left of the budget pays part: the holder pays the rest.
        var partial = Approved(Wallet.Decide(staff, Tap(800, campaign: Breakfast(), discount: new CampaignDiscount("cmp_1", 300))));
        Assert.Equal((300L, 500L), (partial.Discount, partial.HolderPaid));
    }

    [Fact]
    public void Subsidy_is_granted_once_per_period_and_its_remainder_returns_to_the_funder_once()
    {
        var state = Given(Registered(), Cash(500));
        var grant = new GrantSubsidy("sp_1", "2026-09", 3000, Noon.AddDays(15), true, ["canteen"], [], Noon);
        var granted = Assert.IsType<SubsidyGranted>(Assert.Single(Subsidies.Grant(state, grant).Events));
        Assert.Equal([new Posting("subsidy-funder:sp_1", 3000, 0), new Posting("cardholder:ch_1:subsidy:sp_1", 0, 3000)], granted.Postings);
        state = CardHolder.Fold(state, granted)!;
        Assert.Empty(Subsidies.Grant(state, grant).Events);
        state = CardHolder.Fold(state, Approved(Wallet.Decide(state, Tap(1200))))!;

        var returned = Assert.IsType<SubsidyReturned>(Assert.Single(Subsidies.End(state, new EndSubsidy("sp_1", "2026-09", Noon)).Events));
        Assert.Equal([new Posting("cardholder:ch_1:subsidy:sp_1", 1800, 0), new Posting("subsidy-funder:sp_1", 0, 1800)], returned.Postings);
        state = CardHolder.Fold(state, returned)!;
        Assert.Empty(Subsidies.End(state, new EndSubsidy("sp_1", "2026-09", Noon)).Events);
        Assert.Empty(Subsidies.Grant(state, grant).Events); // a period ended is never granted again
        Assert.Equal((500L, 0L), (state.Cash, state.SubsidyTotal));
    }
}
