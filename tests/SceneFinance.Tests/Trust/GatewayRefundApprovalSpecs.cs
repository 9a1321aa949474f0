using System.Net;
using SceneFinance.Platform.Security;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Trust;

/// <summary>
/// Gateway refunds a person asks for above the threshold (1,000 yuan by default), counted per payment, need a second person: a large
/// refund split into small ones is caught by the running total.
/// </summary>
[Collection(SharedGatewayApp.Name)]
public sealed class GatewayRefundApprovalSpecs(GatewayApp app)
{
    [Fact]
    public async Task A_large_refund_split_into_small_ones_is_caught_and_goes_through_a_second_person()
    {
        var s = await Scenario.Start(app, "campus");
        var (holder, _) = await s.CardHolder();
        var intent = (await s.OnlineTopUp(holder, 200_000, "alipay")).Expect(HttpStatusCode.Created);
        var id = intent["id"].GetValue<string>();
        await s.PayOnPhone(intent.Body!);
        await s.IntentUntil(id, Gateway.Settled);
        var clerk = await s.UserToken(Roles.Finance);
        var refunds = $"{s.Base}/payment-intents/{id}/refunds";

        (await s.Api.Post(refunds, new { amount = 150_000 }, clerk, "big")).ExpectProblem(HttpStatusCode.Conflict, "approval_required");
        (await s.Api.Post(refunds, new { amount = 60_000 }, clerk, "part-1")).Expect(HttpStatusCode.OK);
        (await s.Api.Post(refunds, new { amount = 60_000 }, clerk, "part-2")).ExpectProblem(HttpStatusCode.Conflict, "approval_required");
        await s.IntentUntil(id, i => i["refundedAmount"]!.GetValue<long>() == 60_000);

        var asked = (await s.Api.Post($"{s.Base}/payment-intents/{id}/refund-requests", new { amount = 60_000, reason = "学费退还" }, clerk)).Expect(HttpStatusCode.Created);
        var approval = asked["id"].GetValue<string>();
        (await s.Api.Post($"{s.Base}/approvals/{approval}/approve", null, clerk)).ExpectProblem(HttpStatusCode.Forbidden, "second_approver_required");
        (await s.Api.Post($"{s.Base}/approvals/{approval}/approve", null, await s.UserToken(Roles.TenantAdmin))).Expect(HttpStatusCode.OK);
        await s.IntentUntil(id, i => i["refundedAmount"]!.GetValue<long>() == 120_000);
        Assert.Equal(80_000, await s.Balance(holder));
    }
}
