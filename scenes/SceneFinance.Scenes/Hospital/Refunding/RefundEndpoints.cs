using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Scenes.Hospital.CashWindow;
using SceneFinance.Scenes.Hospital.Patients;
using SceneFinance.Scenes.Hospital.PayingOrders;
using SceneFinance.Scenes.Hospital.Settings;

namespace SceneFinance.Scenes.Hospital.Refunding;

/// <summary><see cref="Tender"/> <c>cash</c> pays an order's refund out of the asker's open cashier shift: only what was paid in cash.</summary>
public sealed record HospitalRefundRequest(string? Kind, string? OrderId, long? Amount, string? Reason, string? Tender = null);

/// <summary>
/// Refunds of an order or of the deposit, back to the tenders that paid, never more than was paid. A cashier refunds small
/// amounts at once; above the tenant's threshold the refund waits (<c>202</c>) for a second person (finance or tenant admin).
/// </summary>
public static class RefundEndpoints
{
    public static readonly string[] Askers = [Roles.TenantAdmin, Roles.Finance, Roles.Cashier];
    public static readonly string[] Approvers = [Roles.TenantAdmin, Roles.Finance];

    public static void MapHospitalRefunds(this IEndpointRouteBuilder hospital)
    {
        hospital.MapPost("/patients/{id}/refunds", async (string tenantId, string id, HospitalRefundRequest body, HttpContext http, HospitalDesk desk,
                RefundRunner refunds, IDocumentStore store, TimeProvider clock) =>
            {
                http.RequireTenantAccess(tenantId, Askers);
                var key = IdempotencyTicket.RequireKey(http.Request);
                return (await RequestRefund(http.User, desk, refunds, store, tenantId, id, key, body, clock.GetUtcNow())).ToRefund();
            })
            .Doc("requestHospitalRefund", "Refund an order or the deposit back to the tenders that paid it",
                "200 executed at once; 202 pending_approval when it would take what one person alone refunded (this order ever, this patient " +
                "the last 24 h) past the tenant's threshold (a second person approves); 409 refund_exceeds_paid beyond what was paid. tender cash pays it "
                + "out of the asker's open cashier shift, only of what was paid in cash (409 not_cash_paid for an order paid otherwise, 409 no_open_shift "
                + "without a shift); an order refund that reaches a cash payment needs the asker's open shift too.")
            .Idempotent();

        hospital.MapPost("/patients/{id}/refunds/{refundId}/approve", async (string tenantId, string id, string refundId, HttpContext http, HospitalDesk desk,
                RefundRunner refunds, TimeProvider clock) =>
                (await ApproveRefund(http.User, desk, refunds, tenantId, id, refundId, clock.GetUtcNow())).ToOk())
            .Doc("approveHospitalRefund", "Approve a refund waiting for a second person",
                "Finance or a tenant admin with another user id than the asker's (403 otherwise); executed at once, or refused when the money is no longer there.")
            .Problems(StatusCodes.Status409Conflict);

        hospital.MapGet("/patients/{id}/refunds/{refundId}", async (string tenantId, string id, string refundId, HttpContext http, HospitalDesk desk) =>
                (await GetRefund(http.User, desk, tenantId, id, refundId)).ToOk())
            .Doc("getHospitalRefund", "Read a refund with its lines per tender");
    }

    // The slice's functions, for the routes above and the admin shell alike.

    /// <summary>Asks for a refund: executed at once, or <c>pending_approval</c> above the tenant's threshold.</summary>
    public static async Task<Outcome<HospitalRefundView>> RequestRefund(ClaimsPrincipal user, HospitalDesk desk, RefundRunner refunds, IDocumentStore store,
        string tenantId, string id, string key, HospitalRefundRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, Askers);
        new Validation().OneOf(body.Kind, "kind", RefundKinds.Order, RefundKinds.Deposit).Amount(body.Amount).Text(body.Reason, "reason")
            .Require(body.Tender is null || body.Tender == Tenders.Cash, "tender", "tender is cash or left out (back to the tenders that paid).")
            .Require(body.Kind != RefundKinds.Order || body.OrderId is { Length: > 0 }, "orderId", "An order refund names its order.").ThrowIfInvalid();
        var settings = await HospitalSettings.Load(store, tenantId);
        var ticket = IdempotencyTicket.For("tenant", key, "hospital-refund", id, body.Kind, body.OrderId, body.Amount, body.Reason, body.Tender);
        // A cash line is paid out of the asker's drawer: without an open shift the plan refuses it (no_open_shift).
        var shiftId = (await CashierShifts.OpenShiftOf(store, tenantId, user.UserId()))?.Id;
        if (body.Tender == Tenders.Cash && shiftId is null)
            return CashierShifts.NoOpenShift;
        var refund = await desk.Patient(tenantId, id, p => p.RequestRefund(new RefundAsk(
            body.Kind!, body.Kind == RefundKinds.Order ? body.OrderId : null, body.Amount!.Value, body.Reason!.Trim(), user.Who(),
            settings.RefundApprovalThreshold, ticket, now, user.UserId(), body.Tender, shiftId)));
        if (refund.Value is { Status: not HospitalRefund.PendingApproval }) await refunds.Drive(tenantId, id, user.Who());
        return refund;
    }

    /// <summary>A second person (finance, tenant admin; never the asker: the account refuses) approves a waiting refund.</summary>
    public static async Task<Outcome<HospitalRefundView>> ApproveRefund(ClaimsPrincipal user, HospitalDesk desk, RefundRunner refunds, string tenantId, string id,
        string refundId, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, Approvers);
        var approved = await desk.Patient(tenantId, id, p => p.ApproveRefund(refundId, user.UserId(), user.Who(), now));
        if (approved.Refused) return approved;
        await refunds.Drive(tenantId, id, user.Who());
        return await desk.Patient(tenantId, id, p => p.GetRefund(refundId)); // its lines as the gateway left them
    }

    public static Task<Outcome<HospitalRefundView>> GetRefund(ClaimsPrincipal user, HospitalDesk desk, string tenantId, string id, string refundId)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        return desk.Patient(tenantId, id, p => p.GetRefund(refundId));
    }
}
