using System.Net;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Canteen;

/// <summary>Meal periods and limits over HTTP: the tenant's rules, the single-payment cap as a setting, the audited daily limit, a holder's group.</summary>
[Collection(SharedApp.Name)]
public sealed class LimitSpecs(SceneApp app)
{
    static string Code(Answer a) => a["status"].GetValue<string>() == "approved" ? "approved" : a["declineCode"].GetValue<string>();

    [Fact]
    public async Task The_single_payment_cap_is_a_tenant_setting()
    {
        var s = await Scenario.Start(app);
        var (_, card) = await s.CardHolder(cash: 1_000_000);
        var till = await s.Terminal();
        var settings = (await s.Api.Get($"{s.Canteen()}/settings", s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal(500_000, settings["singlePaymentCap"].GetValue<long>());
        Assert.Equal(["breakfast", "lunch", "dinner", "late-night"], settings["mealPeriods"].AsArray().Select(p => p!["id"]!.GetValue<string>()));

        Assert.Equal("approved", Code(await s.Api.Pay(till, card, 200_000)));
        await s.Settings(new { singlePaymentCap = 100_000 });
        Assert.Equal("risk_rejected", Code(await s.Api.Pay(till, card, 100_001)));
        Assert.Equal("approved", Code(await s.Api.Pay(till, card, 100_000)));
        await s.Settings(new { singlePaymentCap = 0 }); // none
        Assert.Equal("approved", Code(await s.Api.Pay(till, card, 600_000)));
    }

    [Fact]
    public async Task Per_meal_and_group_limits_decline_with_limit_exceeded()
    {
        var s = await Scenario.Start(app);
        var (staffId, staffCard) = await s.CardHolder(cash: 100_000);
        var (pupilId, pupilCard) = await s.CardHolder(cash: 100_000);
        var till = await s.Terminal();
        await s.Settings(new { limits = new object[] { new { target = "all", perMealTaps = 2 }, new { target = "group:G7", perMealAmount = 1500 } } });
        (await s.Api.Send(HttpMethod.Put, $"{s.Base}/cardholders/{pupilId}/canteen-profile", new { group = "G7" }, s.AdminToken)).Expect(HttpStatusCode.OK);

        var lunch = CanteenScenario.RecentLocal(12, 10);
        Assert.Equal("limit_exceeded", Code(await s.Api.Pay(till, pupilCard, 1600, occurredAt: lunch)));
        Assert.Equal("approved", Code(await s.Api.Pay(till, pupilCard, 1000, occurredAt: lunch)));
        Assert.Equal("limit_exceeded", Code(await s.Api.Pay(till, pupilCard, 600, occurredAt: lunch.AddMinutes(5))));
        Assert.Equal("approved", Code(await s.Api.Pay(till, staffCard, 1600, occurredAt: lunch)));
        Assert.Equal("approved", Code(await s.Api.Pay(till, staffCard, 1600, occurredAt: lunch.AddMinutes(1))));
        Assert.Equal("limit_exceeded", Code(await s.Api.Pay(till, staffCard, 100, occurredAt: lunch.AddMinutes(2)))); // two taps a meal
        var wallet = await s.Wallet(pupilId);
        Assert.Equal("G7", wallet["group"]!.GetValue<string>());
        Assert.Equal(99_000, (await s.Wallet(pupilId))["cash"]!.GetValue<long>());
        _ = staffId;
    }

    [Fact]
    public async Task The_daily_limit_is_changed_by_an_audited_action_and_applies_at_once()
    {
        var s = await Scenario.Start(app);
        var (holder, card) = await s.CardHolder(cash: 10_000, dailyLimit: 1000);
        var till = await s.Terminal();
        Assert.Equal("limit_exceeded", Code(await s.Api.Pay(till, card, 1500)));
        var clerk = await s.UserToken("cashier");
        var changed = (await s.Api.Post($"{s.Base}/cardholders/{holder}/daily-limit", new { dailyLimit = 2000, reason = "家长申请 parent asked" }, clerk))
            .Expect(HttpStatusCode.OK);
        Assert.Equal(2000, changed["dailyLimit"].GetValue<long>());
        Assert.Equal("approved", Code(await s.Api.Pay(till, card, 1500)));
        var audit = (await s.Wallet(holder))["dailyLimitChanges"]!.AsArray();
        var change = Assert.Single(audit)!;
        Assert.Equal((1000L, 2000L, "家长申请 parent asked"), (change["from"]!.GetValue<long>(), change["to"]!.GetValue<long>(), change["reason"]!.GetValue<string>()));
        Assert.StartsWith("cashier", change["by"]!.GetValue<string>());

        (await s.Api.Post($"{s.Base}/cardholders/{holder}/daily-limit", new { dailyLimit = 2000 }, clerk)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        (await s.Api.Post($"{s.Base}/cardholders/{holder}/daily-limit", new { dailyLimit = -5, reason = "x" }, clerk)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        var auditor = await s.UserToken("auditor");
        (await s.Api.Post($"{s.Base}/cardholders/{holder}/daily-limit", new { dailyLimit = 9000, reason = "x" }, auditor)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await s.Api.Post($"{s.Base}/cardholders/ch_nobody/daily-limit", new { dailyLimit = 9000, reason = "x" }, clerk)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        var noLimit = (await s.Api.Post($"{s.Base}/cardholders/{holder}/daily-limit", new { dailyLimit = (long?)null, reason = "graduated" }, clerk)).Expect(HttpStatusCode.OK);
        Assert.Null(noLimit.Body!["dailyLimit"]);
    }

    [Fact]
    public async Task Settings_are_checked_and_only_managers_change_them()
    {
        var s = await Scenario.Start(app);
        var overlapping = new object[] { new { id = "breakfast", name = "早餐", start = "06:00", end = "09:00" }, new { id = "brunch", name = "Brunch", start = "08:30", end = "10:30" } };
        var bad = (await s.Api.Send(HttpMethod.Put, $"{s.Canteen()}/settings", new { mealPeriods = overlapping }, s.AdminToken)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(bad["errors"]["mealPeriods"]);
        (await s.Api.Send(HttpMethod.Put, $"{s.Canteen()}/settings", new { limits = new[] { new { target = "someone" } } }, s.AdminToken))
            .ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        (await s.Api.Send(HttpMethod.Put, $"{s.Canteen()}/settings", new { singlePaymentCap = -1 }, s.AdminToken)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        var cashier = await s.UserToken("cashier");
        (await s.Api.Send(HttpMethod.Put, $"{s.Canteen()}/settings", new { offlineTillCap = 1 }, cashier)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");

        var night = new object[] { new { id = "breakfast", name = "早餐", start = "06:00", end = "09:00" }, new { id = "night-shift", name = "夜班", start = "22:00", end = "02:00" } };
        var saved = await s.Settings(new { mealPeriods = night, offlineHolderCap = 3000 });
        Assert.Equal(["breakfast", "night-shift"], saved["mealPeriods"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()));
        Assert.Equal((3000L, 300_000L), (saved["offlineHolderCap"]!.GetValue<long>(), saved["offlineTillCap"]!.GetValue<long>()));
    }
}
