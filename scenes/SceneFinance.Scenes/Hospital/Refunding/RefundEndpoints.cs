using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Scenes.Hospital.Patients;
using SceneFinance.Scenes.Hospital.PayingOrders;
using SceneFinance.Scenes.Hospital.Settings;

namespace SceneFinance.Scenes.Hospital.Refunding;

public sealed record HospitalRefundRequest(string? Kind, string? OrderId, long? Amount, string? Reason);

/// <summary>
/// Refunds of an order or of the deposit, back to the tenders that paid, never more than was paid. A cashier refunds small
/// amounts at once; above the tenant's threshold the refund waits (<c>202</c>) for a second person (finance or tenant admin).
/// </summary>
public static class RefundEndpoints
{
    public static void MapHospitalRefunds(this IEndpointRouteBuilder hospital)
    {
        hospital.MapPost("/patients/{id}/refunds", async (string tenantId, string id, HospitalRefundRequest body, HttpContext http, HospitalDesk desk,
            RefundRunner refunds, IDocumentStore store, TimeProvider clock) =>
        {
            http.RequireTenantAccess(tenantId, [Roles.TenantAdmin, Roles.Finance, Roles.Cashier]);
            var key = IdempotencyTicket.RequireKey(http.Request);
            new Validation().OneOf(body.Kind, "kind", RefundKinds.Order, RefundKinds.Deposit).Amount(body.Amount).Text(body.Reason, "reason")
                .Require(body.Kind != RefundKinds.Order || body.OrderId is { Length: > 0 }, "orderId", "An order refund names its order.").ThrowIfInvalid();
            var settings = await HospitalSettings.Load(store, tenantId);
            var ticket = IdempotencyTicket.For("tenant", key, "hospital-refund", id, body.Kind, body.OrderId, body.Amount, body.Reason);
            var reply = await IdempotentRequest.Run(store, tenantId, ticket, () => desk.Patient(tenantId, id).RequestRefund(new RefundAsk(
                body.Kind!, body.Kind == RefundKinds.Order ? body.OrderId : null, body.Amount!.Value, body.Reason!.Trim(), http.UserName(),
                settings.RefundApprovalThreshold, ticket, clock.GetUtcNow())));
            if (reply.Status == 200) await refunds.Drive(tenantId, id, http.UserName());
            return reply.ToResult();
        });

        hospital.MapPost("/patients/{id}/refunds/{refundId}/approve", async (string tenantId, string id, string refundId, HttpContext http, HospitalDesk desk,
            RefundRunner refunds, TimeProvider clock) =>
        {
            http.RequireTenantAccess(tenantId, [Roles.TenantAdmin, Roles.Finance]);
            var patient = desk.Patient(tenantId, id);
            var refund = await patient.ApproveRefund(refundId, http.UserName(), clock.GetUtcNow());
            await refunds.Drive(tenantId, id, http.UserName());
            return TypedResults.Ok(await patient.GetRefund(refund.Id));
        });

        hospital.MapGet("/patients/{id}/refunds/{refundId}", async (string tenantId, string id, string refundId, HttpContext http, HospitalDesk desk) =>
        {
            http.RequireTenantAccess(tenantId, Roles.TenantReaders);
            return TypedResults.Ok(await desk.Patient(tenantId, id).GetRefund(refundId));
        });
    }
}
