using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Payments.Gateway;
using SceneFinance.Payments.Intents;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Hospital.Patients;
using SceneFinance.Scenes.Hospital.PayingOrders;
using SceneFinance.Scenes.Hospital.PostingOrders;
using SceneFinance.Scenes.Hospital.Registering;
using SceneFinance.Scenes.Terminals;

namespace SceneFinance.Scenes.Hospital.Kiosk;

public sealed record IdentifyRequest(string? MedicalCardNumber, string? QrCode);
/// <summary><c>patientId</c> may be named beside the visit (older kiosks); it must then be the visit's patient.</summary>
public sealed record KioskPayRequest(string? VisitId, IReadOnlyList<string>? OrderIds, string? Tender, string? PatientId = null);
public sealed record KioskDepositRequest(string? VisitId, long? Amount, string? Channel, string? PatientId = null);
public sealed record KioskRegisterRequest(string? VisitId, string? SlotId, string? PatientId = null);
public sealed record KioskVisitRequest(string? VisitId);

/// <summary>A patient identified at a kiosk: the visit to name in every later request, and the account.</summary>
public sealed record KioskPatientView(string VisitId, DateTimeOffset ExpiresAt, PatientAccountView Account);

/// <summary>
/// The self-pay kiosk's API (signed by a terminal of kind <c>kiosk</c>): identify the patient by medical card or e-medical
/// card QR code (a signed token that expires), which starts a short visit bound to that kiosk and patient; then, naming the
/// visit (never a patient id: a patient id named beside it must be the visit's own), see what is due, pay from the deposit, on credit care or by QR through the gateway, pay into the deposit, register.
/// Card numbers travel in bodies, never in paths (paths end up in logs). The kiosk pages call the same desk functions.
/// </summary>
public static class KioskEndpoints
{
    public static void MapKiosk(this IEndpointRouteBuilder api)
    {
        // Every kiosk route: 403 for a terminal that is not a kiosk, 409 terminal_disabled for a disabled one.
        var kiosk = api.MapGroup("/kiosk").WithTags("Hospital").Caller(CallerKind.Terminal);

        kiosk.MapPost("/patients/identify", async (HttpContext http, TerminalSignature signature, IGrainFactory grains, HospitalDesk desk, PatientQrCodes codes, KioskVisits visits) =>
            {
                var (terminal, body) = await Kiosk(http, signature, grains);
                return (await Visit(grains, codes, visits, desk, terminal.TenantId, terminal.TerminalId, JsonBody.Parse<IdentifyRequest>(body))).ToOk();
            })
            .Doc("identifyKioskPatient", "Kiosk: identify the patient by medical card or e-medical card QR code",
                "Starts a short visit of this kiosk for that patient (visitId, expiresAt; later kiosk requests name it) and answers the account: " +
                "what is due (orders with insurer and self-pay parts), the deposit and credit care. A QR code is the signed token the hospital issues " +
                "(it expires after a few minutes); an expired, forged or other hospital's code is not found.")
            .SignedBody<IdentifyRequest>()
            .Problems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);

