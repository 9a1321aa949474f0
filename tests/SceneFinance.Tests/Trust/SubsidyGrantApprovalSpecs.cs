using System.Net;
using SceneFinance.Platform.Security;
using SceneFinance.Tests.Canteen;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Trust;

/// <summary>
/// A subsidy grant credits many purses with one person's word: above the tenant's limit per grant it waits for a second person
/// (another user id), and the limit itself changes only when a second person approves.
/// </summary>
[Collection(SharedApp.Name)]
public sealed class SubsidyGrantApprovalSpecs(SceneApp app)
{
    [Fact]
    public async Task A_grant_above_the_limit_is_queued_only_when_someone_else_approves_it_and_credits_each_holder_once()
    {
        var s = await Scenario.Start(app);
        var (admin, finance) = (await s.UserToken(Roles.TenantAdmin), await s.UserToken(Roles.Finance));
        var change = (await s.Api.Post($"{s.Base}/approval-limits/change-requests", new { subsidyGrantLimit = 50_000, reason = "spec" }, finance))
            .Expect(HttpStatusCode.Created)["id"].GetValue<string>();
        (await s.Api.Post($"{s.Base}/approvals/{change}/approve", null, finance)).ExpectProblem(HttpStatusCode.Forbidden, "second_approver_required");
        Assert.Equal(10_000_000, (await s.Api.Get($"{s.Base}/approval-limits", finance)).Expect(HttpStatusCode.OK)["subsidyGrantLimit"].GetValue<long>());
        (await s.Api.Post($"{s.Base}/approvals/{change}/approve", null, admin)).Expect(HttpStatusCode.OK);
        Assert.Equal(50_000, (await s.Api.Get($"{s.Base}/approval-limits", finance)).Expect(HttpStatusCode.OK)["subsidyGrantLimit"].GetValue<long>());

        var holders = new List<string>();
        for (var i = 0; i < 3; i++) holders.Add((await s.CardHolder()).Id);
        var program = await s.Program(new { name = "午餐补贴 Lunch subsidy", amountPerPerson = 20_000, funder = "HR", mealPeriods = new[] { "lunch" } });
        var grants = $"{s.Canteen()}/subsidy-programs/{program}/grants";
        (await s.Api.Post(grants, new { }, admin, "too-much")).ExpectProblem(HttpStatusCode.Conflict, "approval_required"); // 3 x 200 yuan > 500 yuan
        foreach (var h in holders) Assert.Equal(0, await s.Balance(h));

        var asked = (await s.Api.Post($"{s.Canteen()}/subsidy-programs/{program}/grant-requests", new { reason = "September" }, admin)).Expect(HttpStatusCode.Created);
        Assert.Equal(("subsidy-grant", 60_000L), (asked["kind"].GetValue<string>(), asked["amount"].GetValue<long>()));
        var approval = $"{s.Base}/approvals/{asked["id"].GetValue<string>()}";
        (await s.Api.Post($"{approval}/approve", null, admin)).ExpectProblem(HttpStatusCode.Forbidden, "second_approver_required");
        Assert.Equal("done", (await s.Api.Post($"{approval}/approve", null, finance)).Expect(HttpStatusCode.OK)["status"].GetValue<string>());
        (await s.Api.Post($"{approval}/approve", null, finance)).Expect(HttpStatusCode.OK); // twice: one run

        var runs = (await s.Api.Get($"{s.Canteen()}/subsidy-programs/{program}/runs", admin)).Expect(HttpStatusCode.OK)["items"].AsArray();
        var run = await s.WaitRun(program, Assert.Single(runs)!["id"]!.GetValue<string>());
        Assert.Equal(("completed", 3, 60_000L), (run["status"]!.GetValue<string>(), run["changed"]!.GetValue<int>(), run["amount"]!.GetValue<long>()));
        foreach (var h in holders) Assert.Equal(20_000, await s.Balance(h));
        Assert.Equal(60_000, (await s.TrialBalance()).Balance($"subsidy-funder:{program}"));
    }
}
