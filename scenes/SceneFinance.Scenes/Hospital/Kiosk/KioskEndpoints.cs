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
public sealed record KioskPayRequest(string? PatientId, IReadOnlyList<string>? OrderIds, string? Tender);
public sealed record KioskDepositRequest(string? PatientId, long? Amount, string? Channel);
public sealed record KioskRegisterRequest(string? PatientId, string? SlotId);

/// <summary>
/// The self-pay kiosk's API (signed by a terminal of kind <c>kiosk</c>): identify the patient by medical card or QR code,
/// see what is due, pay from the deposit, on credit care or by QR through the gateway, pay into the deposit, register.
/// Card numbers travel in bodies, never in paths (paths end up in logs). The kiosk pages call the same desk functions.
/// </summary>
public static class KioskEndpoints
{
    /// <summary>The QR code a patient's phone shows for the medical card (e-medical card): <c>sfp:{patientId}</c>.</summary>
    public const string QrPrefix = "sfp:";

    public static void MapKiosk(this IEndpointRouteBuilder api)
    {
        // Every kiosk route: 403 for a terminal that is not a kiosk, 409 terminal_disabled for a disabled one.
        var kiosk = api.MapGroup("/kiosk").WithTags("Hospital").Caller(CallerKind.Terminal);

        kiosk.MapPost("/patients/identify", async (HttpContext http, TerminalSignature signature, IGrainFactory grains, HospitalDesk desk) =>
            {
                var (terminal, body) = await Kiosk(http, signature, grains);
                var found = await Identify(grains, terminal.TenantId, JsonBody.Parse<IdentifyRequest>(body));
                return (await found.Then(id => desk.Patient(terminal.TenantId, id, p => p.Get()))).ToOk();
            })
            .Doc("identifyKioskPatient", "Kiosk: identify the patient by medical card or its QR code",
                "The account: what is due (orders with insurer and self-pay parts), the deposit and credit care.")
            .SignedBody<IdentifyRequest>()
            .Problems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);

        kiosk.MapPost("/payments", async (HttpContext http, TerminalSignature signature, IGrainFactory grains, HospitalDesk desk) =>
            {
                var (terminal, body) = await Kiosk(http, signature, grains);
                var key = IdempotencyTicket.RequireKey(http.Request);
                var r = JsonBody.Parse<KioskPayRequest>(body);
                new Validation().Text(r.PatientId, "patientId", 64).ThrowIfInvalid();
                return (await desk.PayOrders(terminal.TenantId, r.PatientId!, r.OrderIds ?? [], r.Tender ?? "", Source(terminal.TerminalId), Scope(terminal.TerminalId), key))
                    .ToPayment(IntentLocation);
            })
            .Doc("payAtKiosk", "Kiosk: pay orders",
                "From the deposit or on credit care: 200 with a receipt. Through a channel: 201 with a payment intent whose QR code the kiosk shows.")
            .SignedBody<KioskPayRequest>()
            .Idempotent()
            .Problems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);

        kiosk.MapPost("/deposits", async (HttpContext http, TerminalSignature signature, IGrainFactory grains, HospitalDesk desk) =>
            {
                var (terminal, body) = await Kiosk(http, signature, grains);
                var key = IdempotencyTicket.RequireKey(http.Request);
                var r = JsonBody.Parse<KioskDepositRequest>(body);
                new Validation().Text(r.PatientId, "patientId", 64).ThrowIfInvalid();
                return (await desk.PayIntoDeposit(terminal.TenantId, r.PatientId!, r.Amount ?? 0, r.Channel ?? "", Source(terminal.TerminalId), Scope(terminal.TerminalId), key))
                    .ToCreated(i => IntentLocation(i.Id));
            })
            .Doc("payIntoDepositAtKiosk", "Kiosk: pay into the inpatient deposit through a channel", "201 with a payment intent to scan.")
            .SignedBody<KioskDepositRequest>()
            .Idempotent()
            .Problems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);

        kiosk.MapGet("/payment-intents/{intentId}", async (string intentId, HttpContext http, TerminalSignature signature, IGrainFactory grains, IPaymentGateway gateway) =>
            {
                var (terminal, _) = await Kiosk(http, signature, grains);
                return (await HospitalIntent(gateway, terminal.TenantId, intentId)).ToOk();
            })
            .Doc("getKioskPaymentIntent", "Kiosk: read a hospital payment intent", "Its status while the patient pays by QR code; fulfilled once the account has the money.")
            .Problems(StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict);

        kiosk.MapGet("/clinic-slots", async (HttpContext http, TerminalSignature signature, IGrainFactory grains, IDocumentStore store, TimeProvider clock) =>
            {
                var (terminal, _) = await Kiosk(http, signature, grains);
                return TypedResults.Ok(new ClinicSlotList(await ClinicSlotEndpoints.Open(store, terminal.TenantId, clock.GetUtcNow())));
            })
            .Doc("listKioskClinicSlots", "Kiosk: clinic sessions open for registration")
            .Problems(StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict);

        kiosk.MapPost("/registrations", async (HttpContext http, TerminalSignature signature, IGrainFactory grains, HospitalDesk desk) =>
            {
                var (terminal, body) = await Kiosk(http, signature, grains);
                var key = IdempotencyTicket.RequireKey(http.Request);
                var r = JsonBody.Parse<KioskRegisterRequest>(body);
                new Validation().Text(r.PatientId, "patientId", 64).Text(r.SlotId, "slotId", 64).ThrowIfInvalid();
                return (await desk.Register(terminal.TenantId, r.PatientId!, r.SlotId!, Source(terminal.TerminalId), Scope(terminal.TerminalId), key)).ToCreatedWithin();
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

    /// <summary>The patient behind a swiped medical card or a scanned e-medical card QR code.</summary>
    public static async Task<Outcome<string>> Identify(IGrainFactory grains, string tenantId, IdentifyRequest r)
    {
        if (!(r.MedicalCardNumber is { Length: >= 4 and <= 32 } || r.QrCode is { Length: > 4 } q && q.StartsWith(QrPrefix, StringComparison.Ordinal)))
            return Refusal.Invalid("medicalCardNumber", "Swipe the medical card or scan its QR code.");
        return r.QrCode is { } qr
            ? await HisOrderEndpoints.FindPatient(grains, tenantId, qr[QrPrefix.Length..], null)
            : await HisOrderEndpoints.FindPatient(grains, tenantId, null, r.MedicalCardNumber);
    }

    /// <summary>A payment intent of the hospital's (another scene's intents are not the kiosk's to see).</summary>
    public static async Task<Outcome<PaymentIntentView>> HospitalIntent(IPaymentGateway gateway, string tenantId, string intentId) =>
        await gateway.Retrieve(tenantId, intentId) is { } intent && HospitalPurposes.All.Contains(intent.Purpose.Kind)
            ? intent
            : Refusal.NotFound("The payment intent");
}