        kiosk.MapPost("/payments", async (HttpContext http, TerminalSignature signature, IGrainFactory grains, HospitalDesk desk, KioskVisits visits) =>
            {
                var (terminal, body) = await Kiosk(http, signature, grains);
                var key = IdempotencyTicket.RequireKey(http.Request);
                var r = JsonBody.Parse<KioskPayRequest>(body);
                new Validation().Text(r.VisitId, "visitId", 64).ThrowIfInvalid();
                return (await (await visits.Patient(terminal.TenantId, terminal.TerminalId, r.VisitId, r.PatientId))
                        .Then(patientId => desk.PayOrders(terminal.TenantId, patientId, r.OrderIds ?? [], r.Tender ?? "", Source(terminal.TerminalId), Scope(terminal.TerminalId), key)))
                    .ToPayment(IntentLocation);
            })
            .Doc("payAtKiosk", "Kiosk: pay orders",
                "From the deposit or on credit care: 200 with a receipt. Through a channel: 201 with a payment intent whose QR code the kiosk shows.")
            .SignedBody<KioskPayRequest>()
            .Idempotent()
            .Problems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);

        kiosk.MapPost("/deposits", async (HttpContext http, TerminalSignature signature, IGrainFactory grains, HospitalDesk desk, KioskVisits visits) =>
            {
                var (terminal, body) = await Kiosk(http, signature, grains);
                var key = IdempotencyTicket.RequireKey(http.Request);
                var r = JsonBody.Parse<KioskDepositRequest>(body);
                new Validation().Text(r.VisitId, "visitId", 64).ThrowIfInvalid();
                return (await (await visits.Patient(terminal.TenantId, terminal.TerminalId, r.VisitId, r.PatientId))
                        .Then(patientId => desk.PayIntoDeposit(terminal.TenantId, patientId, r.Amount ?? 0, r.Channel ?? "", Source(terminal.TerminalId), Scope(terminal.TerminalId), key)))
                    .ToCreated(i => IntentLocation(i.Id));
            })
            .Doc("payIntoDepositAtKiosk", "Kiosk: pay into the inpatient deposit through a channel", "201 with a payment intent to scan.")
            .SignedBody<KioskDepositRequest>()
            .Idempotent()
            .Problems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);

        kiosk.MapGet("/payment-intents/{intentId}", async (string intentId, string? visitId, HttpContext http, TerminalSignature signature, IGrainFactory grains, IPaymentGateway gateway, KioskVisits visits) =>
            {
                var (terminal, _) = await Kiosk(http, signature, grains);
                return (await (await visits.Patient(terminal.TenantId, terminal.TerminalId, visitId))
                    .Then(patientId => HospitalIntent(gateway, terminal.TenantId, intentId, patientId))).ToOk();
            })
            .Doc("getKioskPaymentIntent", "Kiosk: read a hospital payment intent of the visit's patient",
                "Its status while the patient pays by QR code; fulfilled once the account has the money. `visitId` (query) names the visit; another patient's intent is not found.")
            .Problems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);

        kiosk.MapPost("/visits/end", async (HttpContext http, TerminalSignature signature, IGrainFactory grains, KioskVisits visits) =>
            {
                var (terminal, body) = await Kiosk(http, signature, grains);
                var r = JsonBody.Parse<KioskVisitRequest>(body);
                new Validation().Text(r.VisitId, "visitId", 64).ThrowIfInvalid();
                await visits.End(terminal.TenantId, terminal.TerminalId, r.VisitId!);
                return TypedResults.NoContent();
            })
            .Doc("endKioskVisit", "Kiosk: end the patient's visit", "The patient tapped Done: the visit names nobody any more (204, also for a visit already ended).")
            .SignedBody<KioskVisitRequest>()
            .Problems(StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict);

        kiosk.MapGet("/clinic-slots", async (HttpContext http, TerminalSignature signature, IGrainFactory grains, IDocumentStore store, TimeProvider clock) =>
            {
                var (terminal, _) = await Kiosk(http, signature, grains);
                return TypedResults.Ok(new ClinicSlotList(await ClinicSlotEndpoints.Open(store, terminal.TenantId, clock.GetUtcNow())));
            })
            .Doc("listKioskClinicSlots", "Kiosk: clinic sessions open for registration")
            .Problems(StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict);

        kiosk.MapPost("/registrations", async (HttpContext http, TerminalSignature signature, IGrainFactory grains, HospitalDesk desk, KioskVisits visits) =>
            {
                var (terminal, body) = await Kiosk(http, signature, grains);
                var key = IdempotencyTicket.RequireKey(http.Request);
                var r = JsonBody.Parse<KioskRegisterRequest>(body);
                new Validation().Text(r.VisitId, "visitId", 64).Text(r.SlotId, "slotId", 64).ThrowIfInvalid();
                return (await (await visits.Patient(terminal.TenantId, terminal.TerminalId, r.VisitId, r.PatientId))
                    .Then(patientId => desk.Register(terminal.TenantId, patientId, r.SlotId!, Source(terminal.TerminalId), Scope(terminal.TerminalId), key))).ToCreatedWithin();
            })
            .Doc("registerAtKiosk", "Kiosk: take a number in a clinic session",
                "201 with the queue number and its registration fee as an order to pay; 409 when the session is full or earlier credit care is unpaid (credit_unsettled).")
            .SignedBody<KioskRegisterRequest>()
            .Idempotent()
            .Problems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
    }

    static string IntentLocation(string intentId) => $"/api/v1/kiosk/payment-intents/{intentId}";

    /// <summary>Who took the money, as the day's report shows it.</summary>
    public static string Source(string kioskId) => $"kiosk:{kioskId}";

    /// <summary>A kiosk's idempotency keys are its own (like any terminal's).</summary>
    public static string Scope(string kioskId) => $"terminal/{kioskId}";

    /// <summary>A signed request from an active kiosk of the tenant; a till or a gate may not use the kiosk routes.</summary>
    public static async Task<(TerminalCredentials Terminal, byte[] Body)> Kiosk(HttpContext http, TerminalSignature signature, IGrainFactory grains)
    {
        var (terminal, body) = await signature.Verify(http.Request);
        var view = await grains.GetGrain<IMerchantTerminalGrain>(GrainKeys.For(terminal.TenantId, terminal.TerminalId)).Get();
        if (view is not { Kind: "kiosk" }) throw new ProblemException(403, ErrorCodes.Forbidden, "Only a self-pay kiosk may use these routes.");
        if (view.Status != "active") throw new ProblemException(409, ErrorCodes.TerminalDisabled, "This kiosk is disabled.");
        return (terminal, body);
    }

    /// <summary>
    /// The patient behind a swiped medical card or a scanned e-medical card QR code (the signed, expiring token: nothing else
    /// names a patient at a kiosk).
    /// </summary>
    public static async Task<Outcome<string>> Identify(IGrainFactory grains, PatientQrCodes codes, string tenantId, IdentifyRequest r)
    {
        if (r.QrCode is { Length: > 0 } qr)
            return codes.PatientOf(tenantId, qr) is { } patientId
                ? await HisOrderEndpoints.FindPatient(grains, tenantId, patientId, null)
                : Refusal.NotFound("The e-medical card (an expired or unknown QR code)");
        if (r.MedicalCardNumber is not { Length: >= 4 and <= 32 })
            return Refusal.Invalid("medicalCardNumber", "Swipe the medical card or scan its QR code.");
        return await HisOrderEndpoints.FindPatient(grains, tenantId, null, r.MedicalCardNumber);
    }

    /// <summary>Identifies the patient and starts this kiosk's visit for them, with their account.</summary>
    public static async Task<Outcome<KioskPatientView>> Visit(IGrainFactory grains, PatientQrCodes codes, KioskVisits visits, HospitalDesk desk,
        string tenantId, string terminalId, IdentifyRequest r) =>
        await (await Identify(grains, codes, tenantId, r)).Then<KioskPatientView>(async patientId =>
        {
            var account = await desk.Patient(tenantId, patientId, p => p.Get());
            if (account.Refusal is { } refused) return refused;
            var visit = await visits.Start(tenantId, terminalId, patientId);
            return new KioskPatientView(visit.VisitId, visit.ExpiresAt, account.Value!);
        });

    /// <summary>A payment intent of the hospital's for this patient (another scene's or another patient's is not the kiosk's to see).</summary>
    public static async Task<Outcome<PaymentIntentView>> HospitalIntent(IPaymentGateway gateway, string tenantId, string intentId, string patientId) =>
        await gateway.Retrieve(tenantId, intentId) is { } intent && HospitalPurposes.All.Contains(intent.Purpose.Kind) && intent.Purpose.TargetId == patientId
            ? intent
            : Refusal.NotFound("The payment intent");
}
