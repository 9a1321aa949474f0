using SceneFinance.Grains;
using SceneFinance.Grains.OfflineTills;
using SceneFinance.Platform.Time;
using SceneFinance.Scenes.Canteen.Campaigns;
using SceneFinance.Scenes.Canteen.MealPeriods;
using SceneFinance.Scenes.Canteen.Subsidies;

namespace SceneFinance.Tests.Canteen;

/// <summary>The canteen's other pure rules: meal periods, program periods, the offline list's versions, a campaign's budget.</summary>
public sealed class CanteenRulesTests
{
    static readonly TenantTime Shanghai = TenantTime.In("Asia/Shanghai", DateTimeOffset.UnixEpoch);

    static DateTimeOffset Local(int day, int hour, int minute = 0) => new(2026, 9, day, hour, minute, 0, TimeSpan.FromHours(8));

    [Fact]
    public void A_tap_belongs_to_the_meal_whose_window_it_falls_in_and_late_night_after_midnight_to_the_day_it_opened()
    {
        var periods = new CanteenSettings().MealPeriods;
        Assert.Equal(new MealSlot("breakfast", new(2026, 9, 1)), MealClock.SlotOf(periods, Shanghai, Local(1, 7, 10)));
        Assert.Equal(new MealSlot("lunch", new(2026, 9, 1)), MealClock.SlotOf(periods, Shanghai, Local(1, 11, 0)));
        Assert.Null(MealClock.SlotOf(periods, Shanghai, Local(1, 13, 30)));
        Assert.Equal(new MealSlot("late-night", new(2026, 9, 1)), MealClock.SlotOf(periods, Shanghai, Local(1, 23, 59)));
        Assert.Equal(new MealSlot("late-night", new(2026, 9, 1)), MealClock.SlotOf(periods, Shanghai, Local(2, 0, 30)));
        Assert.Null(MealClock.SlotOf(periods, Shanghai, Local(2, 1, 0)));
    }

    [Fact]
    public void A_monthly_program_period_is_the_tenants_calendar_month_and_a_dated_one_its_days()
    {
        var monthly = new SubsidyProgram { Id = "sp_1", Period = SubsidyProgram.Monthly };
        var september = monthly.PeriodOf(new DateOnly(2026, 9, 15), Shanghai)!;
        Assert.Equal(("2026-09", Local(1, 0), new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.FromHours(8))), (september.Key, september.StartsAt, september.EndsAt));
        Assert.Equal(september, Periods.ByKey(monthly, "2026-09", Shanghai));
        Assert.Equal(september.EndsAt, monthly.ExpiryOf(september));
        Assert.Null(new SubsidyProgram { EndAction = SubsidyProgram.Rollover }.ExpiryOf(september)); // rolls over: no end of its own

