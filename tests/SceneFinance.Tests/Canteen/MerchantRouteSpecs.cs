using System.Net;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Canteen;

/// <summary>The merchant routes: open, list, read with terminals, rename, close, move a terminal; and what each refuses.</summary>
[Collection(SharedApp.Name)]
public sealed class MerchantRouteSpecs(SceneApp app)
{
    [Fact]
    public async Task A_merchant_is_opened_listed_renamed_and_read_with_its_terminals()
    {
        var s = await Scenario.Start(app);
        var created = (await s.Api.Post($"{s.Base}/merchants", new { name = "二食堂 Canteen Two", category = "canteen" }, s.AdminToken)).Expect(HttpStatusCode.Created);
        var id = created["id"].GetValue<string>();
        Assert.Equal(("active", "canteen"), (created["status"].GetValue<string>(), created["category"].GetValue<string>()));
        var shop = await s.Merchant("小卖部 Shop", "shop");
        var till = await s.TerminalAt(id);

        var list = (await s.Api.Get($"{s.Base}/merchants", s.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray();
        Assert.Equal(2, list.Count);
        var shops = (await s.Api.Get($"{s.Base}/merchants?category=shop", s.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray();
        Assert.Equal(shop, Assert.Single(shops)!["id"]!.GetValue<string>());

        var renamed = (await s.Api.Post($"{s.Base}/merchants/{id}/rename", new { name = "二食堂 (南) Canteen Two South" }, s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal("二食堂 (南) Canteen Two South", renamed["name"].GetValue<string>());
        var detail = (await s.Api.Get($"{s.Base}/merchants/{id}", s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal("二食堂 (南) Canteen Two South", detail["merchant"]["name"]!.GetValue<string>());
        Assert.Equal(till.Id, Assert.Single(detail["terminals"].AsArray())!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Moving_a_terminal_sends_its_next_payments_to_the_new_merchant_and_a_merchant_with_active_terminals_does_not_close()
    {
        var s = await Scenario.Start(app);
        var (one, two) = (await s.Merchant("一食堂"), await s.Merchant("二食堂"));
        var till = await s.TerminalAt(one);
        var (_, card) = await s.CardHolder(cash: 5_000);
        (await s.Api.Pay(till, card, 700)).Expect(HttpStatusCode.OK);
        var moved = (await s.Api.Post($"{s.Base}/merchants/{two}/terminals", new { terminalId = till.Id }, s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal(two, moved["merchantId"].GetValue<string>());
        (await s.Api.Pay(till, card, 300)).Expect(HttpStatusCode.OK);
        var tb = await s.TrialBalance();
        Assert.Equal((-700L, -300L), (tb.Balance($"merchant-receivable:{one}"), tb.Balance($"merchant-receivable:{two}")));

        (await s.Api.Post($"{s.Base}/merchants/{two}/close", null, s.AdminToken)).ExpectProblem(HttpStatusCode.Conflict, "conflict");
        (await s.Api.Post($"{s.Base}/merchants/{one}/close", null, s.AdminToken)).Expect(HttpStatusCode.OK); // its till moved away
        (await s.Api.Post($"{s.Base}/merchants/{one}/terminals", new { terminalId = till.Id }, s.AdminToken)).ExpectProblem(HttpStatusCode.Conflict, "conflict");
        (await s.Api.Post($"{s.Base}/merchants/{one}/rename", new { name = "x" }, s.AdminToken)).ExpectProblem(HttpStatusCode.Conflict, "conflict");
        await s.Disable(till);
        var closed = (await s.Api.Post($"{s.Base}/merchants/{two}/close", null, s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal("closed", closed["status"].GetValue<string>());
        Assert.Equal("closed", (await s.Api.Post($"{s.Base}/merchants/{two}/close", null, s.AdminToken)).Expect(HttpStatusCode.OK)["status"].GetValue<string>());
    }

    [Fact]
    public async Task Merchant_routes_check_fields_roles_and_tenants()
    {
        var s = await Scenario.Start(app);
        var other = await Scenario.Start(app);
        var id = await s.Merchant();
        var bad = (await s.Api.Post($"{s.Base}/merchants", new { name = "", category = "casino" }, s.AdminToken)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(bad["errors"]["name"]);
        Assert.NotNull(bad["errors"]["category"]);
        (await s.Api.Post($"{s.Base}/merchants/{id}/terminals", new { terminalId = "nope" }, s.AdminToken)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        (await s.Api.Post($"{s.Base}/merchants/{id}/terminals", new { terminalId = "trm_unknown" }, s.AdminToken)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        (await s.Api.Get($"{s.Base}/merchants/mch_unknown", s.AdminToken)).ExpectProblem(HttpStatusCode.NotFound, "not_found");

        var auditor = await s.UserToken("auditor");
        (await s.Api.Get($"{s.Base}/merchants", auditor)).Expect(HttpStatusCode.OK);
        (await s.Api.Post($"{s.Base}/merchants", new { name = "x", category = "shop" }, auditor)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        var stranger = await other.UserToken("tenant-admin");
        (await s.Api.Get($"{s.Base}/merchants/{id}", stranger)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        (await s.Api.Post($"{s.Base}/merchants/{id}/rename", new { name = "mine" }, stranger)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        (await s.Api.Get($"{s.Base}/merchants", null)).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
    }
}
