using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MiniExcelLibs;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Risk;

/// <summary>Lists, rules with a second approver, and cases, through the API; taps through a signed terminal.</summary>
[Collection(SharedApp.Name)]
public sealed class RiskSpecs(SceneApp app)
{
    [Fact]
    public async Task A_blacklisted_card_is_refused_at_once_explained_and_works_again_once_taken_off()
    {
        var s = await Scenario.Start(app);
        var (holder, card) = await s.CardHolder(cash: 10_000);
        var till = await s.Terminal();
        Assert.Equal("approved", await s.Declined(till, card, 100));

        var entry = await s.List(s.AdminToken, "black", "card", card);
        Assert.Equal("****" + card[^4..], entry["label"].Str());
        Assert.DoesNotContain(card, entry.ToJsonString());
        Assert.Equal("risk_rejected", await s.Declined(till, card, 100));
        var why = Assert.Single(await s.Interceptions($"&cardHolderId={holder}"))!;
        Assert.Equal(("blocked", "blacklist", "card on [black]"), (why["outcome"].Str(), why["hits"]![0]!["ruleId"].Str(), why["hits"]![0]!["values"]![0]!["condition"].Str()));

        (await s.Api.Send(HttpMethod.Delete, $"{s.Risk()}/lists/{entry["id"].Str()}", null, s.AdminToken)).Expect(HttpStatusCode.NoContent);
        Assert.Equal("approved", await s.Declined(till, card, 100));
        Assert.Equal(9_800, await s.Balance(holder));
    }

