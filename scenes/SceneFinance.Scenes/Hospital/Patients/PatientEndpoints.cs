using System.Security.Claims;
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

/// <summary>A registered patient as the card office sees it: the medical card and ID number by their last 4 only.</summary>
public sealed record PatientResponse(string Id, string Name, string MedicalCardNumber, string MedicalRecordNumber, string? IdNumber, string? Phone, string Status);

/// <summary>The cashier window and the finance office: patients, their accounts, payments, deposits, credit care, insurance, discharge.</summary>
public static class PatientEndpoints
{
    public static readonly string[] CreditCareStaff = [Roles.TenantAdmin, Roles.Finance, Roles.Cashier];
    public static readonly string[] InsuranceStaff = [Roles.TenantAdmin, Roles.Finance];

    public static void MapPatients(this IEndpointRouteBuilder hospital)
    {
        var patients = hospital.MapGroup("/patients");

        // A patient is a card holder of kind "patient" whose card is the medical card 就诊卡.
        patients.MapPost("", async (string tenantId, RegisterPatientRequest body, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
        {
            var patient = await Register(http.User, grains, tenantId, body, clock.GetUtcNow());
            return TypedResults.Created($"/api/v1/tenants/{tenantId}/hospital/patients/{patient.Id}", patient);
        });

        patients.MapGet("/{id}", async (string tenantId, string id, HttpContext http, HospitalDesk desk) =>
            TypedResults.Ok(await Account(http.User, desk, tenantId, id)));

        patients.MapPost("/{id}/payments", async (string tenantId, string id, PayOrdersRequest body, HttpContext http, HospitalDesk desk) =>
        {
            http.RequireTenantAccess(tenantId, Roles.CardOffice);
            return (await Pay(http.User, desk, tenantId, id, IdempotencyTicket.RequireKey(http.Request), body)).ToResult();
        });

        patients.MapPost("/{id}/deposits", async (string tenantId, string id, DepositRequest body, HttpContext http, HospitalDesk desk) =>
        {
            http.RequireTenantAccess(tenantId, Roles.CardOffice);
            return (await PayIntoDeposit(http.User, desk, tenantId, id, IdempotencyTicket.RequireKey(http.Request), body)).ToResult();
        });

        patients.MapPost("/{id}/credit-care", async (string tenantId, string id, CreditCareRequest body, HttpContext http, HospitalDesk desk, Marten.IDocumentStore store, TimeProvider clock) =>
            TypedResults.Ok(await EnrollCreditCare(http.User, desk, store, tenantId, id, body, clock.GetUtcNow())));

        patients.MapPost("/{id}/credit-care/repayments", async (string tenantId, string id, ChannelRequest body, HttpContext http, HospitalDesk desk) =>
        {
            http.RequireTenantAccess(tenantId, Roles.CardOffice);
            return (await RepayCredit(http.User, desk, tenantId, id, IdempotencyTicket.RequireKey(http.Request), body)).ToResult();
        });

        // The insurer's answer to a claim, as the finance office records it.
        patients.MapPost("/{id}/orders/{orderId}/insurance", async (string tenantId, string id, string orderId, InsuranceRequest body, HttpContext http, HospitalDesk desk, TimeProvider clock) =>
            TypedResults.Ok(await RecordInsurance(http.User, desk, tenantId, id, orderId, body, clock.GetUtcNow())));

        patients.MapPost("/{id}/discharge", async (string tenantId, string id, HttpContext http, HospitalDesk desk, RefundRunner refunds, Marten.IDocumentStore store, TimeProvider clock) =>
        {
            http.RequireTenantAccess(tenantId, CreditCareStaff);
            return (await Discharge(http.User, desk, refunds, store, tenantId, id, IdempotencyTicket.RequireKey(http.Request), clock.GetUtcNow())).ToResult();
        });
    }

    // The functions below are the slice: the routes above and the admin shell's pages both call them, so access,
    // validation and idempotency are the same whichever door a person comes through. Keys are the Idempotency-Key
    // header's, or the one a page holds for the operation its person means to make.

    public static async Task<PatientResponse> Register(ClaimsPrincipal user, IGrainFactory grains, string tenantId, RegisterPatientRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, Roles.CardOffice);
        await grains.FindTenant(tenantId).OrThrow();
        new Validation()
            .Require(body.MedicalCardNumber is { Length: >= 4 and <= 32 } c && c.All(char.IsAsciiLetterOrDigit), "medicalCardNumber", "medicalCardNumber must be 4 to 32 letters or digits.")
            .Text(body.Name, "name", 100)
            .Require(body.IdNumber is null || body.IdNumber.Length is >= 4 and <= 32, "idNumber", "idNumber must be 4 to 32 characters.")
            .Require(body.Phone is null || (body.Phone.Length is >= 8 and <= 20 && body.Phone.All(c => char.IsAsciiDigit(c) || c == '+')), "phone", "phone must be 8 to 20 digits.")
            .ThrowIfInvalid();
        var id = Ids.New("ch");
        var view = await grains.GetGrain<ICardHolderGrain>(GrainKeys.For(tenantId, id)).Register(new RegisterCardHolder(
            (body.MedicalRecordNumber ?? body.MedicalCardNumber!).Trim(), body.Name!.Trim(), "patient", body.MedicalCardNumber!, body.IdNumber, body.Phone, null, now)).OrThrow();
        return new PatientResponse(view.Id, view.Name, view.CardNumber, view.ExternalId, view.IdNumber, view.Phone, view.Status);
    }

