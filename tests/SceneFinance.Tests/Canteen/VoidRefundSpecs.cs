using System.Net;
using System.Text.Json;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Canteen;

/// <summary>Voids at the till, refunds by finance, back to the purses the money came from; never more than paid; the day's sales report.</summary>
[Collection(SharedApp.Name)]
public sealed class VoidRefundSpecs(SceneApp app)
{
    static Task<Answer> Void(SceneFinance.Tests.Infrastructure.Api api, Terminal till, string paymentId, string key, string reason = "打错菜 wrong dish") =>
        api.Signed(till, $"/api/v1/terminal/payments/{paymentId}/void", JsonSerializer.Serialize(new { reason }), key);

    [Fact]
    public async Task The_till_voids_a_wrong_tap_the_same_day_and_only_that_till_only_once()
    {
        var s = await Scenario.Start(app);
        var merchant = await s.Merchant();
        var (till, other) = (await s.TerminalAt(merchant), await s.TerminalAt(merchant, "2号窗口"));
        var (holder, card) = await s.CardHolder(cash: 1_000, subsidy: 200);
        var paid = (await s.Api.Pay(till, card, 700)).Expect(HttpStatusCode.OK)["paymentId"].GetValue<string>();

        (await Void(s.Api, other, paid, "v-0")).ExpectProblem(HttpStatusCode.Conflict, "conflict");
        (await s.Api.Signed(till, $"/api/v1/terminal/payments/{paid}/void", "{}", "v-x")).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        (await s.Api.Signed(till, $"/api/v1/terminal/payments/{paid}/void", JsonSerializer.Serialize(new { reason = "x" }), null))
            .ExpectProblem(HttpStatusCode.BadRequest, "idempotency_key_required");
        var voided = (await Void(s.Api, till, paid, "v-1")).Expect(HttpStatusCode.OK);
        Assert.Equal(("void", 700L, 1_200L), (voided["kind"].GetValue<string>(), voided["amount"].GetValue<long>(),
            voided["balance"]["cash"]!.GetValue<long>() + voided["balance"]["subsidy"]!.GetValue<long>()));
        Assert.Equal(voided.Raw, (await Void(s.Api, till, paid, "v-1")).Expect(HttpStatusCode.OK).Raw); // replayed
        (await Void(s.Api, till, paid, "v-2")).ExpectProblem(HttpStatusCode.Conflict, "conflict"); // voided already
        (await Void(s.Api, till, "pay_unknown", "v-3")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(1_200, await s.Balance(holder));
        Assert.Equal(0, (await s.TrialBalance()).Balance($"merchant-receivable:{merchant}"));
    }

    [Fact]
    public async Task Finance_refunds_part_then_the_rest_back_to_the_purses_and_never_more_than_was_paid()
    {
        var s = await Scenario.Start(app);
        var merchant = await s.Merchant();
        var till = await s.TerminalAt(merchant);
        var (holder, card) = await s.CardHolder(cash: 1_000);
        var program = await s.Program(new { name = "Lunch", amountPerPerson = 300, funder = "HR" });
        await s.Run(program, "grants");
        var paid = (await s.Api.Pay(till, card, 500)).Expect(HttpStatusCode.OK)["paymentId"].GetValue<string>();
        var finance = await s.UserToken("finance");
        var path = $"{s.Canteen()}/payments/{paid}/refunds";

        var part = (await s.Api.Post(path, new { amount = 250, reason = "half portion" }, finance, "r-1")).Expect(HttpStatusCode.OK);
        Assert.Equal(["cash:200", "program:50"], part["toPurses"].AsArray().Select(p => $"{p!["purse"]!.GetValue<string>()}:{p["amount"]!.GetValue<long>()}"));
        Assert.Equal(part.Raw, (await s.Api.Post(path, new { amount = 250, reason = "half portion" }, finance, "r-1")).Expect(HttpStatusCode.OK).Raw);
        (await s.Api.Post(path, new { amount = 251, reason = "too much" }, finance, "r-2")).ExpectProblem(HttpStatusCode.Conflict, "conflict");
        (await s.Api.Post(path, new { amount = 250, reason = "half portion" }, finance, "r-1-other")).Expect(HttpStatusCode.OK);
        (await s.Api.Post(path, new { amount = 1, reason = "more" }, finance, "r-3")).ExpectProblem(HttpStatusCode.Conflict, "conflict");
        (await s.Api.Post(path, new { amount = 1, reason = "more" }, finance)).ExpectProblem(HttpStatusCode.BadRequest, "idempotency_key_required");
        var cashier = await s.UserToken("cashier");
        (await s.Api.Post(path, new { amount = 1, reason = "x" }, cashier, "r-4")).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");

        Assert.Equal(1_300, await s.Balance(holder));
        var sale = (await s.Api.Get($"{s.Canteen()}/payments/{paid}", s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal((500L, 2), (sale["sale"]["refunded"]!.GetValue<long>(), sale["refunds"].AsArray().Count));
        var tb = await s.TrialBalance();
        Assert.Equal((0L, 300L), (tb.Balance($"merchant-receivable:{merchant}"), tb.Balance($"subsidy-funder:{program}")));
        var history = (await s.Api.Get($"{s.Base}/cardholders/{holder}/transactions", s.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray();
        Assert.Equal(["refund", "refund", "payment", "topup", "topup"], history.Select(t => t!["type"]!.GetValue<string>()));
        Assert.Equal(1_300, history[0]!["balanceAfter"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_cashier_voids_from_the_shell_at_the_till_they_stand_at_and_the_days_sales_show_it()
    {
        var s = await Scenario.Start(app);
        var merchant = await s.Merchant();
        var (till, till2) = (await s.TerminalAt(merchant), await s.TerminalAt(merchant, "2号窗口"));
        var (_, card) = await s.CardHolder(cash: 5_000);
        // A void is for today's taps, so lunch is now, whatever the hour the spec runs at (a lunch of 12:00 is yesterday's before noon).
        var lunch = DateTimeOffset.UtcNow.AddSeconds(-5);
        var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(lunch, Scenario.Zone).DateTime);
        await s.Settings(new { mealPeriods = new[] { new { id = "lunch", name = "午餐", start = local.AddHours(-1).ToString("HH:mm"), end = local.AddHours(1).ToString("HH:mm") } } });
        var wrong = (await s.Api.Pay(till, card, 900, occurredAt: lunch)).Expect(HttpStatusCode.OK)["paymentId"].GetValue<string>();
        (await s.Api.Pay(till2, card, 600, occurredAt: lunch)).Expect(HttpStatusCode.OK);
        var cashier = await s.UserToken("cashier");
        (await s.Api.Post($"{s.Canteen()}/payments/{wrong}/void", new { terminalId = till2.Id, reason = "wrong" }, cashier, "cv-1")).ExpectProblem(HttpStatusCode.Conflict, "conflict");
        (await s.Api.Post($"{s.Canteen()}/payments/{wrong}/void", new { terminalId = till.Id, reason = "wrong" }, cashier, "cv-2")).Expect(HttpStatusCode.OK);

        var day = CanteenScenario.LocalDay(lunch).ToString("yyyy-MM-dd");
        var report = (await s.Api.Get($"{s.Canteen()}/reports/daily-sales?date={day}", s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal((2, 1_500L), (report["taps"].GetValue<int>(), report["amount"].GetValue<long>()));
        var stalls = report["byStall"].AsArray().ToDictionary(l => l!["key"]!.GetValue<string>(), l => l!);
        Assert.Equal(900L, stalls[till.Id]["amount"]!.GetValue<long>());
        Assert.Equal("lunch", Assert.Single(report["byMealPeriod"].AsArray())!["key"]!.GetValue<string>());
        Assert.Equal("cash", Assert.Single(report["byPurse"].AsArray())!["key"]!.GetValue<string>());
        var sales = (await s.Api.Get($"{s.Canteen()}/sales?date={day}&terminalId={till.Id}", s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.True(Assert.Single(sales["items"].AsArray())!["voided"]!.GetValue<bool>());
    }
}
