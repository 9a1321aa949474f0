using System.Net;
using SceneFinance.Platform.Security;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Payments;

[Collection(SharedGatewayApp.Name)]
public sealed class OnlineTopUpSpecs(GatewayApp app)
{
    public static TheoryData<string> Channels => new(["wechat-pay", "alipay", "unionpay", "e-cny"]);

    [Theory, MemberData(nameof(Channels))]
    public async Task A_parent_tops_up_through_a_channel_and_the_purse_is_credited_once_the_channel_confirms(string channel)
    {
        var s = await Scenario.Start(app, "campus");
        var (holder, _) = await s.CardHolder();
        var created = (await s.OnlineTopUp(holder, 5000, channel)).Expect(HttpStatusCode.Created);
        Assert.Equal("requires_payment", created["status"].GetValue<string>());
        Assert.Equal(5000, created["amount"].GetValue<long>());
        Assert.Equal("CNY", created["currency"].GetValue<string>());
        Assert.False(string.IsNullOrEmpty(created["qrCode"].GetValue<string>()));
        var id = created["id"].GetValue<string>();
        Assert.Equal(0, await s.Balance(holder)); // nothing until the channel says so

        await s.PayOnPhone(created.Body!);
        var paid = await s.IntentUntil(id, Gateway.Settled);
        Assert.Equal("succeeded", paid["status"]!.GetValue<string>());
        Assert.Equal(5000, await s.Balance(holder));

        var items = (await s.Api.Get($"{s.Base}/cardholders/{holder}/transactions", s.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray();
        var topUp = Assert.Single(items);
        Assert.Equal(id, topUp!["id"]!.GetValue<string>());
        Assert.Equal("topup", topUp["type"]!.GetValue<string>());

        var tb = await s.TrialBalance();
        Assert.Equal(5000, tb.Account($"clearing:{channel}"));
        Assert.Equal(0, tb.Account($"gateway-unapplied:{channel}"));
        Assert.Equal(-5000, tb.Account($"cardholder:{holder}:cash"));
    }

    [Fact]
    public async Task The_same_request_again_replays_the_first_answer_and_a_different_one_under_the_key_conflicts()
    {
        var s = await Scenario.Start(app);
        var (holder, _) = await s.CardHolder();
        var first = (await s.OnlineTopUp(holder, 3000, "wechat-pay", key: "parent-1")).Expect(HttpStatusCode.Created);
        var again = (await s.OnlineTopUp(holder, 3000, "wechat-pay", key: "parent-1")).Expect(HttpStatusCode.Created);
        Assert.Equal(first.Raw, again.Raw);
        (await s.OnlineTopUp(holder, 3001, "wechat-pay", key: "parent-1")).ExpectProblem(HttpStatusCode.Conflict, "idempotency_conflict");

        await s.PayOnPhone(first.Body!);
        await s.IntentUntil(first["id"].GetValue<string>(), Gateway.Settled);
        // Paid since: the key still answers as it did the first time, and nothing is credited twice.
        Assert.Equal(first.Raw, (await s.OnlineTopUp(holder, 3000, "wechat-pay", key: "parent-1")).Expect(HttpStatusCode.Created).Raw);
        Assert.Equal(3000, await s.Balance(holder));
    }

    [Fact]
    public async Task Bad_requests_are_refused_with_the_contract_codes_and_create_nothing()
    {
        var s = await Scenario.Start(app);
        var (holder, _) = await s.CardHolder();
        (await s.Api.Post($"{s.Base}/cardholders/{holder}/online-topups", new { amount = 100, channel = "wechat-pay" }, s.AdminToken))
            .ExpectProblem(HttpStatusCode.BadRequest, "idempotency_key_required");
        var invalid = (await s.OnlineTopUp(holder, 0, "paypal")).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(invalid.Body!["errors"]!["amount"]);
        Assert.NotNull(invalid.Body!["errors"]!["channel"]);
        (await s.OnlineTopUp("ch_nobody", 100, "wechat-pay")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        (await s.OnlineTopUp(holder, 100, "wechat-pay", token: await s.UserToken(Roles.Auditor))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");

        var other = await Scenario.Start(app);
        (await other.OnlineTopUp(holder, 100, "wechat-pay", token: await other.UserToken(Roles.Finance)))
            .ExpectProblem(HttpStatusCode.NotFound, "not_found");
        var list = (await s.Api.Get($"{s.Base}/payment-intents", s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Empty(list["items"].AsArray());

        await s.Suspend();
        (await s.OnlineTopUp(holder, 100, "wechat-pay")).ExpectProblem(HttpStatusCode.Conflict, "tenant_suspended");
    }

    [Fact]
    public async Task A_declined_payment_ends_failed_through_the_janitor_when_the_channel_does_not_notify_it()
    {
        var s = await Scenario.Start(app);
        var (holder, _) = await s.CardHolder();
        var created = (await s.OnlineTopUp(holder, 4200, "wechat-pay")).Expect(HttpStatusCode.Created);
        await s.PayOnPhone(created.Body!, approve: false);
        // WeChat Pay notifies successes only: the failure is found by the janitor job asking the channel.
        var failed = await s.IntentUntil(created["id"].GetValue<string>(), i => i["status"]!.GetValue<string>() != "requires_payment");
        Assert.Equal("failed", failed["status"]!.GetValue<string>());
        Assert.Equal(0, await s.Balance(holder));
    }

    [Fact]
    public async Task Refunds_go_back_to_the_channel_and_never_exceed_what_was_captured()
    {
        var s = await Scenario.Start(app);
        var (holder, _) = await s.CardHolder();
        var intent = await Paid(s, holder, 5000);
        var refunds = $"{s.Base}/payment-intents/{intent}/refunds";

        (await s.Api.Post(refunds, new { amount = 100 }, await s.UserToken(Roles.Cashier), "r0")).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        var first = (await s.Api.Post(refunds, new { amount = 2000, reason = "overpaid" }, await s.UserToken(Roles.Finance), "r1")).Expect(HttpStatusCode.OK);
        Assert.Contains(first["status"].GetValue<string>(), new[] { "pending", "succeeded" });
        (await s.Api.Post(refunds, new { amount = 3001 }, s.AdminToken, "r2")).ExpectProblem(HttpStatusCode.Conflict, "refund_exceeds_captured");
        (await s.Api.Post(refunds, new { amount = 3000 }, s.AdminToken, "r3")).Expect(HttpStatusCode.OK);
        (await s.Api.Post(refunds, new { amount = 1 }, s.AdminToken, "r4")).ExpectProblem(HttpStatusCode.Conflict, "refund_exceeds_captured");
        Assert.Equal(first.Raw, (await s.Api.Post(refunds, new { amount = 2000, reason = "overpaid" }, s.AdminToken, "r1")).Expect(HttpStatusCode.OK).Raw);

        var done = await s.IntentUntil(intent, i => i["refunds"]!.AsArray().All(r => r!["status"]!.GetValue<string>() == "succeeded"));
        Assert.Equal(5000, done["refundedAmount"]!.GetValue<long>());
        Assert.Equal(0, await s.Balance(holder));
        var channelOrder = app.Simulators["wechat-pay"].Find(app.OrderNo("wechat-pay", intent))!;
        Assert.Equal(5000, channelOrder.Refunds.Values.Sum(r => r.Amount));

        var tb = await s.TrialBalance();
        Assert.Equal(0, tb.Account("clearing:wechat-pay"));
        Assert.Equal(0, tb.Account("refunds-pending:wechat-pay"));
        var types = (await s.Api.Get($"{s.Base}/cardholders/{holder}/transactions", s.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray()
            .Select(i => i!["type"]!.GetValue<string>()).ToList();
        Assert.Equal(["refund", "refund", "topup"], types);
    }

    [Fact]
    public async Task A_refund_the_purse_can_no_longer_cover_is_rejected_and_a_failed_refund_gives_the_money_back()
    {
        var s = await Scenario.Start(app);
        var (holder, card) = await s.CardHolder();
        var intent = await Paid(s, holder, 3000);
        var terminal = await s.Terminal();
        (await s.Api.Pay(terminal, card, 2500)).Expect(HttpStatusCode.OK); // lunch: only 500 left in the purse
        var refunds = $"{s.Base}/payment-intents/{intent}/refunds";
        var rejected = (await s.Api.Post(refunds, new { amount = 1000 }, s.AdminToken, "short")).Expect(HttpStatusCode.OK);
        Assert.Equal("rejected", rejected["status"].GetValue<string>());
        Assert.Equal("insufficient_funds", rejected["failureCode"].GetValue<string>());
        Assert.Equal(500, await s.Balance(holder));

        var behaviour = app.Simulators.Behaviour;
        behaviour.RefundFailureRate = 1;
        try
        {
            (await s.Api.Post(refunds, new { amount = 500 }, s.AdminToken, "fails")).Expect(HttpStatusCode.OK);
            var failed = await s.IntentUntil(intent, i => i["refunds"]!.AsArray().Any(r => r!["status"]!.GetValue<string>() == "failed"));
            Assert.Equal(0, failed["refundedAmount"]!.GetValue<long>());
        }
        finally
        {
            behaviour.RefundFailureRate = 0;
        }
        await Until(async () => await s.Balance(holder) == 500); // given back to the purse
        var tb = await s.TrialBalance();
        Assert.Equal(0, tb.Account("refunds-pending:wechat-pay"));
        // Still refundable after the failure: the reservation was released.
        Assert.Equal(3000, (await s.Intent(intent))["refundableAmount"]!.GetValue<long>());
    }

    [Fact]
    public async Task Canceling_closes_the_order_at_the_channel_so_it_can_no_longer_be_paid()
    {
        var s = await Scenario.Start(app);
        var (holder, _) = await s.CardHolder();
        var created = (await s.OnlineTopUp(holder, 800, "wechat-pay")).Expect(HttpStatusCode.Created);
        var id = created["id"].GetValue<string>();
        var canceled = (await s.Api.Post($"{s.Base}/payment-intents/{id}/cancel", null, s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal("canceled", canceled["status"].GetValue<string>());
        app.Simulators["wechat-pay"].PayerDecides(app.OrderNo("wechat-pay", id), approve: true);
        Assert.Equal("canceled", (await s.Intent(id))["status"]!.GetValue<string>());
        Assert.Equal(0, await s.Balance(holder));

        var paid = await Paid(s, holder, 700);
        (await s.Api.Post($"{s.Base}/payment-intents/{paid}/cancel", null, s.AdminToken)).ExpectProblem(HttpStatusCode.Conflict, "conflict");
    }

    [Fact]
    public async Task When_the_channel_s_answer_is_lost_the_intent_is_processing_until_the_janitor_finds_out()
    {
        var s = await Scenario.Start(app);
        var (holder, _) = await s.CardHolder();
        var behaviour = app.Simulators.Behaviour;
        behaviour.ApiTimeoutRate = 1;
        string id;
        try
        {
            var created = (await s.OnlineTopUp(holder, 900, "wechat-pay")).Expect(HttpStatusCode.Created);
            Assert.Equal("processing", created["status"].GetValue<string>());
            id = created["id"].GetValue<string>();
        }
        finally
        {
            behaviour.ApiTimeoutRate = 0;
        }
        // The order reached the channel but its QR code never reached the payer: the janitor closes it.
        var settled = await s.IntentUntil(id, Gateway.Settled);
        Assert.Equal("failed", settled["status"]!.GetValue<string>());
        Assert.Equal("channel_timeout", settled["failureCode"]!.GetValue<string>());
        Assert.Equal(0, await s.Balance(holder));
    }

    async Task<string> Paid(Scenario s, string holder, long amount)
    {
        var created = (await s.OnlineTopUp(holder, amount, "wechat-pay")).Expect(HttpStatusCode.Created);
        await s.PayOnPhone(created.Body!);
        var id = created["id"].GetValue<string>();
        Assert.Equal("succeeded", (await s.IntentUntil(id, Gateway.Settled))["status"]!.GetValue<string>());
        return id;
    }

    static async Task Until(Func<Task<bool>> condition, int seconds = 15)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, "the condition did not hold in time");
            await Task.Delay(100);
        }
    }
}
