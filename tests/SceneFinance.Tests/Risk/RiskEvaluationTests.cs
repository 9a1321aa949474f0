using SceneFinance.Grains;
using SceneFinance.Grains.CardHolders;
using SceneFinance.Grains.Risk;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Storage;

namespace SceneFinance.Tests.Risk;

/// <summary>The rule model's meaning without Orleans or a database: every attribute, the windows' edges, lists and the gate.</summary>
public sealed class RiskEvaluationTests
{
    static readonly DateTimeOffset T0 = new(2026, 9, 1, 4, 0, 0, TimeSpan.Zero); // 12:00 in Shanghai
    const string Card = "8000111122223333";

    static RiskCondition Window(string scope, string metric, int seconds, string op, long value) => new(RiskAttributes.Window, op, value, scope, metric, seconds);
    static RiskRuleDefinition Rule(string action, params RiskCondition[] conditions) => new("r", action, conditions);
    static RiskRuleSet Set(params RiskRuleDefinition[] rules) => new("s", rules.Select((r, i) => new LiveRule($"rule{i}", 1, r)), []);

    static RiskTrail Trail(params (int SecondsAgo, string Terminal, long Amount, bool Approved)[] taps) =>
        taps.Aggregate(RiskTrail.Empty, (t, x) => t.Tapped(T0.AddSeconds(-x.SecondsAgo), x.Terminal, x.Amount, x.Approved));

    static TapContext Tap(long amount = 500, RiskTrail? trail = null, string terminal = "trm_1", TapFacts? facts = null,
        ListKinds card = ListKinds.None, ListKinds holder = ListKinds.None, ListKinds term = ListKinds.None, ListKinds id = ListKinds.None) =>
        new(amount, T0, terminal, facts ?? new TapFacts(new TimeOnly(12, 0), MealPeriods.Lunch, MerchantCategories.Canteen, []), trail ?? RiskTrail.Empty, card, holder, term, id);

    static bool Fires(RiskRuleDefinition rule, TapContext tap) => RiskEvaluator.Match(rule, tap) is not null;

    [Theory]
    [InlineData("gt", 500, false)] [InlineData("gte", 500, true)] [InlineData("gt", 499, true)]
    [InlineData("lt", 501, true)] [InlineData("lte", 500, true)] [InlineData("eq", 500, true)] [InlineData("eq", 501, false)]
    public void Amount_compares_with_each_operator(string op, long value, bool fires) =>
        Assert.Equal(fires, Fires(Rule("block", new RiskCondition(RiskAttributes.Amount, op, value)), Tap(500)));

    [Fact]
    public void A_window_counts_taps_inside_it_and_this_tap_but_not_one_exactly_its_length_ago()
    {
        var trail = Trail((120, "trm_1", 100, true), (119, "trm_1", 100, true), (10, "trm_1", 100, false));
        Assert.Equal(3, trail.Figure(RiskScopes.Card, RiskMetrics.Count, 120, T0, "trm_1", 500));
        Assert.True(Fires(Rule("block", Window("card", "count", 120, "gte", 3)), Tap(trail: trail)));
        Assert.False(Fires(Rule("block", Window("card", "count", 120, "gt", 3)), Tap(trail: trail)));
    }

    [Fact]
    public void A_window_sums_approved_fen_and_this_tap_and_counts_declines_and_terminals()
    {
        var trail = Trail((300, "trm_1", 1000, true), (200, "trm_2", 2000, false), (100, "trm_3", 3000, true));
        Assert.Equal(1000 + 3000 + 500, trail.Figure(RiskScopes.Holder, RiskMetrics.Sum, 3600, T0, "trm_1", 500));
        Assert.Equal(1, trail.Figure(RiskScopes.Holder, RiskMetrics.Declines, 3600, T0, "trm_1", 500));
        Assert.Equal(3, trail.Figure(RiskScopes.Holder, RiskMetrics.Terminals, 3600, T0, "trm_1", 500));
        Assert.Equal(4, trail.Figure(RiskScopes.Holder, RiskMetrics.Terminals, 3600, T0, "trm_9", 500));
        Assert.Equal(3000 + 500, trail.Figure(RiskScopes.Holder, RiskMetrics.Sum, 150, T0, "trm_1", 500));
    }

    [Fact]
    public void A_card_window_counts_only_the_current_card_a_holder_window_every_card()
    {
        var trail = Trail((60, "trm_1", 100, true), (50, "trm_1", 100, true)).Fold(new CardReplaced("ch_1", "old", "new", T0)).Tapped(T0.AddSeconds(-10), "trm_1", 100, true);
        Assert.Equal(2, trail.Figure(RiskScopes.Card, RiskMetrics.Count, 600, T0, "trm_1", 1));
        Assert.Equal(4, trail.Figure(RiskScopes.Holder, RiskMetrics.Count, 600, T0, "trm_1", 1));
    }