    [Fact]
    public async Task The_platform_s_blacklist_applies_to_every_tenant_and_only_the_platform_admin_keeps_it()
    {
        var a = await Scenario.Start(app);
        var b = await Scenario.Start(app);
        var (_, card) = await a.CardHolder(cash: 1_000);
        (await b.Api.Post($"{b.Base}/cardholders", new { externalId = "X1", name = "Same card", kind = "student", cardNumber = card }, b.AdminToken)).Expect(HttpStatusCode.Created);
        var finance = await a.UserToken("finance");
        (await a.Api.Post("/api/v1/risk/platform/lists", new { list = "black", subject = "card", value = card }, finance)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await a.Api.Post("/api/v1/risk/platform/lists", new { list = "black", subject = "card", value = card }, a.AdminToken)).Expect(HttpStatusCode.Created);
        Assert.Equal("risk_rejected", await a.Declined(await a.Terminal(), card, 100));
        Assert.Equal("risk_rejected", await b.Declined(await b.Terminal(), card, 100));
        var page = (await a.Api.Get("/api/v1/risk/platform/lists?list=black", a.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Contains(page["items"]!.AsArray(), i => i!["label"].Str() == "****" + card[^4..]);
    }

    [Fact]
    public async Task An_ID_number_is_listed_by_its_keyed_digest_and_stops_its_holder()
    {
        var s = await Scenario.Start(app);
        var card = Scenario.NewCardNumber();
        var holder = (await s.Api.Post($"{s.Base}/cardholders", new { externalId = "ID1", name = "Wang", kind = "staff", cardNumber = card, idNumber = "11010519491231002X" }, s.AdminToken))
            .Expect(HttpStatusCode.Created)["id"].Str();
        await s.TopUp(holder, 1_000);
        var entry = await s.List(s.AdminToken, "black", "idNumber", "110105 19491231002x");
        Assert.Equal("**************002X", entry["label"].Str());
        Assert.Equal("risk_rejected", await s.Declined(await s.Terminal(), card, 100));
    }

    [Fact]
    public async Task A_list_imports_from_csv_and_xlsx_and_answers_the_bad_rows_with_their_reasons()
    {
        var s = await Scenario.Start(app);
        var (_, card) = await s.CardHolder(cash: 1_000);
        var till = await s.Terminal();
        var csv = $"list,subject,value,note\nblack,card,{card},stolen\nwatch,terminal,{till.Id},\ngrey,card,123456,\nblack,card,12,\n";
        var imported = (await Upload(s, csv, "list.csv")).Expect(HttpStatusCode.OK);
        Assert.Equal(2, imported["added"]!.GetValue<int>());
        var errors = imported["errors"]!.AsArray().Select(e => (e!["row"]!.GetValue<int>(), e["field"].Str())).ToList();
        Assert.Equal([(4, "list"), (5, "value")], errors);
        Assert.Equal("risk_rejected", await s.Declined(till, card, 100));

        using var xlsx = new MemoryStream();
        xlsx.SaveAs(new[] { new Dictionary<string, object> { ["名单"] = "watch", ["对象"] = "card", ["值"] = Scenario.NewCardNumber(), ["备注"] = "外部名单" } });
        var again = (await Upload(s, xlsx.ToArray(), "list.xlsx")).Expect(HttpStatusCode.OK);
        Assert.Equal((1, 0), (again["added"]!.GetValue<int>(), again["errors"]!.AsArray().Count));
        var page = (await s.Api.Get($"{s.Risk()}/lists?size=2&page=0", s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal((3, 2), (page["total"]!.GetValue<int>(), page["items"]!.AsArray().Count));
    }

    static async Task<Answer> Upload(Scenario s, object content, string name)
    {
        using var form = new MultipartFormDataContent();
        var bytes = content as byte[] ?? Encoding.UTF8.GetBytes((string)content);
        form.Add(new ByteArrayContent(bytes), "file", name);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{s.Risk()}/lists/import") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", s.AdminToken);
        return await Answer.From(await s.Api.Http.SendAsync(request));
    }

    [Fact]
    public async Task A_blocking_rule_needs_a_second_person_then_blocks_with_its_version_and_values_and_every_change_is_audited()
    {
        var s = await Scenario.Start(app);
        var (finance, admin, auditor) = (await s.UserToken("finance"), await s.UserToken("tenant-admin"), await s.UserToken("auditor"));
        var (_, card) = await s.CardHolder(cash: 100_000);
        var till = await s.Terminal();
        (await s.Api.Post($"{s.Risk()}/rules", new { name = "Big", action = "block", conditions = new[] { RiskScenario.Amount("gt", 5000) } }, auditor))
            .ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await s.Api.Post($"{s.Risk()}/rules", new { name = "", action = "block", conditions = Array.Empty<object>() }, finance))
            .ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");

        var rule = (await s.Draft(finance, "Big tap", "block", RiskScenario.Amount("gt", 5000)))["id"].Str();
        Assert.Equal("approved", await s.Declined(till, card, 6000)); // a draft blocks nothing
        (await s.Approve(finance, rule)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("live", (await s.Approve(admin, rule)).Expect(HttpStatusCode.OK)["status"].Str());
        Assert.Equal("risk_rejected", await s.Declined(till, card, 6000));
        Assert.Equal("approved", await s.Declined(till, card, 5000));
        var hit = (await s.Interceptions($"&ruleId={rule}"))[0]!["hits"]![0]!;
        Assert.Equal((1, "amount > 5000", "6000"), (hit["version"]!.GetValue<int>(), hit["values"]![0]!["condition"].Str(), hit["values"]![0]!["actual"].Str()));

        (await s.Api.Post($"{s.Risk()}/rules/{rule}/versions", new { name = "Big tap", action = "block", conditions = new[] { RiskScenario.Amount("gt", 8000) } }, admin))
            .Expect(HttpStatusCode.OK);
        Assert.Equal("risk_rejected", await s.Declined(till, card, 6000)); // version 1 stays live until 2 is approved
        (await s.Approve(admin, rule, 1)).ExpectProblem(HttpStatusCode.Conflict, "conflict");
        (await s.Approve(finance, rule, 2)).Expect(HttpStatusCode.OK);
        Assert.Equal("approved", await s.Declined(till, card, 6000));

        (await s.Api.Post($"{s.Risk()}/rules/{rule}/disable", null, finance)).Expect(HttpStatusCode.OK);
        Assert.Equal("approved", await s.Declined(till, card, 9000));
        var read = (await s.Api.Get($"{s.Risk()}/rules/{rule}", auditor)).Expect(HttpStatusCode.OK);
        var audit = read["audit"]!.AsArray().Select(a => (a!["what"].Str(), a["by"].Str(), a["version"]?.GetValue<int>())).ToList();
        Assert.Equal(["drafted", "approved", "drafted", "approved", "disabled"], audit.Select(a => a.Item1));
        Assert.NotEqual(audit[0].Item2, audit[1].Item2);
        Assert.Equal("disabled", read["status"].Str());
    }

    [Fact]
    public async Task A_shadow_rule_may_go_live_by_its_author_and_only_records()
    {
        var s = await Scenario.Start(app);
        var finance = await s.UserToken("finance");
        var (_, card) = await s.CardHolder(cash: 10_000);
        var rule = (await s.Draft(finance, "Watch big", "shadow", RiskScenario.Amount("gte", 1000)))["id"].Str();
        (await s.Approve(finance, rule)).Expect(HttpStatusCode.OK);
        Assert.Equal("approved", await s.Declined(await s.Terminal(), card, 1000));
        Assert.Equal("shadow", Assert.Single(await s.Interceptions())!["outcome"].Str());
    }

    [Fact]
    public async Task A_review_opens_a_case_that_is_assigned_commented_and_closed_as_fraud_freezing_blacklisting_and_flagging()
    {
        var s = await Scenario.Start(app);
        var (finance, admin) = (await s.UserToken("finance"), await s.UserToken("tenant-admin"));
        var (holder, card) = await s.CardHolder(cash: 100_000);
        var till = await s.Terminal();
        Assert.Equal("approved", await s.Declined(till, card, 300));
        await s.LiveRule(finance, admin, "Review big", "review", RiskScenario.Amount("gte", 5000));
        Assert.Equal("approved", await s.Declined(till, card, 5000));

        var cases = (await s.Api.Get($"{s.Risk()}/cases?status=open", finance)).Expect(HttpStatusCode.OK)["items"]!.AsArray();
        var id = Assert.Single(cases)!["id"].Str();
        (await s.Api.Post($"{s.Risk()}/cases/{id}/assign", new { assignee = "risk-officer" }, finance)).Expect(HttpStatusCode.OK);
        (await s.Api.Post($"{s.Risk()}/cases/{id}/comments", new { text = "Called the canteen." }, finance)).Expect(HttpStatusCode.OK);
        var closed = (await s.Api.Post($"{s.Risk()}/cases/{id}/close",
            new { resolution = "fraud", freezeCard = true, blacklistCard = true, flagRecentTaps = true, note = "Stolen." }, admin)).Expect(HttpStatusCode.OK);
        Assert.Equal(("closed", "fraud", "risk-officer"), (closed["status"].Str(), closed["resolution"].Str(), closed["assignee"].Str()));
        Assert.Single(closed["flaggedPayments"]!.AsArray()); // the 3 yuan tap before
        Assert.Equal(["opened", "assigned", "commented", "closed as fraud", "card frozen", "card blacklisted", "taps flagged"], closed["history"]!.AsArray().Select(h => h!["what"].Str()));

        Assert.Equal("frozen", (await s.Api.Get($"{s.Base}/cardholders/{holder}", s.AdminToken)).Expect(HttpStatusCode.OK)["status"].Str());
        (await s.Api.Post($"{s.Base}/cardholders/{holder}/unfreeze", null, s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal("risk_rejected", await s.Declined(till, card, 100)); // still blacklisted
        (await s.Api.Post($"{s.Risk()}/cases/{id}/close", new { resolution = "notFraud" }, admin)).ExpectProblem(HttpStatusCode.Conflict, "conflict");
    }
}
