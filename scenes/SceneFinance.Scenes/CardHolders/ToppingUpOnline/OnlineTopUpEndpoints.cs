using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Payments.Gateway;
using SceneFinance.Payments.Intents;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;

namespace SceneFinance.Scenes.CardHolders.ToppingUpOnline;

public sealed record OnlineTopUpRequest(long? Amount, string? Channel);

public static class OnlineTopUpEndpoints
{
    /// <summary>
    /// <c>POST /tenants/{tenantId}/cardholders/{id}/online-topups</c> (Idempotency-Key) <c>{"amount","channel"}</c> → <c>201</c> a payment
    /// intent in <c>requires_payment</c> with the channel's QR content. The purse is credited when the channel confirms, exactly once.
    /// </summary>
    public static IEndpointRouteBuilder MapOnlineTopUps(this IEndpointRouteBuilder api)
    {
        api.MapPost("/tenants/{tenantId}/cardholders/{id}/online-topups",
            async (string tenantId, string id, OnlineTopUpRequest body, HttpContext http, IPaymentGateway gateway, TimeProvider clock) =>
            {
                http.RequireTenantAccess(tenantId, Roles.CardOffice);
                var key = IdempotencyTicket.RequireKey(http.Request);
                new Validation().Amount(body.Amount).OneOf(body.Channel, "channel", PaymentChannels.All).ThrowIfInvalid();
                var ticket = IdempotencyTicket.For("tenant", key, "online-topup", id, body.Amount, body.Channel);
                return (await gateway.CreateIntent(tenantId, new CreateIntent(
                    body.Channel!, body.Amount!.Value, "Card top-up 校园卡充值", new IntentPurpose(CardTopUpFulfilment.PurposeKind, id, "cash"),
                    ticket, http.UserName(), clock.GetUtcNow()))).ToCreated(i => $"/api/v1/tenants/{tenantId}/payment-intents/{i.Id}");
            })
            .WithTags("Gateway").Idempotent().Problems(StatusCodes.Status409Conflict)
            .Doc("createOnlineTopUp", "Top up a card holder's cash purse online through a payment channel",
                "201 an intent in requires_payment with the channel's QR content and a checkout link; the purse is credited once the channel confirms. 409 card_lost for a card reported lost, tenant_suspended for a suspended tenant.");
        return api;
    }
}
