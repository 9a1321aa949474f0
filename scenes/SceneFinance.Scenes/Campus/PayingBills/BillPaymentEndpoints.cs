using System.Security.Claims;
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
    public static void MapBillPayments(this IEndpointRouteBuilder api)
    {
        var bills = api.MapGroup("/tenants/{tenantId}/campus/bills/{billId}").WithTags("Campus");

        bills.MapPost("/payments", async (string tenantId, string billId, OfflinePaymentRequest body, HttpContext http, IDocumentStore store, IGrainFactory grains, TimeProvider clock) =>
            {
                http.User.RequireTenantAccess(tenantId, Payers(body.Method));
                var key = IdempotencyTicket.RequireKey(http.Request);
                return (await PayOffline(http.User, store, grains, tenantId, billId, body, key, clock.GetUtcNow())).ToOk();
            })
            .Doc("payBill", "Record a payment at the counter",
                "Cashiers take counter payments. Loans and subsidies are refused 409 approval_required: they are asked for through requestFundedPayment and "
                + "recorded when a second person approves. 409 exceeds_outstanding above what is owed, "
                + "below_minimum_payment under the school's minimum part payment (unless it settles the bill), bill_settled, bill_cancelled.")
            .Idempotent();

        bills.MapPost("/online-payments", async (string tenantId, string billId, OnlinePaymentRequest body, HttpContext http, IDocumentStore store, IGrainFactory grains,
                IPaymentGateway gateway, TimeProvider clock) =>
            {
                var key = IdempotencyTicket.RequireKey(http.Request);
                return (await PayOnline(http.User, store, grains, gateway, tenantId, billId, body, key, clock.GetUtcNow()))
                    .ToCreated(i => $"/api/v1/tenants/{tenantId}/payment-intents/{i.Id}");
            })
            .Doc("payBillOnline", "Pay a bill in full or in part through a payment channel (guardians and the counter)",
                "201 a payment intent with its checkout link; the bill is paid when the channel confirms. Nothing is reserved: two guardians may both pay, "
                + "and what the second paid beyond the bill is refunded automatically. 409 as for payBill.")
            .Idempotent();
    }

    static string[] Payers(string? method) => method is "loan" or "subsidy" ? CampusAccess.FinanceOffice : CampusAccess.Counter;

    static readonly string[] OnlinePayers = [.. CampusAccess.Counter, Roles.Guardian];

    /// <summary>Money received outside the gateway, under an idempotency key (the header's, or the one a page holds for its form).</summary>
    public static async Task<Outcome<BillPayment>> PayOffline(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId, string billId,
        OfflinePaymentRequest body, string key, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, Payers(body.Method));
        new Validation()
            .Amount(body.Amount)
            .OneOf(body.Method, "method", BillDecisions.OfflineMethods)
            .Require(body.Method is not ("loan" or "subsidy") || body.Provider is { Length: > 0 and <= 64 }, "provider", "provider (the lender or subsidy programme) is required for loans and subsidies, up to 64 characters.")
            .Require(body.Provider is null || body.Provider.Length <= 64, "provider", "provider must be at most 64 characters.")
            .Require(body.Reference is null || body.Reference.Length <= 64, "reference", "reference must be at most 64 characters.")
            .ThrowIfInvalid();
        // A loan or subsidy is money no one handed over: it is recorded only through the approval queue (WritingOff).
        if (body.Method is "loan" or "subsidy") return WritingOff.WriteOffs.ApprovalRequired("A loan or subsidy payment");
        var ticket = IdempotencyTicket.For("tenant", key, "bill-payment", billId, body.Amount, body.Method, body.Provider, body.Reference);
        if ((await BillEndpoints.Find(user, store, grains, tenantId, billId)).Refusal is { } missing) return missing;
        var settings = await FeePlanEndpoints.Settings(store, tenantId);
        // A key answered before gets its first answer again, also when the bill would refuse it now (settled since): the writer replays it.
        return await BillEndpoints.Grain(grains, tenantId, billId).PayOffline(new PayBillOffline(Ids.New("pay"), body.Method!, body.Amount!.Value,
            body.Provider?.Trim(), body.Reference?.Trim(), settings.MinimumPartialPayment, user.UserName(), ticket, now));
    }

    /// <summary>Creates the gateway intent for a bill: the one way to pay a bill online, for the API and the parent portal alike.</summary>
    public static async Task<Outcome<PaymentIntentView>> PayOnline(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, IPaymentGateway gateway,
        string tenantId, string billId, OnlinePaymentRequest body, string key, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, OnlinePayers);
        new Validation().Amount(body.Amount).OneOf(body.Channel, "channel", PaymentChannels.All).ThrowIfInvalid();
        var ticket = IdempotencyTicket.For(user.KeyScope(), key, "bill-online", billId, body.Amount, body.Channel);
        return await (await BillEndpoints.Find(user, store, grains, tenantId, billId)).Then(bill =>
            gateway.CreateIntent(tenantId, new CreateIntent(body.Channel!, body.Amount!.Value, $"{bill.PlanName} {bill.StudentName} 学杂费",
                new IntentPurpose(BillFulfilment.PurposeKind, billId, BillFulfilment.Payer(user.UserName(), user.IsGuardian())), ticket, user.UserName(), now)));
    }
}