    [Fact]
    public void A_terminal_window_adds_this_tap_to_what_the_terminal_counted()
    {
        var till = new TerminalTrail();
        for (var i = 1; i <= 4; i++) till.Add(T0.AddSeconds(-i * 10), 700, approved: i != 2);
        till.Add(T0.AddSeconds(-60), 700, true); // exactly the window's length ago: outside
        var figures = till.Figures([60], T0);
        Assert.Equal(new WindowFigure(60, 4, 2100, 1), figures[0]);
        var facts = new TapFacts(new TimeOnly(12, 0), MealPeriods.Lunch, MerchantCategories.Canteen, figures);
        Assert.True(Fires(Rule("block", Window("terminal", "count", 60, "eq", 5)), Tap(facts: facts)));
        Assert.True(Fires(Rule("block", Window("terminal", "sum", 60, "eq", 2600)), Tap(facts: facts)));
        Assert.True(Fires(Rule("block", Window("terminal", "declines", 60, "eq", 1)), Tap(facts: facts)));
        Assert.True(Fires(Rule("block", Window("terminal", "count", 30, "eq", 1)), Tap(facts: facts))); // a window it was not asked for: this tap only
    }

    [Fact]
    public void A_terminal_s_late_offline_tap_goes_in_its_place_and_a_day_old_tap_is_forgotten()
    {
        var till = new TerminalTrail();
        till.Add(T0.AddSeconds(-30), 100, true);
        till.Add(T0.AddSeconds(-10), 300, false);
        till.Add(T0.AddSeconds(-20), 200, true); // uploaded late
        Assert.Equal(new WindowFigure(25, 2, 200, 1), till.Figures([25], T0)[0]);
        Assert.Equal(new WindowFigure(60, 2, 300, 0), till.Figures([60], T0.AddSeconds(-15))[0]); // as it stood 15 s before
        till.Add(T0.AddSeconds(RiskCondition.MaxWindowSeconds), 1, true);
        Assert.Equal(new WindowFigure(RiskCondition.MaxWindowSeconds, 1, 1, 0), till.Figures([RiskCondition.MaxWindowSeconds], T0.AddSeconds(RiskCondition.MaxWindowSeconds))[0]);
    }

    [Theory]
    [InlineData("11:00", "13:00", 12, 0, true)] [InlineData("11:00", "12:00", 12, 0, false)] [InlineData("12:00", "13:00", 12, 0, true)]
    [InlineData("22:00", "06:00", 23, 30, true)] [InlineData("22:00", "06:00", 2, 0, true)] [InlineData("22:00", "06:00", 12, 0, false)]
    public void Time_of_day_is_from_inclusive_to_exclusive_and_wraps_past_midnight(string from, string to, int hour, int minute, bool fires)
    {
        var facts = new TapFacts(new TimeOnly(hour, minute), MealPeriods.None, MerchantCategories.Canteen, []);
        Assert.Equal(fires, Fires(Rule("block", new RiskCondition(RiskAttributes.TimeOfDay, From: from, To: to)), Tap(facts: facts)));
    }

    [Fact]
    public void Meal_period_and_merchant_category_match_any_of_their_values()
    {
        var shop = Tap(facts: new TapFacts(new TimeOnly(22, 0), MealPeriods.LateNight, MerchantCategories.Shop, []));
        Assert.True(Fires(Rule("block", new RiskCondition(RiskAttributes.MealPeriod, Values: ["dinner", "lateNight"])), shop));
        Assert.False(Fires(Rule("block", new RiskCondition(RiskAttributes.MealPeriod, Values: ["lunch"])), shop));
        Assert.True(Fires(Rule("block", new RiskCondition(RiskAttributes.MerchantCategory, Values: ["shop"])), shop));
        Assert.False(Fires(Rule("block", new RiskCondition(RiskAttributes.MerchantCategory, Values: ["canteen"])), shop));
        Assert.Equal(MealPeriods.Lunch, new StandardMealPeriods().PeriodAt("t", new TimeOnly(12, 0)));
        Assert.Equal(MealPeriods.None, new StandardMealPeriods().PeriodAt("t", new TimeOnly(15, 0)));
    }

