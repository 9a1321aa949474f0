using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Payments.Gateway;
using SceneFinance.Payments.Intents;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Storage;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Hospital.CashWindow;
using SceneFinance.Scenes.Hospital.Kiosk;
using SceneFinance.Scenes.Hospital.PayingOrders;
using SceneFinance.Scenes.Hospital.Refunding;
using SceneFinance.Scenes.Hospital.Settings;

namespace SceneFinance.Scenes.Hospital.Patients;

public sealed record RegisterPatientRequest(string? MedicalCardNumber, string? Name, string? IdNumber, string? Phone, string? MedicalRecordNumber);
public sealed record PayOrdersRequest(IReadOnlyList<string>? OrderIds, string? Tender);
public sealed record DepositRequest(long? Amount, string? Channel);
public sealed record CreditCareRequest(long? Limit, string? LinkedChannel);
public sealed record ChannelRequest(string? Channel);
/// <summary>The insurer's answer by hand: outcome settled, rejected or partly_settled (with <see cref="ApprovedAmount"/> in fen).</summary>
public sealed record InsuranceRequest(string? Outcome, string? Reason, long? ApprovedAmount = null);

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

        patients.MapPost("", async (string tenantId, RegisterPatientRequest body, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
                (await Register(http.User, grains, tenantId, body, clock.GetUtcNow())).ToCreated(p => $"/api/v1/tenants/{tenantId}/hospital/patients/{p.Id}"))
            .Doc("registerPatient", "Register a patient",
                "A patient is a card holder of kind patient whose card is the medical card 就诊卡; the answer shows the card and ID number by their last 4.")
            .Problems(StatusCodes.Status409Conflict);

        patients.MapGet("/{id}", async (string tenantId, string id, HttpContext http, HospitalDesk desk) =>
                (await Account(http.User, desk, tenantId, id)).ToOk())
            .Doc("getPatientAccount", "Read a patient's account", "Orders with their insurer and self-pay parts, the deposit, credit care and refunds.");

        patients.MapPost("/{id}/payments", async (string tenantId, string id, PayOrdersRequest body, HttpContext http, HospitalDesk desk, IDocumentStore store) =>
            {
                http.RequireTenantAccess(tenantId, Roles.CardOffice);
                return (await Pay(http.User, desk, store, tenantId, id, IdempotencyTicket.RequireKey(http.Request), body)).ToPayment(IntentLocation(tenantId));
            })
            .Doc("payPatientOrders", "Pay orders at the cashier window",
                "From the deposit, on credit care or in cash (tender cash, into the caller's open cashier shift; 409 no_open_shift without one): 200 with a receipt. "
                + "Through a channel: 201 with a payment intent (its QR code and checkout link).")
            .Idempotent();

        patients.MapPost("/{id}/deposits", async (string tenantId, string id, DepositRequest body, HttpContext http, HospitalDesk desk) =>
            {
                http.RequireTenantAccess(tenantId, Roles.CardOffice);
                return (await PayIntoDeposit(http.User, desk, tenantId, id, IdempotencyTicket.RequireKey(http.Request), body)).ToCreated(i => IntentLocation(tenantId)(i.Id));
            })
            .Doc("payIntoDeposit", "Pay into the inpatient deposit through a channel", "201 with a payment intent; the deposit grows when the channel confirms.")
            .Idempotent();

        patients.MapPost("/{id}/credit-care", async (string tenantId, string id, CreditCareRequest body, HttpContext http, HospitalDesk desk, IDocumentStore store, TimeProvider clock) =>
                (await EnrollCreditCare(http.User, desk, store, tenantId, id, body, clock.GetUtcNow())).ToOk())
            .Doc("enrollInCreditCare", "Enrol a patient in credit care (pay after treatment)", "The limit is at most the hospital's; a linked channel is asked at night for what the deposit cannot cover.");

        patients.MapPost("/{id}/credit-care/repayments", async (string tenantId, string id, ChannelRequest body, HttpContext http, HospitalDesk desk) =>
            {
                http.RequireTenantAccess(tenantId, Roles.CardOffice);
                return (await RepayCredit(http.User, desk, tenantId, id, IdempotencyTicket.RequireKey(http.Request), body)).ToCreated(i => IntentLocation(tenantId)(i.Id));
            })
            .Doc("repayCreditCare", "Pay open credit care charges through a channel", "201 with a payment intent for what is owed; 409 when nothing is.")
            .Idempotent();

        // The insurer's answer typed in by hand: the exchange's fallback, which waits for a second person (Insuring/ManualInsurance).
        patients.MapPost("/{id}/orders/{orderId}/insurance", async (string tenantId, string id, string orderId, InsuranceRequest body, HttpContext http, HospitalDesk desk,
                    StreamWriters writers, TimeProvider clock) =>
                (await Insuring.ManualInsurance.Request(http.User, desk, writers, tenantId, id, orderId, body, clock.GetUtcNow())).ToPendingApproval(tenantId))
            .Doc("recordInsurance", "Enter the insurer's answer on an order by hand (asks a second person)",
                "settled: the insurer paid its part; rejected: the patient now owes it (the order is due again); partly_settled with approvedAmount: the "
                + "insurer paid that much, the patient owes the rest. 202 with a pending approval (kind insurance-manual): the account records it once a "
                + "tenant admin or finance person other than the asker approves it (/approvals/{id}/approve). 409 when the insurer's part was answered already.")
            .Problems(StatusCodes.Status409Conflict);

        patients.MapPost("/{id}/discharge", async (string tenantId, string id, HttpContext http, HospitalDesk desk, RefundRunner refunds, IDocumentStore store, TimeProvider clock) =>
            {
                http.RequireTenantAccess(tenantId, CreditCareStaff);
                return (await Discharge(http.User, desk, refunds, store, tenantId, id, IdempotencyTicket.RequireKey(http.Request), clock.GetUtcNow())).ToOk();
            })
            .Doc("dischargePatient", "Discharge settlement",
                "The deposit's remainder goes back to the channels that paid it, most recent first; once per patient (409 after). Above the refund " +
                "approval threshold the answer's status is pending_approval and its refund waits for a second person (approve it like any refund).")
            .Idempotent();

        patients.MapPost("/{id}/qr-codes", async (string tenantId, string id, HttpContext http, HospitalDesk desk, PatientQrCodes codes) =>
                (await IssueQrCode(http.User, desk, codes, tenantId, id)).ToOk())
            .Doc("issuePatientQrCode", "Issue an e-medical card QR code",
                "A signed code naming this patient that a kiosk of this hospital accepts for a few minutes (expiresAt); the patient shows it instead of the card.");
    }

    static Func<string, string> IntentLocation(string tenantId) => intentId => $"/api/v1/tenants/{tenantId}/payment-intents/{intentId}";

    // The functions below are the slice: the routes above and the admin shell's pages both call them, so access,
    // validation and idempotency are the same whichever door a person comes through. Keys are the Idempotency-Key
    // header's, or the one a page holds for the operation its person means to make.

    public static async Task<Outcome<PatientResponse>> Register(ClaimsPrincipal user, IGrainFactory grains, string tenantId, RegisterPatientRequest body, DateTimeOffset now)
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
        return (await grains.GetGrain<ICardHolderGrain>(GrainKeys.For(tenantId, id)).Register(new RegisterCardHolder(
                (body.MedicalRecordNumber ?? body.MedicalCardNumber!).Trim(), body.Name!.Trim(), "patient", body.MedicalCardNumber!, body.IdNumber, body.Phone, null, now)))
            .Map(v => new PatientResponse(v.Id, v.Name, v.CardNumber, v.ExternalId, v.IdNumber, v.Phone, v.Status));
    }

    /// <summary>The account: orders with their insurer and self-pay parts, the deposit, credit care, refunds.</summary>
    public static Task<Outcome<PatientAccountView>> Account(ClaimsPrincipal user, HospitalDesk desk, string tenantId, string id)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        return desk.Patient(tenantId, id, p => p.Get());
    }

    /// <summary>Pays orders at the cashier window: a receipt (deposit, credit, cash into the cashier's open shift), or a payment intent (a channel's QR).</summary>
    public static async Task<Outcome<HospitalPayment>> Pay(ClaimsPrincipal user, HospitalDesk desk, IDocumentStore store, string tenantId, string id, string key, PayOrdersRequest body)
    {
        user.RequireTenantAccess(tenantId, Roles.CardOffice);
        string? shiftId = null;
        if (body.Tender == Tenders.Cash)
        {
            var shift = await CashierShifts.RequireOpenShift(store, tenantId, user);
            if (shift.Refusal is { } none) return none;
            shiftId = shift.Value;
        }
        return await desk.PayOrders(tenantId, id, body.OrderIds ?? [], body.Tender ?? "", $"cashier:{user.Who()}", "tenant", key, shiftId);
    }

    public static Task<Outcome<PaymentIntentView>> PayIntoDeposit(ClaimsPrincipal user, HospitalDesk desk, string tenantId, string id, string key, DepositRequest body)
    {
        user.RequireTenantAccess(tenantId, Roles.CardOffice);
        return desk.PayIntoDeposit(tenantId, id, body.Amount ?? 0, body.Channel ?? "", $"cashier:{user.Who()}", "tenant", key);
    }

    public static async Task<Outcome<PatientAccountView>> EnrollCreditCare(ClaimsPrincipal user, HospitalDesk desk, IDocumentStore store, string tenantId, string id,
        CreditCareRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, CreditCareStaff);
        var settings = await HospitalSettings.Load(store, tenantId);
        new Validation()
            .Require(body.Limit is null or (> 0 and <= Validation.MaxAmount) && (body.Limit ?? 0) <= settings.CreditLimit, "limit", $"limit must be fen up to the hospital's credit limit ({settings.CreditLimit}).")
            .Require(body.LinkedChannel is null || PaymentChannels.All.Contains(body.LinkedChannel), "linkedChannel", "linkedChannel must be a payment channel.")
            .ThrowIfInvalid();
        return await desk.Patient(tenantId, id, p => p.EnrollCreditCare(body.Limit ?? settings.CreditLimit, body.LinkedChannel, now));
    }

    public static Task<Outcome<PaymentIntentView>> RepayCredit(ClaimsPrincipal user, HospitalDesk desk, string tenantId, string id, string key, ChannelRequest body)
    {
        user.RequireTenantAccess(tenantId, Roles.CardOffice);
        return desk.RepayCredit(tenantId, id, body.Channel ?? "", $"cashier:{user.Who()}", "tenant", key);
    }

    /// <summary>A fresh e-medical card QR code for a patient of this hospital (the card office prints or shows it).</summary>
    public static async Task<Outcome<PatientQrCode>> IssueQrCode(ClaimsPrincipal user, HospitalDesk desk, PatientQrCodes codes, string tenantId, string id)
    {
        user.RequireTenantAccess(tenantId, Roles.CardOffice);
        return (await desk.Patient(tenantId, id, p => p.Get())).Map(_ => codes.Issue(tenantId, id));
    }

    /// <summary>Discharge settlement: the deposit's remainder back to the channels that paid it; once per key (and once per patient).</summary>
    public static async Task<Outcome<DischargeView>> Discharge(ClaimsPrincipal user, HospitalDesk desk, RefundRunner refunds, IDocumentStore store, string tenantId, string id,
        string key, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, CreditCareStaff);
        var ticket = IdempotencyTicket.For("tenant", key, "discharge", id);
        var threshold = (await HospitalSettings.Load(store, tenantId)).RefundApprovalThreshold;
        var discharged = await desk.Patient(tenantId, id, p => p.Discharge(user.UserId(), user.Who(), threshold, ticket, now));
        if (!discharged.Refused) await refunds.Drive(tenantId, id, user.Who());
        return discharged;
    }
}

public static class StaffNames
{
    /// <summary>Who is signed in, as the account's events record it.</summary>
    public static string Who(this ClaimsPrincipal user) => user.Identity?.Name ?? "anonymous";
}
