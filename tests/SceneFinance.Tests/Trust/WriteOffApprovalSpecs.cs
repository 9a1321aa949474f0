using System.Net;
using SceneFinance.Platform.Security;
using SceneFinance.Tests.Campus;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Trust;

/// <summary>
/// Write-offs cannot be walked around: a bill with money on it is not cancelled by one person, a loan or subsidy is not recorded by
/// one person, and of an approval and a rejection at the same moment exactly one wins. "Someone else" is another user id.
/// </summary>
[Collection(SharedCampusApp.Name)]
public sealed class WriteOffApprovalSpecs(CampusApp app)
{
    static string Phone() => "13" + Random.Shared.NextInt64(100_000_000, 999_999_999);

    async Task<(Scenario S, string Bill)> BillOf80000()
    {
        var s = await Scenario.Start(app, "campus");
        await s.ImportCsv(Roster.Csv(Roster.Row("0301", "张三", "一年级", "1班", "妈妈", Phone())));
        await s.Generate(await s.Plan("一年级", [80_000]));
        return (s, await s.BillOf("0301"));
    }

    [Fact]
    public async Task Cancelling_a_bill_with_money_outstanding_needs_a_second_person_and_records_both()
    {
        var (s, bill) = await BillOf80000();
        var (clerk, head) = (await s.UserToken(Roles.Finance), await s.UserToken(Roles.Finance));
        (await s.Api.Post($"{s.Base}/campus/bills/{bill}/cancel", new { reason = "write it off" }, clerk)).ExpectProblem(HttpStatusCode.Conflict, "approval_required");
        Assert.Equal(("issued", 80_000L), ((await s.Bill(bill)).Str("status"), (await s.Bill(bill)).Long("outstandingAmount")));

        var asked = (await s.AskCancel(bill, "转学 moved away", clerk)).Expect(HttpStatusCode.Created);
        Assert.Equal("pending", asked["status"].GetValue<string>());
        var id = asked["id"].GetValue<string>();
        (await s.Api.Post($"{s.Base}/approvals/{id}/approve", null, clerk)).ExpectProblem(HttpStatusCode.Forbidden, "second_approver_required");
        (await s.Api.Post($"{s.Base}/approvals/{id}/approve", null, await s.UserToken(Roles.Cashier))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("issued", (await s.Bill(bill)).Str("status"));

        var done = (await s.Api.Post($"{s.Base}/approvals/{id}/approve", null, head)).Expect(HttpStatusCode.OK);
        Assert.Equal("done", done["status"].GetValue<string>());
        Assert.Equal("cancelled", (await s.Bill(bill)).Str("status"));
        // Who asked and who approved, by user id.
        Assert.NotEqual(done["requestedById"].GetValue<string>(), done["decidedById"].GetValue<string>());
        Assert.StartsWith("finance", done["requestedById"].GetValue<string>());
        var queue = (await s.Api.Get($"{s.Base}/approvals?status=done", s.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray();
        Assert.Contains(queue, a => a!["id"]!.GetValue<string>() == id);
    }

    [Fact]
    public async Task A_loan_or_subsidy_is_recorded_only_when_someone_else_approves_it()
    {
        var (s, bill) = await BillOf80000();
        var clerk = await s.UserToken(Roles.Finance);
        (await s.PayAtCounter(bill, 80_000, "subsidy", provider: "anyone at all", token: clerk)).ExpectProblem(HttpStatusCode.Conflict, "approval_required");
        (await s.PayAtCounter(bill, 80_000, "loan", provider: "my cousin", token: clerk)).ExpectProblem(HttpStatusCode.Conflict, "approval_required");
        Assert.Equal(0, (await s.Bill(bill)).Long("paidExternally"));

        var asked = await s.AskFundedPayment(bill, 80_000, "subsidy", "县教育局 county bursary", clerk);
        var id = asked.Expect(HttpStatusCode.Created)["id"].GetValue<string>();
        (await s.Api.Post($"{s.Base}/approvals/{id}/approve", null, clerk)).ExpectProblem(HttpStatusCode.Forbidden, "second_approver_required");
        Assert.Equal(0, (await s.Bill(bill)).Long("paidExternally"));
        var approvals = await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ => await s.Api.Post($"{s.Base}/approvals/{id}/approve", null, s.AdminToken)));
        Assert.All(approvals, a => a.Expect(HttpStatusCode.OK));
        Assert.Equal(("paid", 80_000L), ((await s.Bill(bill)).Str("status"), (await s.Bill(bill)).Long("paidExternally"))); // once
    }

    [Fact]
    public async Task Approving_and_rejecting_the_same_waiver_at_once_exactly_one_wins()
    {
        var (s, bill) = await BillOf80000();
        var clerk = await s.UserToken(Roles.Finance);
        var (approver, rejecter) = (await s.UserToken(Roles.Finance), await s.UserToken(Roles.TenantAdmin));
        for (var round = 0; round < 6; round++)
        {
            var waiver = (await s.Api.Post($"{s.Base}/campus/bills/{bill}/waivers", new { kind = "waiver", amount = 1_000, reason = "round " + round }, clerk))
                .Expect(HttpStatusCode.Created)["id"].GetValue<string>();
            var before = (await s.Bill(bill)).Long("waivedAmount");
            var answers = await Task.WhenAll(
                s.Api.Post($"{s.Base}/campus/waivers/{waiver}/approve", null, approver),
                s.Api.Post($"{s.Base}/campus/waivers/{waiver}/reject", null, rejecter));
            Assert.Single(answers, a => a.Status == HttpStatusCode.OK);
            Assert.Single(answers, a => a.Status == HttpStatusCode.Conflict);
            var approved = answers[0].Status == HttpStatusCode.OK;
            var stored = (await s.Api.Get($"{s.Base}/campus/waivers/{waiver}", s.AdminToken)).Expect(HttpStatusCode.OK);
            Assert.Equal(approved ? "approved" : "rejected", stored["status"].GetValue<string>());
            Assert.Equal(before + (approved ? 1_000 : 0), (await s.Bill(bill)).Long("waivedAmount"));
        }
    }

    [Fact]
    public async Task Approving_and_rejecting_the_same_request_at_once_exactly_one_wins()
    {
        var (s, bill) = await BillOf80000();
        var clerk = await s.UserToken(Roles.Finance);
        var (approver, rejecter) = (await s.UserToken(Roles.Finance), await s.UserToken(Roles.TenantAdmin));
        var id = (await s.AskFundedPayment(bill, 5_000, "loan", "国家助学贷款", clerk)).Expect(HttpStatusCode.Created)["id"].GetValue<string>();
        var answers = await Task.WhenAll(
            s.Api.Post($"{s.Base}/approvals/{id}/approve", null, approver),
            s.Api.Post($"{s.Base}/approvals/{id}/reject", null, rejecter));
        Assert.Single(answers, a => a.Status == HttpStatusCode.OK);
        answers.Single(a => a.Status != HttpStatusCode.OK).ExpectProblem(HttpStatusCode.Conflict, "conflict");
        var approved = answers[0].Status == HttpStatusCode.OK;
        Assert.Equal(approved ? 5_000 : 0, (await s.Bill(bill)).Long("paidExternally"));
    }
}
