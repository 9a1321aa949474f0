using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Payments.Gateway;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;

namespace SceneFinance.Payments.Intents;

public sealed record RefundRequest(long? Amount, string? Reason);

/// <summary>An intent in a list: no refunds, no QR content.</summary>
public sealed record IntentSummary(string Id, string Status, long Amount, string Currency, string Channel, long RefundedAmount, IntentPurpose Purpose, DateTimeOffset CreatedAt);

public sealed record IntentPage(IReadOnlyList<IntentSummary> Items);

public static class IntentEndpoints
{
    public static readonly string[] Refunders = [Roles.TenantAdmin, Roles.Finance];

    public static IEndpointRouteBuilder MapPaymentIntents(this IEndpointRouteBuilder api)
    {
        var intents = api.MapGroup("/tenants/{tenantId}/payment-intents").WithTags("Gateway");

        intents.MapGet("", async (string tenantId, string? status, string? cardHolderId, int? limit, HttpContext http, IDocumentStore store) =>
        {
            http.RequireTenantAccess(tenantId, Roles.TenantReaders);
            new Validation()
                .Require(limit is null or (>= 1 and <= 500), "limit", "limit must be between 1 and 500.")
                .Require(status is null || status is IntentStatus.RequiresPayment or IntentStatus.Processing or IntentStatus.Succeeded or IntentStatus.Failed or IntentStatus.Canceled,
                    "status", "status must be requires_payment, processing, succeeded, failed or canceled.")
                .ThrowIfInvalid();
            await using var session = store.QuerySession(tenantId);
            var query = session.Query<IntentListing>().AsQueryable();
            if (status is not null) query = query.Where(x => x.Status == status);
            if (cardHolderId is not null) query = query.Where(x => x.TargetId == cardHolderId);
            var items = await query.OrderByDescending(x => x.CreatedAt).Take(limit ?? 50).ToListAsync();
            return TypedResults.Ok(new IntentPage(items.Select(IntentList.Summary).ToList()));
        })
        .Doc("listPaymentIntents", "List payment intents, newest first", "Filter by status or by the card holder paid for; at most limit (1 to 500, default 50).");

        intents.MapGet("/{intentId}", async (string tenantId, string intentId, HttpContext http, IPaymentGateway gateway) =>
            {
                http.RequireTenantAccess(tenantId, Roles.TenantReaders);
                return (await gateway.Retrieve(tenantId, intentId) is { } intent ? intent : Refusal.NotFound("The payment intent").ToOutcome<PaymentIntentView>()).ToOk();
            })
            .Doc("getPaymentIntent", "Retrieve a payment intent with its refunds");

        intents.MapPost("/{intentId}/cancel", async (string tenantId, string intentId, HttpContext http, IPaymentGateway gateway, TimeProvider clock) =>
            {
                http.RequireTenantAccess(tenantId, Roles.CardOffice);
                return (await gateway.Cancel(tenantId, intentId, clock.GetUtcNow())).ToOk();
            })
            .Doc("cancelPaymentIntent", "Cancel an unpaid payment intent",
                "Closes the order at the channel. A payer who paid just before wins: the intent then ends succeeded. 503 channel_unavailable when the channel does not answer.")
            .Problems(StatusCodes.Status409Conflict, StatusCodes.Status503ServiceUnavailable);

        intents.MapPost("/{intentId}/refunds", async (string tenantId, string intentId, RefundRequest body, HttpContext http, IPaymentGateway gateway, TimeProvider clock) =>
            {
                http.RequireTenantAccess(tenantId, Refunders); // who asks comes before what is asked
                return (await Refund(http.User, gateway, tenantId, intentId, IdempotencyTicket.RequireKey(http.Request), body, clock.GetUtcNow())).ToOk();
            })
            .Doc("refundPaymentIntent", "Refund part or all of a succeeded payment back to its channel (finance)",
                "Never more than was captured: 409 refund_exceeds_captured. The refund is rejected (insufficient_funds) when what was paid for no longer holds the money. "
                + "When this payment's refunds would come to more than the approval threshold in all (SceneFinance:Gateway:RefundApprovalThreshold), 409 "
                + "approval_required: ask through requestGatewayRefund, and a second person approves it.")
            .Problems(StatusCodes.Status409Conflict)
            .Idempotent();

        return api;
    }

    /// <summary>A refund as the API and the admin shell ask for it: same roles, checks and idempotency.</summary>
    public static async Task<Outcome<RefundView>> Refund(ClaimsPrincipal user, IPaymentGateway gateway, string tenantId, string intentId,
        string key, RefundRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, Refunders);
        new Validation()
            .Amount(body.Amount)
            .Require(body.Reason is null || body.Reason.Length <= 80, "reason", "reason must be at most 80 characters.")
            .ThrowIfInvalid();
        var reason = string.IsNullOrWhiteSpace(body.Reason) ? "refund" : body.Reason.Trim();
        var ticket = IdempotencyTicket.For("tenant", key, "refund", intentId, body.Amount, reason);
        // A person's refunds above the threshold (counted per payment) go through the approval queue (refund-requests).
        return await gateway.Refund(tenantId, intentId, new RefundIntent(body.Amount!.Value, reason, ticket, user.UserId(), now, gateway.RefundApprovalThreshold));
    }
}