    [Fact]
    public void List_membership_of_each_subject_and_the_blacklist_and_allowlist()
    {
        var watch = Rule("review", new RiskCondition(RiskAttributes.List, Scope: "idNumber", Values: ["watch"]));
        Assert.True(Fires(watch, Tap(id: ListKinds.Watch)));
        Assert.False(Fires(watch, Tap(card: ListKinds.Watch)));
        var set = Set(Rule("review", new RiskCondition(RiskAttributes.Amount, "gt", 0)));
        foreach (var black in new[] { Tap(card: ListKinds.Black), Tap(holder: ListKinds.Black), Tap(term: ListKinds.Black), Tap(id: ListKinds.Black) })
        {
            var verdict = RiskEvaluator.Evaluate(set, black);
            Assert.Equal((RiskOutcomes.Blocked, RiskEvaluator.BlacklistRuleId), (verdict.Outcome, Assert.Single(verdict.Hits).RuleId));
        }
        Assert.Null(RiskEvaluator.Evaluate(set, Tap(holder: ListKinds.Allow)).Outcome); // trusted: rules skipped
        Assert.Equal(RiskOutcomes.Blocked, RiskEvaluator.Evaluate(set, Tap(card: ListKinds.Allow | ListKinds.Black)).Outcome);
    }

    [Fact]
    public void First_use_after_replacement_holds_until_the_new_card_is_used()
    {
        var rule = Rule("review", new RiskCondition(RiskAttributes.FirstUseAfterReplacement));
        Assert.False(Fires(rule, Tap()));
        var replaced = RiskTrail.Empty.Fold(new CardReplaced("ch_1", "a", "b", T0));
        Assert.True(Fires(rule, Tap(trail: replaced)));
        Assert.True(Fires(rule, Tap(trail: replaced.Tapped(T0.AddSeconds(-5), "trm_1", 100, approved: false)))); // a decline is no use
        Assert.False(Fires(rule, Tap(trail: replaced.Tapped(T0.AddSeconds(-5), "trm_1", 100, approved: true))));
    }

    [Fact]
    public void Terminal_hop_is_the_time_since_a_tap_on_another_terminal()
    {
        var rule = Rule("block", new RiskCondition(RiskAttributes.TerminalHop, "lt", 60));
        Assert.False(Fires(rule, Tap(trail: Trail((10, "trm_1", 100, true))))); // same terminal
        Assert.True(Fires(rule, Tap(trail: Trail((30, "trm_2", 100, true), (10, "trm_1", 100, true)))));
        Assert.False(Fires(rule, Tap(trail: Trail((60, "trm_2", 100, true)))));
        Assert.Equal("30", RiskEvaluator.Match(rule, Tap(trail: Trail((30, "trm_2", 100, true))))![0].Actual);
    }

    [Fact]
    public void All_conditions_must_hold_and_the_strongest_action_wins_with_every_rule_explained()
    {
        var big = new RiskCondition(RiskAttributes.Amount, "gte", 1000);
        var set = Set(Rule("shadow", big), Rule("review", big), Rule("block", big, new RiskCondition(RiskAttributes.MerchantCategory, Values: ["shop"])));
        var verdict = RiskEvaluator.Evaluate(set, Tap(1500));
        Assert.Equal(RiskOutcomes.Reviewed, verdict.Outcome);
        Assert.Equal(["rule0", "rule1"], verdict.Hits.Select(h => h.RuleId));
        Assert.Equal(new TriggerValue("amount ≥ 1000", "1500"), verdict.Hits[0].Values.Single());
        Assert.Equal(RiskOutcomes.Shadow, RiskEvaluator.Evaluate(Set(Rule("shadow", big)), Tap(1500)).Outcome);
    }

    [Fact]
    public void The_trail_keeps_a_day_and_puts_a_late_offline_tap_in_its_place()
    {
        var trail = Trail((90_000, "trm_1", 1, true), (100, "trm_1", 1, true), (10, "trm_1", 1, true)).Tapped(T0.AddSeconds(-50), "trm_2", 1, true);
        Assert.Equal([100, 50, 10], trail.Taps.Select(t => (int)(T0 - t.At).TotalSeconds));
    }

    [Fact]
    public void A_trail_never_changes_once_made_though_trails_share_their_taps()
    {
        var before = Trail((30, "trm_1", 1, true), (20, "trm_1", 2, true));
        var next = before.Tapped(T0.AddSeconds(-10), "trm_1", 3, true);
        var fork = before.Tapped(T0.AddSeconds(-5), "trm_2", 4, false); // decided again on the state before (its commit failed)
        var late = next.Tapped(T0.AddSeconds(-25), "trm_3", 5, true);   // an offline tap that goes between
        Assert.Equal([1L, 2], before.Taps.Select(t => t.Amount));
        Assert.Equal([1L, 2, 3], next.Taps.Select(t => t.Amount));
        Assert.Equal([1L, 2, 4], fork.Taps.Select(t => t.Amount));
        Assert.Equal([1L, 5, 2, 3], late.Taps.Select(t => t.Amount));
        Assert.Equal([1L, 2, 3, 6], next.Tapped(T0, "trm_1", 6, true).Taps.Select(t => t.Amount));

        var busy = Enumerable.Range(0, 1000).Aggregate(next, (t, i) => t.Tapped(T0.AddMilliseconds(i), "trm_1", i, true));
        Assert.Equal(RiskTrail.MaxTaps, busy.Taps.Count);
        Assert.Equal(Enumerable.Range(1000 - RiskTrail.MaxTaps, RiskTrail.MaxTaps).Select(i => (long)i), busy.Taps.Select(t => t.Amount));
        Assert.Equal([1L, 2, 3], next.Taps.Select(t => t.Amount));
    }

