using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Payments.Gateway;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Tenancy;
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
/// Card numbers travel in bodies, never in paths (paths end up in logs).
/// </summary>
public static class KioskEndpoints
{
    /// <summary>The QR code a patient's phone shows for the medical card (e-medical card): <c>sfp:{patientId}</c>.</summary>
    public const string QrPrefix = "sfp:";

    public static void MapKiosk(this IEndpointRouteBuilder api)
    {
        var kiosk = api.MapGroup("/kiosk").WithTags("Hospital kiosk");

        kiosk.MapPost("/patients/identify", async (HttpContext http, TerminalSignature signature, IGrainFactory grains, HospitalDesk desk) =>
        {
            var (terminal, body) = await Kiosk(http, signature, grains);
            var r = HospitalJson.Parse<IdentifyRequest>(body);
            var id = await Identify(grains, terminal.TenantId, r);
            return TypedResults.Ok(await desk.Patient(terminal.TenantId, id).Get());
        });

        kiosk.MapPost("/payments", async (HttpContext http, TerminalSignature signature, IGrainFactory grains, HospitalDesk desk) =>
        {
            var (terminal, body) = await Kiosk(http, signature, grains);
            var key = IdempotencyTicket.RequireKey(http.Request);
            var r = HospitalJson.Parse<KioskPayRequest>(body);
            new Validation().Text(r.PatientId, "patientId", 64).ThrowIfInvalid();
            return (await desk.PayOrders(terminal.TenantId, r.PatientId!, r.OrderIds ?? [], r.Tender ?? "", $"kiosk:{terminal.TerminalId}", $"terminal/{terminal.TerminalId}", key)).ToResult();
        });

        kiosk.MapPost("/deposits", async (HttpContext http, TerminalSignature signature, IGrainFactory grains, HospitalDesk desk) =>
        {
            var (terminal, body) = await Kiosk(http, signature, grains);
            var key = IdempotencyTicket.RequireKey(http.Request);
            var r = HospitalJson.Parse<KioskDepositRequest>(body);
            new Validation().Text(r.PatientId, "patientId", 64).ThrowIfInvalid();
            return (await desk.PayIntoDeposit(terminal.TenantId, r.PatientId!, r.Amount ?? 0, r.Channel ?? "", $"kiosk:{terminal.TerminalId}", $"terminal/{terminal.TerminalId}", key)).ToResult();
        });

        // A kiosk shows the QR code and polls here until the wallet app has paid.
        kiosk.MapGet("/payment-intents/{intentId}", async (string intentId, HttpContext http, TerminalSignature signature, IGrainFactory grains, IPaymentGateway gateway) =>
        {
            var (terminal, _) = await Kiosk(http, signature, grains);
            var intent = await gateway.Retrieve(terminal.TenantId, intentId);
            if (intent is null || intent.Purpose.Kind is not (HospitalPurposes.Orders or HospitalPurposes.Deposit or HospitalPurposes.Credit))
                throw ProblemException.NotFound("The payment intent");
            return TypedResults.Ok(intent);
        });

        kiosk.MapGet("/clinic-slots", async (HttpContext http, TerminalSignature signature, IGrainFactory grains, IDocumentStore store, TimeProvider clock) =>
        {
            var (terminal, _) = await Kiosk(http, signature, grains);
            return TypedResults.Ok(new { items = await ClinicSlotEndpoints.Open(store, terminal.TenantId, clock.GetUtcNow()) });
        });

        kiosk.MapPost("/registrations", async (HttpContext http, TerminalSignature signature, IGrainFactory grains, HospitalDesk desk) =>
        {
            var (terminal, body) = await Kiosk(http, signature, grains);
            var key = IdempotencyTicket.RequireKey(http.Request);
            var r = HospitalJson.Parse<KioskRegisterRequest>(body);
            new Validation().Text(r.PatientId, "patientId", 64).Text(r.SlotId, "slotId", 64).ThrowIfInvalid();
            var registration = await desk.Register(terminal.TenantId, r.PatientId!, r.SlotId!, $"kiosk:{terminal.TerminalId}", $"terminal/{terminal.TerminalId}", key);
            return TypedResults.Created((string?)null, registration);
        });
    }

    /// <summary>A signed request from an active kiosk of the tenant; a till or a gate may not use the kiosk routes.</summary>
    public static async Task<(TerminalCredentials Terminal, byte[] Body)> Kiosk(HttpContext http, TerminalSignature signature, IGrainFactory grains)
    {
        var (terminal, body) = await signature.Verify(http.Request);
        var view = await grains.GetGrain<IMerchantTerminalGrain>(GrainKeys.For(terminal.TenantId, terminal.TerminalId)).Get();
        if (view is not { Kind: "kiosk" }) throw new ProblemException(403, ErrorCodes.Forbidden, "Only a self-pay kiosk may use these routes.");
        if (view.Status != "active") throw new ProblemException(409, ErrorCodes.TerminalDisabled, "This kiosk is disabled.");
        return (terminal, body);
    }

    public static async Task<string> Identify(IGrainFactory grains, string tenantId, IdentifyRequest r)
    {
        new Validation()
            .Require(r.MedicalCardNumber is { Length: >= 4 and <= 32 } || r.QrCode is { Length: > 4 } q && q.StartsWith(QrPrefix, StringComparison.Ordinal),
                "medicalCardNumber", "Swipe the medical card or scan its QR code.")
            .ThrowIfInvalid();
        return r.QrCode is { } qr
            ? await HisOrderEndpoints.Patients(grains, tenantId, qr[QrPrefix.Length..], null)
            : await HisOrderEndpoints.Patients(grains, tenantId, null, r.MedicalCardNumber);
    }
}
