using System.Net;
using SceneFinance.Platform.Security;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Trust;

/// <summary>
/// Counter top-ups make money appear with one person's word: each person may credit up to the tenant's daily limit; beyond it a
/// second person (another user id) approves. The limit itself changes only when a second person approves. The till report's
/// per-person totals are the ledger's.
/// </summary>
[Collection(SharedApp.Name)]
public sealed class CounterTopUpApprovalSpecs(SceneApp app)
{
    static async Task SetLimit(Scenario s, long limit)
    {
        var asker = await s.UserToken(Roles.Finance);
        var asked = (await s.Api.Post($"{s.Base}/approval-limits/change-requests", new { counterTopUpDailyLimit = limit, reason = "spec" }, asker))
            .Expect(HttpStatusCode.Created);
        var approval = asked["id"].GetValue<string>();
        Assert.NotEqual(limit, (await s.Api.Get($"{s.Base}/approval-limits", asker)).Expect(HttpStatusCode.OK)["counterTopUpDailyLimit"].GetValue<long>());
        (await s.Api.Post($"{s.Base}/approvals/{approval}/approve", null, asker)).ExpectProblem(HttpStatusCode.Forbidden, "second_approver_required");
        (await s.Api.Post($"{s.Base}/approvals/{approval}/approve", null, await s.UserToken(Roles.TenantAdmin))).Expect(HttpStatusCode.OK);
        Assert.Equal(limit, (await s.Api.Get($"{s.Base}/approval-limits", asker)).Expect(HttpStatusCode.OK)["counterTopUpDailyLimit"].GetValue<long>());
    }

    [Fact]
    public async Task A_cashiers_top_ups_beyond_the_daily_limit_wait_for_a_second_person_and_the_limit_changes_only_with_one()
    {
        var s = await Scenario.Start(app);
        await SetLimit(s, 10_000);
        var (holder, _) = await s.CardHolder();
        var cashier = await s.UserToken(Roles.Cashier);
        var topups = $"{s.Base}/cardholders/{holder}/topups";

        var first = (await s.Api.Post(topups, new { amount = 6_000, channel = "counter" }, cashier, "c-1")).Expect(HttpStatusCode.OK);
        (await s.Api.Post(topups, new { amount = 5_000, channel = "counter" }, cashier, "c-2")).ExpectProblem(HttpStatusCode.Conflict, "approval_required");
        (await s.Api.Post(topups, new { amount = 3_000, channel = "bank-transfer", purse = "subsidy" }, cashier, "c-3")).Expect(HttpStatusCode.OK);
        (await s.Api.Post(topups, new { amount = 2_000, channel = "counter" }, cashier, "c-4")).ExpectProblem(HttpStatusCode.Conflict, "approval_required");
        // A retry of an answered top-up gets its first answer, although the cashier is now near the limit.
        Assert.Equal(first["id"].GetValue<string>(),
            (await s.Api.Post(topups, new { amount = 6_000, channel = "counter" }, cashier, "c-1")).Expect(HttpStatusCode.OK)["id"].GetValue<string>());
        Assert.Equal(9_000, await s.Balance(holder));

        var asked = (await s.Api.Post($"{s.Base}/cardholders/{holder}/topup-requests", new { amount = 5_000, channel = "counter" }, cashier))
            .Expect(HttpStatusCode.Created);
        Assert.Equal(("counter-topup", "pending"), (asked["kind"].GetValue<string>(), asked["status"].GetValue<string>()));
        var approval = $"{s.Base}/approvals/{asked["id"].GetValue<string>()}";
        Assert.Equal(9_000, await s.Balance(holder)); // nothing yet
        var finance = await s.UserToken(Roles.Finance);
        var approved = (await s.Api.Post($"{approval}/approve", null, finance)).Expect(HttpStatusCode.OK);
        Assert.Equal("done", approved["status"].GetValue<string>());
        Assert.NotEqual(approved["requestedById"].GetValue<string>(), approved["decidedById"].GetValue<string>());
        (await s.Api.Post($"{approval}/approve", null, finance)).Expect(HttpStatusCode.OK); // twice: credited once
        Assert.Equal(14_000, await s.Balance(holder));

        // The till report: the approved top-up counts for the cashier who asked.
        var day = (await s.Api.Get($"{s.Base}/counter-topups/daily", s.AdminToken)).Expect(HttpStatusCode.OK);
        var row = Assert.Single(day["items"].AsArray())!;
        Assert.Equal((approved["requestedById"].GetValue<string>(), 3, 14_000L),
            (row["cashierId"]!.GetValue<string>(), row["count"]!.GetValue<int>(), row["amount"]!.GetValue<long>()));
        Assert.Equal(10_000, day["limit"].GetValue<long>());
        (await s.Api.Get($"{s.Base}/counter-topups/daily?day=yesterday", s.AdminToken)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task The_till_reports_per_person_totals_add_up_to_the_ledgers_counter_and_bank_transfer_clearing()
    {
        var s = await Scenario.Start(app);
        var (a, _) = await s.CardHolder();
        var (b, _) = await s.CardHolder();
        var cashier = await s.UserToken(Roles.Cashier);
        var finance = await s.UserToken(Roles.Finance);
        (await s.Api.Post($"{s.Base}/cardholders/{a}/topups", new { amount = 1_234, channel = "counter" }, cashier, "r-1")).Expect(HttpStatusCode.OK);
        (await s.Api.Post($"{s.Base}/cardholders/{b}/topups", new { amount = 2_000, channel = "counter", purse = "subsidy" }, cashier, "r-2")).Expect(HttpStatusCode.OK);
        (await s.Api.Post($"{s.Base}/cardholders/{b}/topups", new { amount = 777, channel = "bank-transfer" }, finance, "r-3")).Expect(HttpStatusCode.OK);
        await s.TopUp(a, 500); // the platform admin, by hand too

        var day = (await s.Api.Get($"{s.Base}/counter-topups/daily", s.AdminToken)).Expect(HttpStatusCode.OK);
        var rows = day["items"].AsArray();
        Assert.Equal([2_000L + 1_234, 777, 500], rows.Select(r => r!["amount"]!.GetValue<long>()));
        Assert.Equal(4_511, day["amount"].GetValue<long>());
        var ledger = (await s.TrialBalance())["accounts"]!.AsArray()
            .Where(x => x!["account"]!.GetValue<string>() is "clearing:counter" or "clearing:bank-transfer")
            .Sum(x => x!["debit"]!.GetValue<long>());
        Assert.Equal(ledger, rows.Sum(r => r!["amount"]!.GetValue<long>()));
    }
}
