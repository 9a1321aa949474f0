using System.Net;
using System.Text;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Canteen;

/// <summary>Subsidy programs over HTTP: grants on the scheduler that change nothing when run again, restricted purses and split payments, the funder's figures.</summary>
[Collection(SharedApp.Name)]
public sealed class SubsidySpecs(SceneApp app)
{
    [Fact]
    public async Task A_grant_credits_every_eligible_holder_once_and_running_it_again_changes_nothing()
    {
        var s = await Scenario.Start(app);
        var holders = new List<string>();
        for (var i = 0; i < 5; i++) holders.Add((await s.CardHolder()).Id);
        var program = await s.Program(new { name = "午餐补贴 Lunch subsidy", amountPerPerson = 20_000, funder = "HR 人力资源部", mealPeriods = new[] { "lunch" } });

        var first = await s.Run(program, "grants", key: "grant-sept");
        Assert.Equal(("completed", 5, 5, 0), (first["status"]!.GetValue<string>(), first["total"]!.GetValue<int>(), first["changed"]!.GetValue<int>(), first["unchanged"]!.GetValue<int>()));
        Assert.Equal(100_000, first["amount"]!.GetValue<long>());
        // The same key gives the same run back; another key runs again and changes nothing.
        var replay = (await s.Api.Post($"{s.Canteen()}/subsidy-programs/{program}/grants", new { }, s.AdminToken, "grant-sept")).Expect(HttpStatusCode.Accepted);
        Assert.Equal(first["id"]!.GetValue<string>(), replay["id"].GetValue<string>());
        var again = await s.Run(program, "grants");
        Assert.Equal((0, 5), (again["changed"]!.GetValue<int>(), again["unchanged"]!.GetValue<int>()));
        (await s.Api.Post($"{s.Canteen()}/subsidy-programs/{program}/grants", new { period = "2001-01" }, s.AdminToken, "grant-sept"))
            .ExpectProblem(HttpStatusCode.Conflict, "idempotency_conflict");

        foreach (var h in holders) Assert.Equal(20_000, await s.Balance(h));
        var figures = (await s.Api.Get($"{s.Canteen()}/subsidy-programs/{program}", s.AdminToken)).Expect(HttpStatusCode.OK)["figures"];
        Assert.Equal((100_000L, 0L, 0L, 100_000L), (figures!["granted"]!.GetValue<long>(), figures["spent"]!.GetValue<long>(), figures["returned"]!.GetValue<long>(), figures["outstanding"]!.GetValue<long>()));
        var tb = await s.TrialBalance();
        Assert.Equal(100_000, tb.Balance($"subsidy-funder:{program}"));
    }

    [Fact]
    public async Task Restricted_subsidy_pays_only_where_and_when_allowed_and_a_payment_is_split_with_cash()
    {
        var s = await Scenario.Start(app);
        var (canteen, shop) = (await s.Merchant(), await s.Merchant("超市 Supermarket", "supermarket"));
        var (holder, card) = await s.CardHolder(cash: 1_000);
        var program = await s.Program(new { name = "Lunch", amountPerPerson = 1_500, funder = "HR", categories = new[] { "canteen" }, mealPeriods = new[] { "lunch" } });
        await s.Run(program, "grants");
        var (tillA, tillB) = (await s.TerminalAt(canteen), await s.TerminalAt(shop));
        var lunch = CanteenScenario.RecentLocal(12);

        var atShop = (await s.Api.Pay(tillB, card, 500, occurredAt: lunch)).Expect(HttpStatusCode.OK);
        Assert.Equal(("approved", 2_000L), (atShop["status"].GetValue<string>(), atShop["balanceAfter"].GetValue<long>()));
        Assert.Equal((500L, 1_500L), ((await s.Wallet(holder))["cash"]!.GetValue<long>(), (await s.Wallet(holder))["subsidy"]!.GetValue<long>()));

        var split = (await s.Api.Pay(tillA, card, 1_800, occurredAt: lunch)).Expect(HttpStatusCode.OK);
        Assert.Equal(("approved", 1_800L, 200L), (split["status"].GetValue<string>(), split["paid"].GetValue<long>(), split["balanceAfter"].GetValue<long>()));
        var wallet = await s.Wallet(holder);
        Assert.Equal((200L, 0L), (wallet["cash"]!.GetValue<long>(), wallet["subsidy"]!.GetValue<long>()));
        var tb = await s.TrialBalance();
        Assert.Equal((-500L, -1_800L), (tb.Balance($"merchant-receivable:{shop}"), tb.Balance($"merchant-receivable:{canteen}")));
        var figures = (await s.Api.Get($"{s.Canteen()}/subsidy-programs/{program}", s.AdminToken)).Expect(HttpStatusCode.OK)["figures"]!;
        Assert.Equal((1_500L, 1_500L, 0L), (figures["granted"]!.GetValue<long>(), figures["spent"]!.GetValue<long>(), figures["outstanding"]!.GetValue<long>()));
    }

