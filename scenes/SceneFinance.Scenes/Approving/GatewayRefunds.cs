using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Payments.Gateway;
using SceneFinance.Payments.Intents;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Storage;

namespace SceneFinance.Scenes.Approving;

/// <summary>
/// A gateway refund above the threshold (counted with the payment's other refunds) is asked for here and sent to the channel when a
/// second person approves it. The approved refund carries no threshold: the approval is the second pair of eyes.
/// </summary>
public static class GatewayRefunds
{
    public const string Kind = "gateway-refund";

    public static void MapGatewayRefundRequests(this IEndpointRouteBuilder api) =>
        api.MapGroup("/tenants/{tenantId}/payment-intents").WithTags("Approvals")
            .MapPost("/{intentId}/refund-requests", async (string tenantId, string intentId, RefundRequest body, HttpContext http, IPaymentGateway gateway,
                    StreamWriters writers, TimeProvider clock) =>
                (await Request(http.User, gateway, writers, tenantId, intentId, body, clock.GetUtcNow())).ToCreated(a => $"/api/v1/tenants/{tenantId}/approvals/{a.Id}"))
            .Doc("requestGatewayRefund", "Ask for a refund that needs a second person",
                "201 a pending approval: the refund goes back to the payment's channel when someone other than the asker approves it. 404 for an unknown payment.");

    public static async Task<Outcome<ApprovalView>> Request(ClaimsPrincipal user, IPaymentGateway gateway, StreamWriters writers, string tenantId, string intentId,
        RefundRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, IntentEndpoints.Refunders);
        new Validation()
            .Amount(body.Amount)
            .Require(body.Reason is null || body.Reason.Length <= 80, "reason", "reason must be at most 80 characters.")
            .ThrowIfInvalid();
        if (await gateway.Retrieve(tenantId, intentId) is null) return Refusal.NotFound("The payment intent");
        var reason = string.IsNullOrWhiteSpace(body.Reason) ? "refund" : body.Reason.Trim();
        return await Approvals.Request(user, writers, tenantId, Kind, intentId, body.Amount!.Value, $"Refund of payment {intentId}: {reason}",
            new Dictionary<string, string> { ["reason"] = reason }, now);
    }

    public sealed class Refund(IPaymentGateway gateway) : IApprovalAction
    {
        public string Kind => GatewayRefunds.Kind;
        public string[] Approvers => IntentEndpoints.Refunders;

        public async Task<Outcome<string>> CarryOut(string tenantId, Approval a, DateTimeOffset now)
        {
            // Once per approval: the ticket is the approval's.
            var ticket = IdempotencyTicket.For("approval", a.Id, "refund", a.Subject, a.Amount, a.Details["reason"]);
            var refund = await gateway.Refund(tenantId, a.Subject, new RefundIntent(a.Amount, a.Details["reason"], ticket,
                $"{a.RequestedById} (approved by {a.DecidedById}, {a.Id})", now));
            return refund.Refusal is { } refused ? refused : $"refund {refund.Value!.Id} {refund.Value.Status}";
        }
    }
}
