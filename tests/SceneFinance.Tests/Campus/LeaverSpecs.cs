using System.Net;
using System.Text;
using SceneFinance.Platform.Security;
using SceneFinance.Tests.Canteen;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Campus;

/// <summary>Leavers (issue 14 item 4): closed by the roster, refused at tills, refunded once a second person approves.</summary>
[Collection(SharedCampusApp.Name)]
public sealed class LeaverSpecs(CampusApp app)
{
    const string Header = "studentNumber,name,grade,class,cardNumber,guardianName,guardianPhone,status";

    static string Row(string number, string name, string card, string phone, string status = "") => $"{number},{name},三年级,1班,{card},家长,{phone},{status}";

    static string Phone() => "13" + Random.Shared.NextInt64(100_000_000, 999_999_999);

    static Task<System.Text.Json.Nodes.JsonNode> Import(Scenario s, params string[] rows) => s.Import(Encoding.UTF8.GetBytes(string.Join("\n", [Header, .. rows]) + "\n"));

    static async Task<string> HolderOf(Scenario s, string number) =>
        (await s.Api.Get($"{s.Base}/campus/students/{number}", s.AdminToken)).Expect(HttpStatusCode.OK).Body.Str("cardHolderId");

    [Fact]
    public async Task A_leaver_is_closed_refused_at_the_till_listed_with_open_bills_and_refunded_in_cash_only_after_a_second_person_approves()
    {
        var s = await Scenario.Start(app, "campus");
        var (card, phone) = (Scenario.NewCardNumber(), Phone());
        await Import(s, Row("0701", "李雷", card, phone));
        var holder = await HolderOf(s, "0701");
        await s.TopUp(holder, 3_000);
        await s.Generate(await s.Plan("三年级", [60_000]));
        var terminal = await s.Terminal();
        Assert.Equal("approved", (await s.Api.Pay(terminal, card, 100)).Expect(HttpStatusCode.OK).Body.Str("status"));
        var meals = await s.Program(new { name = "餐补 Meal subsidy", amountPerPerson = 5_000, funder = "教育局 Education bureau", kinds = new[] { "student" } });
        Assert.Equal(1, (await s.Run(meals, "grants"))["changed"]!.GetValue<int>());
        Assert.Equal(5_000L, (await s.TrialBalance()).Account($"subsidy-funder:{meals}")); // the funder has given 5,000 fen to the card, untouched when the student leaves

        // A missing row closes nobody; only the status column does.
        var other = Phone();
        await Import(s, Row("0702", "韩梅梅", Scenario.NewCardNumber(), other));
        Assert.Equal("active", (await s.Api.Get($"{s.Base}/cardholders/{holder}", s.AdminToken)).Expect(HttpStatusCode.OK).Body.Str("status"));

        var left = await Import(s, Row("0701", "李雷", card, phone, "离校"));
        Assert.Equal(1L, left.Long("closed"));
        Assert.Equal(0L, (await Import(s, Row("0701", "李雷", card, phone, "离校"))).Long("closed")); // the same file again: closed once
        Assert.Equal("closed", (await s.Api.Get($"{s.Base}/cardholders/{holder}", s.AdminToken)).Expect(HttpStatusCode.OK).Body.Str("status"));
        var closedBooks = await s.TrialBalance(); // the meal subsidy left on the card went back to its funder as the holder closed
        Assert.Equal((0L, 0L), (closedBooks.Account($"subsidy-funder:{meals}"), closedBooks.Account($"cardholder:{holder}:subsidy:{meals}")));
        var tap = (await s.Api.Pay(terminal, card, 100)).Expect(HttpStatusCode.OK);
        Assert.Equal(("declined", "card_frozen"), (tap.Body.Str("status"), tap.Body.Str("declineCode")));
        (await s.Api.Post($"{s.Base}/cardholders/{holder}/topups", new { amount = 100, channel = "counter" }, s.AdminToken, Guid.NewGuid().ToString("N")))
            .ExpectProblem(HttpStatusCode.Conflict, "conflict");

        var leavers = (await s.Api.Get($"{s.Base}/campus/leavers", s.AdminToken)).Expect(HttpStatusCode.OK);
        var leaver = Assert.Single(leavers["items"].AsArray())!;
        Assert.Equal(("0701", 2_900L), (leaver.Str("studentNumber"), leaver.Long("cash")));
        Assert.Equal(60_000L, Assert.Single(leaver["openBills"]!.AsArray())!.Long("outstanding")); // left for finance to cancel or waive

        var finance = await s.UserToken(Roles.Finance);
        var refunds = $"{s.Base}/campus/leavers/0701/refund-requests";
        (await s.Api.Post(refunds, new { to = "channel", reason = "离校" }, finance)).ExpectProblem(HttpStatusCode.Conflict, "refund_exceeds_paid"); // counter money only
        var asked = (await s.Api.Post(refunds, new { to = "cash", reason = "离校退款" }, finance)).Expect(HttpStatusCode.Created);
        Assert.Equal(("pending", 2_900L), (asked.Body.Str("status"), asked.Body.Long("amount")));
        Assert.Equal(2_900, await s.Balance(holder)); // nothing moves before the approval
        var approve = $"{s.Base}/approvals/{asked.Body.Str("id")}/approve";
        (await s.Api.Post(approve, null, finance)).ExpectProblem(HttpStatusCode.Forbidden, "second_approver_required");
        Assert.Equal(2_900, await s.Balance(holder));

        var admin = await s.UserToken(Roles.TenantAdmin);
        var done = (await s.Api.Post(approve, null, admin)).Expect(HttpStatusCode.OK);
        Assert.Equal("done", done.Body.Str("status"));
        Assert.Contains("receipt", done.Body.Str("outcome"));
        (await s.Api.Post(approve, null, admin)).Expect(HttpStatusCode.OK); // approved twice: paid once
        Assert.Equal(0, await s.Balance(holder));
        var payouts = (await s.Api.Get($"{s.Base}/cardholders/{holder}/transactions", s.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray()
            .Where(i => i!["type"]!.GetValue<string>() == "refund").ToList();
        Assert.Equal(2_900L, Assert.Single(payouts)!.Long("amount"));
        var tb = await s.TrialBalance();
        Assert.Equal(tb.Long("totalDebit"), tb.Long("totalCredit"));
        Assert.Equal(0L, tb.Account($"cardholder:{holder}:cash"));
        Assert.Equal("done", (await s.Api.Get($"{s.Base}/campus/leavers", s.AdminToken)).Expect(HttpStatusCode.OK)["items"][0]!["refund"]!.Str("status"));

        var sheet = await s.Xlsx($"{s.Base}/campus/leavers/export.xlsx");
        Assert.Equal(0.0, Convert.ToDouble(Assert.Single(sheet)["现金余额(元) Cash balance"]));
    }

    [Fact]
    public async Task A_leavers_online_top_up_goes_back_to_its_channel_once_after_a_second_person_approves()
    {
        var s = await Scenario.Start(app, "campus");
        var (card, phone) = (Scenario.NewCardNumber(), Phone());
        await Import(s, Row("0801", "王芳", card, phone));
        var holder = await HolderOf(s, "0801");
        var topUp = (await s.OnlineTopUp(holder, 5_000, "wechat-pay")).Expect(HttpStatusCode.Created);
        await s.PayOnPhone(topUp.Body!);
        var intent = topUp.Body.Str("id");
        await s.IntentUntil(intent, Gateway.Settled);
        Assert.Equal(5_000, await s.Balance(holder));
        await Import(s, Row("0801", "王芳", card, phone, "left"));

        var asked = (await s.Api.Post($"{s.Base}/campus/leavers/0801/refund-requests", new { to = "channel", reason = "left" }, await s.UserToken(Roles.Finance)))
            .Expect(HttpStatusCode.Created);
        (await s.Api.Post($"{s.Base}/campus/leavers/0801/refund-requests", new { to = "cash", reason = "again" }, s.AdminToken))
            .ExpectProblem(HttpStatusCode.Conflict, "conflict"); // one refund at a time
        var approve = $"{s.Base}/approvals/{asked.Body.Str("id")}/approve";
        var admin = await s.UserToken(Roles.TenantAdmin);
        Assert.Equal("done", (await s.Api.Post(approve, null, admin)).Expect(HttpStatusCode.OK).Body.Str("status"));
        (await s.Api.Post(approve, null, admin)).Expect(HttpStatusCode.OK); // a replay: the channel is asked once

        var refunded = await s.IntentUntil(intent, i => i["refunds"]!.AsArray().All(r => r!["status"]!.GetValue<string>() != "pending"), 60);
        var refund = Assert.Single(refunded["refunds"]!.AsArray())!;
        Assert.Equal(("succeeded", 5_000L), (refund.Str("status"), refund.Long("amount")));
        Assert.Equal(0, await s.Balance(holder));
        var tb = await s.TrialBalance();
        Assert.Equal(tb.Long("totalDebit"), tb.Long("totalCredit"));
    }
}