        var holiday = new SubsidyProgram { Id = "sp_2", Kind = SubsidyProgram.Holiday, Period = SubsidyProgram.Dates, From = new(2026, 9, 28), To = new(2026, 10, 7) };
        Assert.Null(holiday.PeriodOf(new DateOnly(2026, 9, 27), Shanghai));
        var golden = holiday.PeriodOf(new DateOnly(2026, 10, 1), Shanghai)!;
        Assert.Equal(("20260928-20261007", new DateTimeOffset(2026, 10, 8, 0, 0, 0, TimeSpan.FromHours(8))), (golden.Key, golden.EndsAt));
    }

    static OfflineCardList List(params object[] events) => events.Aggregate((OfflineCardList?)null, OfflineCardList.Fold)!;

    [Fact]
    public void The_offline_list_is_versioned_sends_what_changed_since_a_version_and_tells_what_a_till_knew()
    {
        var at = DateTimeOffset.UnixEpoch;
        var list = List(new OfflineCardListed("a", "lost", at), new OfflineCardListed("b", "frozen", at), new OfflineCardListed("b", "blacklisted", at),
            new OfflineCardUnlisted("b", "frozen", at), new OfflineCardUnlisted("b", "blacklisted", at), new OfflineCardListed("c", "frozen", at));
        Assert.Equal(6, list.Version);
        var full = list.Since(null);
        Assert.True(full.Full);
        Assert.Equal(["a", "c"], full.Entries.Select(e => e.CardKey));
        var delta = list.Since(2);
        Assert.False(delta.Full);
        Assert.Equal(["b:False@5", "c:True@6"], delta.Entries.Select(e => $"{e.CardKey}:{e.Listed}@{e.Version}"));
        Assert.Empty(list.Since(6).Entries);
        Assert.True(list.Since(99).Full); // a till ahead of the list (it was rebuilt) starts over

        Assert.Equal(["frozen"], list.At("b", 2));
        Assert.Equal(["blacklisted", "frozen"], list.At("b", 3));
        Assert.Empty(list.At("b", 5));
        Assert.Empty(list.At("c", 5));
        Assert.Equal(["frozen"], list.At("c", 6));
    }

    [Fact]
    public void A_list_is_reconciled_with_what_a_source_lists_now_for_its_own_reasons_only()
    {
        var at = DateTimeOffset.UnixEpoch;
        var list = List(new OfflineCardListed("a", "lost", at), new OfflineCardListed("b", "frozen", at), new OfflineCardListed("x", "blacklisted", at));
        var repaired = OfflineListDecisions.Reconcile(list, ["lost", "frozen"], [new ListedCard("a", "lost"), new ListedCard("c", "frozen")], at);
        Assert.Equal(["+c:frozen", "-b:frozen"], repaired.Events.Select(e => e switch
        {
            OfflineCardListed l => $"+{l.CardKey}:{l.Reason}", OfflineCardUnlisted u => $"-{u.CardKey}:{u.Reason}", _ => "?",
        }));
        Assert.Empty(OfflineListDecisions.Set(list, "a", "lost", true, at).Events);
    }

    static Campaign Opened(long budget) =>
        Campaign.Fold(null, new CampaignOpened("cmp_1", new CampaignDefinition("1 fen", new(2026, 9, 1), new(2026, 9, 30), "breakfast", ["mch_1"], [], [], 1, 1, budget),
            DateTimeOffset.UnixEpoch))!;

    [Fact]
    public void A_campaign_reserves_discounts_until_exactly_its_budget_and_gives_back_what_was_not_used()
    {
        var c = Opened(2000);
        foreach (var pay in new[] { "p1", "p2" }) c = Campaign.Fold(c, CampaignDecisions.Reserve(c, pay, "h", 800, DateTimeOffset.UnixEpoch).Events.Single())!;
        Assert.Equal((1598L, 402L), (c.Spent, c.Remaining));
        var last = Assert.IsType<CampaignDiscountReserved>(CampaignDecisions.Reserve(c, "p3", "h", 800, DateTimeOffset.UnixEpoch).Events.Single());
        Assert.Equal(402, last.Amount); // the last tap gets what is left
        c = Campaign.Fold(c, last)!;
        Assert.Equal((0L, "spent"), (c.Remaining, c.Status));
        Assert.Empty(CampaignDecisions.Reserve(c, "p4", "h", 800, DateTimeOffset.UnixEpoch).Events);
        Assert.Empty(CampaignDecisions.Reserve(c, "p3", "h", 800, DateTimeOffset.UnixEpoch).Events); // the same tap keeps its reservation

        c = Campaign.Fold(c, CampaignDecisions.Release(c, "p2", DateTimeOffset.UnixEpoch).Events.Single())!;
        Assert.Equal((799L, 2), (c.Remaining, c.Redemptions));
        Assert.Empty(CampaignDecisions.Release(c, "p2", DateTimeOffset.UnixEpoch).Events);
        Assert.Empty(CampaignDecisions.Reserve(Campaign.Fold(c, new CampaignClosed("cmp_1", DateTimeOffset.UnixEpoch))!, "p5", "h", 800, DateTimeOffset.UnixEpoch).Events);
    }
}
