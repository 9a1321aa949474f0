using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Grains.Canteen;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Platform.Time;
using SceneFinance.Scenes.Terminals;

namespace SceneFinance.Scenes.Canteen.Voiding;

public sealed record VoidRequest(string? Reason);

/// <summary>A cashier's void from the shell names the till it is made at (a tap is voided at the till that took it).</summary>
public sealed record CashierVoidRequest(string? TerminalId, string? Reason);

public sealed record RefundRequest(long? Amount, string? Reason);

/// <summary>A payment with what was refunded of it.</summary>
public sealed record SaleView(Sale Sale, IReadOnlyList<SaleRefund> Refunds);

/// <summary>
/// Voids (the cashier, at the till that took the tap, the same business day, with a reason) and refunds (finance, later, part
/// or all). Both go back to where the money came from, through the holder's grain; never more than was paid. Money-moving:
/// each takes an Idempotency-Key.
/// </summary>
public static class VoidEndpoints
{
    public static void MapVoids(this IEndpointRouteBuilder api)
    {
        api.MapPost("/terminal/payments/{paymentId}/void", async (string paymentId, HttpContext http, TerminalSignature signature, IDocumentStore store,
                IGrainFactory grains, TenantClock clock) =>
            {
                var (terminal, body) = await signature.Verify(http.Request);
                var key = IdempotencyTicket.RequireKey(http.Request);
                var request = JsonBody.Parse(body, new VoidRequest(null));
                return (await Void(store, grains, clock, terminal.TenantId, terminal.TerminalId, paymentId, request.Reason, $"terminal/{terminal.TerminalId}",
                    $"terminal/{terminal.TerminalId}", key)).ToOk();
            })
            .WithTags("Canteen")
            .Caller(CallerKind.Terminal)
            .SignedBody<VoidRequest>()
            .Idempotent()
            .Doc("voidAtTerminal", "Void a wrong tap at the till that took it, on the same business day, with a reason",
                "Signed by the till. The whole payment goes back where it came from (purses, the campaign, arrears). Another till, another day or a "
                + "payment refunded already: 409 conflict (refund it instead).");

        var payments = api.MapGroup("/tenants/{tenantId}/canteen/payments").WithTags("Canteen");

        payments.MapGet("/{paymentId}", async (string tenantId, string paymentId, HttpContext http, IDocumentStore store) =>
                (await Get(http.User, store, tenantId, paymentId)).ToOk())
            .Doc("getCanteenPayment", "A card payment with the purses it came from and its voids and refunds");

        payments.MapPost("/{paymentId}/void", async (string tenantId, string paymentId, CashierVoidRequest body, HttpContext http, IDocumentStore store,
                IGrainFactory grains, TenantClock clock) =>
            {
                http.RequireTenantAccess(tenantId, CanteenAccess.Cashiers);
                var key = IdempotencyTicket.RequireKey(http.Request);
                return (await CashierVoid(http.User, store, grains, clock, tenantId, paymentId, key, body)).ToOk();
            })
            .Idempotent()
            .Doc("voidCanteenPayment", "A cashier voids a wrong tap at the till they stand at, the same business day, with a reason",
                "terminalId is the till the cashier voids at: it must be the one that took the tap. Cashier, finance or tenant-admin.");

        payments.MapPost("/{paymentId}/refunds", async (string tenantId, string paymentId, RefundRequest body, HttpContext http, IDocumentStore store,
                IGrainFactory grains, TenantClock clock) =>
            {
                http.RequireTenantAccess(tenantId, CanteenAccess.Refunders);
                var key = IdempotencyTicket.RequireKey(http.Request);
                return (await Refund(http.User, store, grains, clock, tenantId, paymentId, key, body)).ToOk();
            })
            .Idempotent()
            .Doc("refundCanteenPayment", "Refund a card payment in part or in full, back to the purses it came from",
                "Finance or tenant-admin. Subsidy goes back to its program's purse while that period is open, else to the program's funder; cash "
                + "to cash; a campaign's part to its marketing account last. Never more than was paid (409 conflict).");
    }

    public static Task<Outcome<RefundResult>> CashierVoid(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, TenantClock clock,
        string tenantId, string paymentId, string key, CashierVoidRequest body)
    {
        user.RequireTenantAccess(tenantId, CanteenAccess.Cashiers);
        new Validation().Require(body.TerminalId is { Length: > 4 }, "terminalId", "terminalId is the till the void is made at.").ThrowIfInvalid();
        return Void(store, grains, clock, tenantId, body.TerminalId!, paymentId, body.Reason, user.Identity?.Name ?? "", "tenant", key);
    }

    static async Task<Outcome<RefundResult>> Void(IDocumentStore store, IGrainFactory grains, TenantClock clock, string tenantId, string terminalId,
        string paymentId, string? reason, string by, string scope, string key)
    {
        new Validation().Text(reason, "reason", 200).ThrowIfInvalid();
        var ticket = IdempotencyTicket.For(scope, key, "void", paymentId, terminalId, reason!.Trim());
        return await Apply(store, grains, clock, tenantId, paymentId, RefundPayment.Void, 0, reason.Trim(), by, terminalId, ticket);
    }

    public static async Task<Outcome<RefundResult>> Refund(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, TenantClock clock,
        string tenantId, string paymentId, string key, RefundRequest body)
    {
        user.RequireTenantAccess(tenantId, CanteenAccess.Refunders);
        new Validation().Amount(body.Amount).Text(body.Reason, "reason", 200).ThrowIfInvalid();
        var ticket = IdempotencyTicket.For("tenant", key, "refund", paymentId, body.Amount, body.Reason!.Trim());
        return await Apply(store, grains, clock, tenantId, paymentId, RefundPayment.Refund, body.Amount!.Value, body.Reason.Trim(), user.Identity?.Name ?? "", null, ticket);
    }

    static async Task<Outcome<RefundResult>> Apply(IDocumentStore store, IGrainFactory grains, TenantClock clock, string tenantId, string paymentId,
        string kind, long amount, string reason, string by, string? terminalId, IdempotencyTicket ticket)
    {
        Sale? sale;
        await using (var session = store.QuerySession(tenantId)) sale = paymentId.StartsWith("pay_", StringComparison.Ordinal) ? await session.LoadAsync<Sale>(paymentId) : null;
        if (sale is null) return Refusal.NotFound("The payment");
        var time = await clock.For(tenantId);
        return await grains.GetGrain<ICanteenWalletGrain>(GrainKeys.For(tenantId, sale.CardHolderId))
            .Refund(new RefundPayment(Ids.New("rf"), kind, paymentId, amount, reason, by, terminalId, time.Today, ticket, time.Now));
    }

    public static async Task<Outcome<SaleView>> Get(ClaimsPrincipal user, IDocumentStore store, string tenantId, string paymentId)
    {
        user.RequireTenantAccess(tenantId, CanteenAccess.Readers);
        await using var session = store.QuerySession(tenantId);
        if (!paymentId.StartsWith("pay_", StringComparison.Ordinal) || await session.LoadAsync<Sale>(paymentId) is not { } sale) return Refusal.NotFound("The payment");
        var refunds = await session.Query<SaleRefund>().Where(r => r.PaymentId == paymentId).OrderBy(r => r.At).ToListAsync();
        return new SaleView(sale, refunds);
    }
}