    /// <summary>The account: orders with their insurer and self-pay parts, the deposit, credit care, refunds.</summary>
    public static async Task<PatientAccountView> Account(ClaimsPrincipal user, HospitalDesk desk, string tenantId, string id)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        return await desk.Patient(tenantId, id).Get();
    }

    /// <summary>Pays orders at the cashier window: <c>200</c> receipt (deposit, credit), <c>201</c> payment intent (a channel's QR).</summary>
    public static Task<Reply> Pay(ClaimsPrincipal user, HospitalDesk desk, string tenantId, string id, string key, PayOrdersRequest body)
    {
        user.RequireTenantAccess(tenantId, Roles.CardOffice);
        return desk.PayOrders(tenantId, id, body.OrderIds ?? [], body.Tender ?? "", $"cashier:{user.Who()}", "tenant", key);
    }

    public static Task<Reply> PayIntoDeposit(ClaimsPrincipal user, HospitalDesk desk, string tenantId, string id, string key, DepositRequest body)
    {
        user.RequireTenantAccess(tenantId, Roles.CardOffice);
        return desk.PayIntoDeposit(tenantId, id, body.Amount ?? 0, body.Channel ?? "", $"cashier:{user.Who()}", "tenant", key);
    }

    public static async Task<PatientAccountView> EnrollCreditCare(ClaimsPrincipal user, HospitalDesk desk, Marten.IDocumentStore store, string tenantId, string id,
        CreditCareRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, CreditCareStaff);
        var settings = await HospitalSettings.Load(store, tenantId);
        new Validation()
            .Require(body.Limit is null or (> 0 and <= Validation.MaxAmount) && (body.Limit ?? 0) <= settings.CreditLimit, "limit", $"limit must be fen up to the hospital's credit limit ({settings.CreditLimit}).")
            .Require(body.LinkedChannel is null || Payments.Gateway.PaymentChannels.All.Contains(body.LinkedChannel), "linkedChannel", "linkedChannel must be a payment channel.")
            .ThrowIfInvalid();
        return await desk.Patient(tenantId, id).EnrollCreditCare(body.Limit ?? settings.CreditLimit, body.LinkedChannel, now);
    }

    public static Task<Reply> RepayCredit(ClaimsPrincipal user, HospitalDesk desk, string tenantId, string id, string key, ChannelRequest body)
    {
        user.RequireTenantAccess(tenantId, Roles.CardOffice);
        return desk.RepayCredit(tenantId, id, body.Channel ?? "", $"cashier:{user.Who()}", "tenant", key);
    }

    public static async Task<OrderView> RecordInsurance(ClaimsPrincipal user, HospitalDesk desk, string tenantId, string id, string orderId, InsuranceRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, InsuranceStaff);
        new Validation().OneOf(body.Outcome, "outcome", "settled", "rejected").ThrowIfInvalid();
        return await desk.Patient(tenantId, id).Insurance(orderId, body.Outcome == "settled", body.Reason ?? body.Outcome!, now);
    }

    /// <summary>Discharge settlement: the deposit's remainder back to the channels that paid it; once per key (and once per patient).</summary>
    public static async Task<Reply> Discharge(ClaimsPrincipal user, HospitalDesk desk, RefundRunner refunds, Marten.IDocumentStore store, string tenantId, string id,
        string key, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, CreditCareStaff);
        var ticket = IdempotencyTicket.For("tenant", key, "discharge", id);
        var reply = await IdempotentRequest.Run(store, tenantId, ticket, () => desk.Patient(tenantId, id).Discharge(user.Who(), ticket, now));
        await refunds.Drive(tenantId, id, user.Who());
        return reply;
    }
}

public static class StaffNames
{
    /// <summary>Who is signed in, as the account's events record it.</summary>
    public static string Who(this ClaimsPrincipal user) => user.Identity?.Name ?? "anonymous";
}
