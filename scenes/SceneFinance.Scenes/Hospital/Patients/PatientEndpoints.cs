using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Hospital.PayingOrders;
using SceneFinance.Scenes.Hospital.Refunding;
using SceneFinance.Scenes.Hospital.Settings;

namespace SceneFinance.Scenes.Hospital.Patients;

public sealed record RegisterPatientRequest(string? MedicalCardNumber, string? Name, string? IdNumber, string? Phone, string? MedicalRecordNumber);
public sealed record PayOrdersRequest(IReadOnlyList<string>? OrderIds, string? Tender);
public sealed record DepositRequest(long? Amount, string? Channel);
public sealed record CreditCareRequest(long? Limit, string? LinkedChannel);
public sealed record ChannelRequest(string? Channel);
public sealed record InsuranceRequest(string? Outcome, string? Reason);

/// <summary>The cashier window and the finance office: patients, their accounts, payments, deposits, credit care, insurance, discharge.</summary>
public static class PatientEndpoints
{
    public static void MapPatients(this IEndpointRouteBuilder hospital)
    {
        var patients = hospital.MapGroup("/patients");

        // A patient is a card holder of kind "patient" whose card is the medical card 就诊卡.
        patients.MapPost("", async (string tenantId, RegisterPatientRequest body, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
        {
            http.RequireTenantAccess(tenantId, Roles.CardOffice);
            await grains.RequireTenant(tenantId);
            new Validation()
                .Require(body.MedicalCardNumber is { Length: >= 4 and <= 32 } c && c.All(char.IsAsciiLetterOrDigit), "medicalCardNumber", "medicalCardNumber must be 4 to 32 letters or digits.")
                .Text(body.Name, "name", 100)
                .Require(body.IdNumber is null || body.IdNumber.Length is >= 4 and <= 32, "idNumber", "idNumber must be 4 to 32 characters.")
                .Require(body.Phone is null || (body.Phone.Length is >= 8 and <= 20 && body.Phone.All(c => char.IsAsciiDigit(c) || c == '+')), "phone", "phone must be 8 to 20 digits.")
                .ThrowIfInvalid();
            var id = Ids.New("ch");
            var view = await grains.GetGrain<ICardHolderGrain>(GrainKeys.For(tenantId, id)).Register(new RegisterCardHolder(
                (body.MedicalRecordNumber ?? body.MedicalCardNumber!).Trim(), body.Name!.Trim(), "patient", body.MedicalCardNumber!, body.IdNumber, body.Phone, null, clock.GetUtcNow()));
            return TypedResults.Created($"/api/v1/tenants/{tenantId}/hospital/patients/{id}",
                new { view.Id, view.Name, medicalCardNumber = view.CardNumber, medicalRecordNumber = view.ExternalId, view.IdNumber, view.Phone, view.Status });
        });

        patients.MapGet("/{id}", async (string tenantId, string id, HttpContext http, HospitalDesk desk) =>
        {
            http.RequireTenantAccess(tenantId, Roles.TenantReaders);
            return TypedResults.Ok(await desk.Patient(tenantId, id).Get());
        });

        patients.MapPost("/{id}/payments", async (string tenantId, string id, PayOrdersRequest body, HttpContext http, HospitalDesk desk) =>
        {
            http.RequireTenantAccess(tenantId, Roles.CardOffice);
            var key = IdempotencyTicket.RequireKey(http.Request);
            return (await desk.PayOrders(tenantId, id, body.OrderIds ?? [], body.Tender ?? "", $"cashier:{http.UserName()}", "tenant", key)).ToResult();
        });

        patients.MapPost("/{id}/deposits", async (string tenantId, string id, DepositRequest body, HttpContext http, HospitalDesk desk) =>
        {
            http.RequireTenantAccess(tenantId, Roles.CardOffice);
            var key = IdempotencyTicket.RequireKey(http.Request);
            return (await desk.PayIntoDeposit(tenantId, id, body.Amount ?? 0, body.Channel ?? "", $"cashier:{http.UserName()}", "tenant", key)).ToResult();
        });

        patients.MapPost("/{id}/credit-care", async (string tenantId, string id, CreditCareRequest body, HttpContext http, HospitalDesk desk, Marten.IDocumentStore store, TimeProvider clock) =>
        {
            http.RequireTenantAccess(tenantId, [Roles.TenantAdmin, Roles.Finance, Roles.Cashier]);
            var settings = await HospitalSettings.Load(store, tenantId);
            new Validation()
                .Require(body.Limit is null or (> 0 and <= Validation.MaxAmount) && (body.Limit ?? 0) <= settings.CreditLimit, "limit", $"limit must be fen up to the hospital's credit limit ({settings.CreditLimit}).")
                .Require(body.LinkedChannel is null || Payments.Gateway.PaymentChannels.All.Contains(body.LinkedChannel), "linkedChannel", "linkedChannel must be a payment channel.")
                .ThrowIfInvalid();
            return TypedResults.Ok(await desk.Patient(tenantId, id).EnrollCreditCare(body.Limit ?? settings.CreditLimit, body.LinkedChannel, clock.GetUtcNow()));
        });

        patients.MapPost("/{id}/credit-care/repayments", async (string tenantId, string id, ChannelRequest body, HttpContext http, HospitalDesk desk) =>
        {
            http.RequireTenantAccess(tenantId, Roles.CardOffice);
            var key = IdempotencyTicket.RequireKey(http.Request);
            return (await desk.RepayCredit(tenantId, id, body.Channel ?? "", $"cashier:{http.UserName()}", "tenant", key)).ToResult();
        });

        // The insurer's answer to a claim, as the finance office records it.
        patients.MapPost("/{id}/orders/{orderId}/insurance", async (string tenantId, string id, string orderId, InsuranceRequest body, HttpContext http, HospitalDesk desk, TimeProvider clock) =>
        {
            http.RequireTenantAccess(tenantId, [Roles.TenantAdmin, Roles.Finance]);
            new Validation().OneOf(body.Outcome, "outcome", "settled", "rejected").ThrowIfInvalid();
            return TypedResults.Ok(await desk.Patient(tenantId, id).Insurance(orderId, body.Outcome == "settled", body.Reason ?? body.Outcome!, clock.GetUtcNow()));
        });

        patients.MapPost("/{id}/discharge", async (string tenantId, string id, HttpContext http, HospitalDesk desk, RefundRunner refunds, Marten.IDocumentStore store, TimeProvider clock) =>
        {
            http.RequireTenantAccess(tenantId, [Roles.TenantAdmin, Roles.Finance, Roles.Cashier]);
            var key = IdempotencyTicket.RequireKey(http.Request);
            var ticket = IdempotencyTicket.For("tenant", key, "discharge", id);
            var reply = await IdempotentRequest.Run(store, tenantId, ticket, () => desk.Patient(tenantId, id).Discharge(http.UserName(), ticket, clock.GetUtcNow()));
            await refunds.Drive(tenantId, id, http.UserName());
            return reply.ToResult();
        });
    }
}
