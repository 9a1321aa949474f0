using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SceneFinance.Grains;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Payments;

/// <summary>The card holder's side of the gateway, called again and again as notifications and the janitor do.</summary>
[Collection(SharedGatewayApp.Name)]
public sealed class GatewayMovementsOnceTests(GatewayApp app)
{
    [Fact]
    public async Task A_credit_a_refund_debit_and_a_release_asked_for_twice_each_happen_once()
    {
        var s = await Scenario.Start(app);
        var (id, _) = await s.CardHolder();
        var holder = app.Services.GetRequiredService<IGrainFactory>().GetGrain<ICardHolderGrain>(GrainKeys.For(s.TenantId, id));
        var now = DateTimeOffset.UtcNow;

        await holder.CreditFromGateway(new GatewayCredit("pi_once", "alipay", 1500, now));
        await holder.CreditFromGateway(new GatewayCredit("pi_once", "alipay", 1500, now));
        Assert.Equal(1500, await s.Balance(id));

        var refund = new GatewayRefund("re_once", "pi_once", "alipay", 1500, now);
        Assert.Null((await holder.DebitForRefund(refund)).Refusal);
        // Asked again (the janitor after a crash): it was funded, even though the purse could not fund it now.
        Assert.Null((await holder.DebitForRefund(refund)).Refusal);
        Assert.Equal(0, await s.Balance(id));
        Assert.Equal("insufficient_funds", (await holder.DebitForRefund(refund with { RefundId = "re_other", Amount = 1 })).Refusal?.Code);

        await holder.ReleaseRefund(refund);
        await holder.ReleaseRefund(refund);
        Assert.Equal(1500, await s.Balance(id));

        var types = (await s.Api.Get($"{s.Base}/cardholders/{id}/transactions", s.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray()
            .Select(i => i!["type"]!.GetValue<string>()).ToList();
        Assert.Equal(["adjustment", "refund", "topup"], types);
        var tb = await s.TrialBalance();
        Assert.Equal(0, tb.Account("refunds-pending:alipay"));
        Assert.Equal(1500, tb.Account("gateway-unapplied:alipay")); // credited with no channel success recorded (the intent grain records that side)
    }

    [Fact]
    public async Task A_refund_whose_answer_and_notifications_are_lost_is_settled_by_the_janitor()
    {
        var s = await Scenario.Start(app);
        var (holder, _) = await s.CardHolder();
        var created = (await s.OnlineTopUp(holder, 2000, "alipay")).Expect(HttpStatusCode.Created);
        var intent = created["id"].GetValue<string>();
        await s.PayOnPhone(created.Body!);
        await s.IntentUntil(intent, Gateway.Settled);

        var behaviour = app.Simulators.Behaviour;
        (behaviour.ApiTimeoutRate, behaviour.NotificationLossRate, behaviour.RefundFailureRate) = (1, 1, 1);
        try
        {
            var refund = (await s.Api.Post($"{s.Base}/payment-intents/{intent}/refunds", new { amount = 2000 }, s.AdminToken, "lost-refund")).Expect(HttpStatusCode.OK);
            Assert.Equal("pending", refund["status"].GetValue<string>());
            await Task.Delay(1500); // the channel has failed it by now, and told nobody
        }
        finally
        {
            (behaviour.ApiTimeoutRate, behaviour.NotificationLossRate, behaviour.RefundFailureRate) = (0, 0, 0);
        }
        var settled = await s.IntentUntil(intent, i => i["refunds"]!.AsArray().All(r => r!["status"]!.GetValue<string>() != "pending"));
        Assert.Equal("failed", settled["refunds"]![0]!["status"]!.GetValue<string>());
        Assert.Equal(2000, settled["refundableAmount"]!.GetValue<long>());
        var until = DateTime.UtcNow.AddSeconds(10);
        while (await s.Balance(holder) != 2000 && DateTime.UtcNow < until) await Task.Delay(100);
        Assert.Equal(2000, await s.Balance(holder));
        Assert.Equal(0, (await s.TrialBalance()).Account("refunds-pending:alipay"));
    }
}