    // The gate: where the rules meet the wallet.

    static CardHolder Holder() => new object[]
    {
        new CardHolderRegistered("ch_1", "S1", "Li", "student", Card, null, null, null, T0.AddDays(-1)),
        new CardToppedUp("ch_1", "tu", 100_000, "cash", "counter", 100_000, 0, T0.AddDays(-1), []),
    }.Aggregate((CardHolder?)null, RiskTrail.Following(CardHolder.Fold))!;

    static Pay Pay(long amount, bool terminalActive = true) =>
        new("pay_1", "trm_1", "mch_1", Card, amount, T0, DateOnly.FromDateTime(T0.Date), true, terminalActive, 0, IdempotencyTicket.For("t", "k"), T0);

    static Decided Gate(CardHolder s, Pay c, RiskRuleSet set) => RiskGate.Decide(s, c, set, null, Wallet.Decide(s, c));

    [Fact]
    public void A_block_declines_risk_rejected_records_why_in_the_same_decision_and_moves_nothing()
    {
        var set = Set(Rule("block", new RiskCondition(RiskAttributes.Amount, "gt", 5000)));
        var decided = Gate(Holder(), Pay(6000), set);
        var declined = Assert.IsType<PaymentDeclined>(decided.Events[0]);
        Assert.Equal((ErrorCodes.RiskRejected, "mch_1"), (declined.DeclineCode, declined.MerchantId));
        var recorded = Assert.IsType<RiskDecisionRecorded>(decided.Events[1]);
        Assert.Equal((RiskOutcomes.Blocked, "rule0", 1), (recorded.Outcome, recorded.Hits[0].RuleId, recorded.Hits[0].Version));
        var interception = Assert.IsType<RiskInterception>(Assert.Single(decided.Inserts));
        Assert.Equal(("declined", "3333"), (interception.Status, interception.CardLast4));
        Assert.IsType<PaymentApproved>(Assert.Single(Gate(Holder(), Pay(5000), set).Events));
    }

    [Fact]
    public void A_review_approves_and_opens_a_case_in_the_same_commit_and_a_shadow_only_records()
    {
        var review = Gate(Holder(), Pay(6000), Set(Rule("review", new RiskCondition(RiskAttributes.Amount, "gt", 5000))));
        Assert.IsType<PaymentApproved>(review.Events[0]);
        Assert.Equal(RiskCase.IdOf("pay_1"), Assert.Single(review.Inserts.OfType<RiskCase>()).Id);
        var shadow = Gate(Holder(), Pay(6000), Set(Rule("shadow", new RiskCondition(RiskAttributes.Amount, "gt", 5000))));
        Assert.IsType<PaymentApproved>(shadow.Events[0]);
        Assert.Equal(RiskOutcomes.Shadow, Assert.IsType<RiskDecisionRecorded>(shadow.Events[1]).Outcome);
        Assert.Empty(shadow.Inserts.OfType<RiskCase>());
    }

    [Fact]
    public void The_wallet_s_status_reasons_come_first_and_nothing_is_evaluated_for_them()
    {
        var set = Set(Rule("block", new RiskCondition(RiskAttributes.Amount, "gt", 0)));
        var decided = Gate(Holder(), Pay(100, terminalActive: false), set);
        Assert.Equal(ErrorCodes.TerminalDisabled, Assert.IsType<PaymentDeclined>(Assert.Single(decided.Events)).DeclineCode);
        var broke = Gate(Holder(), Pay(1_000_000), set); // a money reason is overridden: the rule fires first
        Assert.Equal(ErrorCodes.RiskRejected, Assert.IsType<PaymentDeclined>(broke.Events[0]).DeclineCode);
    }

    [Fact]
    public void Rule_definitions_are_validated_field_by_field()
    {
        var bad = new RiskRuleDefinition("", "explode", [
            new RiskCondition(RiskAttributes.Window, "gt", 5, "terminal", "terminals", 0),
            new RiskCondition(RiskAttributes.TimeOfDay, From: "25:00", To: "06:00"),
            new RiskCondition(RiskAttributes.MealPeriod, Values: ["brunch"]),
        ]);
        var problem = Assert.Throws<ProblemException>(() => RiskRuleDefinition.Validate(new Validation(), bad).ThrowIfInvalid());
        Assert.Equal(["action", "conditions[0].metric", "conditions[0].windowSeconds", "conditions[1].from", "conditions[2].values", "name"],
            problem.Fields!.Keys.Order());
    }
}
