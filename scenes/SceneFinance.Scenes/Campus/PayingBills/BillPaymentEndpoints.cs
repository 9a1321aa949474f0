using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Payments.Gateway;
using SceneFinance.Payments.Intents;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Campus.Billing;
using SceneFinance.Scenes.Campus.PlanningFees;

namespace SceneFinance.Scenes.Campus.PayingBills;

public sealed record OfflinePaymentRequest(long? Amount, string? Method, string? Provider, string? Reference);
public sealed record OnlinePaymentRequest(long? Amount, string? Channel);

public static class BillPaymentEndpoints
{
    /// <summary>
    /// <c>POST /tenants/{t}/campus/bills/{id}/payments</c> (Idempotency-Key) <c>{"amount","method":"counter"|"loan"|"subsidy","provider"?,"reference"?}</c> → <c>200</c>;
    /// <c>POST /tenants/{t}/campus/bills/{id}/online-payments</c> (Idempotency-Key) <c>{"amount","channel"}</c> → <c>201</c> a payment intent with its checkout link.
    /// </summary>
    public static void MapBillPayments(this IEndpointRouteBuilder api)
    {
        var bills = api.MapGroup("/tenants/{tenantId}/campus/bills/{billId}").WithTags("Campus");

        bills.MapPost("/payments", async (string tenantId, string billId, OfflinePaymentRequest body, HttpContext http, IDocumentStore store, IGrainFactory grains, TimeProvider clock) =>
        {
            http.RequireTenantAccess(tenantId, body.Method is "loan" or "subsidy" ? CampusAccess.FinanceOffice : CampusAccess.Counter);
            var key = IdempotencyTicket.RequireKey(http.Request);
            new Validation()
                .Amount(body.Amount)
                .OneOf(body.Method, "method", BillDecisions.OfflineMethods)
                .Require(body.Method is not ("loan" or "subsidy") || body.Provider is { Length: > 0 and <= 64 }, "provider", "provider (the lender or subsidy programme) is required for loans and subsidies, up to 64 characters.")
                .Require(body.Provider is null || body.Provider.Length <= 64, "provider", "provider must be at most 64 characters.")
                .Require(body.Reference is null || body.Reference.Length <= 64, "reference", "reference must be at most 64 characters.")
                .ThrowIfInvalid();
            var ticket = IdempotencyTicket.For("tenant", key, "bill-payment", billId, body.Amount, body.Method, body.Provider, body.Reference);
            var reply = await IdempotentRequest.Run(store, tenantId, ticket, async () =>
            {
                await BillEndpoints.RequireBill(http, store, grains, tenantId, billId);
                var settings = await FeePlanEndpoints.Settings(store, tenantId);
                return await BillEndpoints.Grain(grains, tenantId, billId).PayOffline(new PayBillOffline(Ids.New("pay"), body.Method!, body.Amount!.Value,
                    body.Provider?.Trim(), body.Reference?.Trim(), settings.MinimumPartialPayment, http.UserName(), ticket, clock.GetUtcNow()));
            });
            return reply.ToResult();
        }).WithSummary("Record a payment at the counter, or one covered by a loan or subsidy");

        bills.MapPost("/online-payments", async (string tenantId, string billId, OnlinePaymentRequest body, HttpContext http, IDocumentStore store, IGrainFactory grains,
            IPaymentGateway gateway, TimeProvider clock) =>
        {
            var intent = await PayOnline(http, store, grains, gateway, clock, tenantId, billId, body.Amount, body.Channel, IdempotencyTicket.RequireKey(http.Request));
            return intent.ToCreated(i => $"/api/v1/tenants/{tenantId}/payment-intents/{i.Id}");
        }).WithSummary("Pay a bill in full or in part through a payment channel (guardians and the counter)");
    }

    /// <summary>Creates the gateway intent for a bill (the API and the parent portal alike).</summary>
    public static async Task<Outcome<PaymentIntentView>> PayOnline(HttpContext http, IDocumentStore store, IGrainFactory grains, IPaymentGateway gateway, TimeProvider clock,
        string tenantId, string billId, long? amount, string? channel, string key)
    {
        http.RequireTenantAccess(tenantId, [.. CampusAccess.Counter, Roles.Guardian]);
        new Validation().Amount(amount).OneOf(channel, "channel", PaymentChannels.All).ThrowIfInvalid();
        var ticket = IdempotencyTicket.For(http.IsGuardian() ? "guardian/" + http.UserName() : "tenant", key, "bill-online", billId, amount, channel);
        var bill = await BillEndpoints.RequireBill(http, store, grains, tenantId, billId);
        return await gateway.CreateIntent(tenantId, new CreateIntent(channel!, amount!.Value, $"{bill.PlanName} {bill.StudentName} 学杂费",
            new IntentPurpose(BillFulfilment.PurposeKind, billId, BillFulfilment.Payer(http.UserName(), http.IsGuardian())), ticket, http.UserName(), clock.GetUtcNow()));
    }
}
