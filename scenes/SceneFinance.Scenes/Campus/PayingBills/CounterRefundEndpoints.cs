using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Campus.Billing;

namespace SceneFinance.Scenes.Campus.PayingBills;

public sealed record CounterRefundRequest(long? Amount, string? Reason);

/// <summary>
/// Cash handed back at the counter for a counter payment (退款), with a receipt and a reason. Online payments go back through the
/// gateway (<c>payment-intents/{id}/refunds</c>); this is the cash drawer's way, for the finance office.
/// </summary>
public static class CounterRefundEndpoints
{
    public static void MapCounterRefunds(this IEndpointRouteBuilder api)
    {
        api.MapGroup("/tenants/{tenantId}/campus/bills/{billId}/payments/{paymentId}").WithTags("Campus")
            .MapPost("/refunds", async (string tenantId, string billId, string paymentId, CounterRefundRequest body, HttpContext http, IDocumentStore store,
                    IGrainFactory grains, TimeProvider clock) =>
                {
                    http.User.RequireTenantAccess(tenantId, CampusAccess.FinanceOffice);
                    var key = IdempotencyTicket.RequireKey(http.Request);
                    return (await Refund(http.User, store, grains, tenantId, billId, paymentId, body, key, clock.GetUtcNow())).ToOk();
                })
            .Doc("refundCounterPayment", "Hand back cash for a counter payment, with a receipt and a reason",
                "The finance office only. On a live bill the family owes the amount again; on a cancelled bill it comes out of the fee income. "
                + "409 refund_exceeds_paid beyond what the payment still holds, not_applied when the payment is not a counter payment of this bill. "
                + "The answer is the refund's receipt; a repeated key gets it again.")
            .Problems(StatusCodes.Status409Conflict)
            .Idempotent();
    }

    public static async Task<Outcome<CounterRefund>> Refund(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId, string billId,
        string paymentId, CounterRefundRequest body, string key, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.FinanceOffice);
        new Validation().Amount(body.Amount).Text(body.Reason, "reason", 200).ThrowIfInvalid();
        var ticket = IdempotencyTicket.For("tenant", key, "bill-counter-refund", billId, paymentId, body.Amount, body.Reason);
        return await (await BillEndpoints.Find(user, store, grains, tenantId, billId)).Then(_ =>
            BillEndpoints.Grain(grains, tenantId, billId).RefundCounter(new RefundCounterPayment(Ids.New("rfc"), paymentId, body.Amount!.Value,
                body.Reason!.Trim(), user.UserName(), ticket, now)));
    }
}