    [Fact]
    public async Task An_imported_list_of_ids_keeps_leading_zeros_and_decides_who_is_granted()
    {
        var s = await Scenario.Start(app);
        var listed = (await s.Api.Post($"{s.Base}/cardholders", new { externalId = "000123", name = "Zhao", kind = "staff" }, s.AdminToken)).Expect(HttpStatusCode.Created)["id"].GetValue<string>();
        var notListed = (await s.Api.Post($"{s.Base}/cardholders", new { externalId = "123", name = "Qian", kind = "staff" }, s.AdminToken)).Expect(HttpStatusCode.Created)["id"].GetValue<string>();
        var program = await s.Program(new { name = "Staff lunch", amountPerPerson = 3_000, funder = "Admin office", kinds = new[] { "staff" } });
        var imported = await s.Upload($"{s.Canteen()}/subsidy-programs/{program}/eligible-holders", Encoding.UTF8.GetBytes("工号\n000123\n000999\n"), "staff.csv");
        Assert.Contains("\"listed\":2", imported);

        var run = await s.Run(program, "grants");
        Assert.Equal(1, run["changed"]!.GetValue<int>());
        Assert.Equal((3_000L, 0L), (await s.Balance(listed), await s.Balance(notListed)));
    }

    [Fact]
    public async Task Programs_are_checked_a_period_ends_only_after_it_is_over_and_a_closed_program_returns_what_is_left()
    {
        var s = await Scenario.Start(app);
        var bad = (await s.Api.Post($"{s.Canteen()}/subsidy-programs", new { name = "x", kind = "holiday", amountPerPerson = 0, funder = "", mealPeriods = new[] { "brunch" } }, s.AdminToken))
            .ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        foreach (var field in new[] { "amountPerPerson", "funder", "mealPeriods", "period" }) Assert.NotNull(bad["errors"][field]);
        var (holder, card) = await s.CardHolder(cash: 100);
        var program = await s.Program(new { name = "Monthly", amountPerPerson = 1_000, funder = "HR" });
        await s.Run(program, "grants");
        (await s.Api.Post($"{s.Canteen()}/subsidy-programs/{program}/period-ends", new { }, s.AdminToken, "too-early"))
            .ExpectProblem(HttpStatusCode.Conflict, "conflict");
        (await s.Api.Post($"{s.Canteen()}/subsidy-programs/{program}/grants", new { }, s.AdminToken)).ExpectProblem(HttpStatusCode.BadRequest, "idempotency_key_required");
        var cashier = await s.UserToken("cashier");
        (await s.Api.Post($"{s.Canteen()}/subsidy-programs/{program}/grants", new { }, cashier, "k")).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");

        (await s.Api.Pay(await s.Terminal(), card, 400)).Expect(HttpStatusCode.OK);
        var closed = await s.Run(program, "close");
        Assert.Equal(600, closed["amount"]!.GetValue<long>());
        Assert.Equal(100, await s.Balance(holder));
        var figures = (await s.Api.Get($"{s.Canteen()}/subsidy-programs/{program}", s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal("closed", figures["program"]["status"]!.GetValue<string>());
        Assert.Equal((1_000L, 400L, 600L), (figures["figures"]["granted"]!.GetValue<long>(), figures["figures"]["spent"]!.GetValue<long>(), figures["figures"]["returned"]!.GetValue<long>()));
        (await s.Api.Post($"{s.Canteen()}/subsidy-programs/{program}/grants", new { }, s.AdminToken, "after-close")).ExpectProblem(HttpStatusCode.Conflict, "conflict");
        await s.TrialBalance();
    }
}
