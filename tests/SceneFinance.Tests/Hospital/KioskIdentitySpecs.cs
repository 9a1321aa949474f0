using System.Net;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using SceneFinance.Scenes.Hospital.Kiosk;
using SceneFinance.Tests.Infrastructure;
using static SceneFinance.Tests.Hospital.HospitalScenario;

namespace SceneFinance.Tests.Hospital;

/// <summary>
/// Issue 11: a kiosk acts only for the patient whose medical card was swiped or whose e-medical card QR code (a signed token
/// that expires) was scanned, through a short visit bound to that kiosk; no kiosk request names a patient by a bare id.
/// </summary>
[Collection(SharedGatewayApp.Name)]
public sealed class KioskIdentitySpecs(GatewayApp app)
{
    [Fact]
    public async Task A_bare_patient_id_as_a_QR_code_identifies_nobody()
    {
        var h = await HospitalScenario.Start(app);
        var (patient, _) = await h.Patient();
        (await h.KioskPost("/api/v1/kiosk/patients/identify", new { qrCode = "sfp:" + patient })).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        (await h.KioskPost("/api/v1/kiosk/patients/identify", new { qrCode = patient })).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        var genuine = await h.QrCode(patient);
        (await h.KioskPost("/api/v1/kiosk/patients/identify", new { qrCode = genuine[..^2] + (genuine[^2] == 'A' ? "B" : "A") + genuine[^1] }))
            .ExpectProblem(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(patient, Str((await h.KioskPost("/api/v1/kiosk/patients/identify", new { qrCode = genuine })).Expect(HttpStatusCode.OK)["account"]!["patientId"]));
    }

    [Fact]
    public async Task An_expired_QR_code_or_another_hospitals_is_refused()
    {
        var h = await HospitalScenario.Start(app);
        var other = await HospitalScenario.Start(app);
        var (patient, _) = await h.Patient();
        var codes = app.Services.GetRequiredService<PatientQrCodes>();
        var expired = codes.Issue(h.S.TenantId, patient, DateTimeOffset.UtcNow.AddSeconds(-1)).QrCode;
        (await h.KioskPost("/api/v1/kiosk/patients/identify", new { qrCode = expired })).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        // Genuine and fresh, but this hospital's: another hospital's kiosk does not know it.
        (await other.KioskPost("/api/v1/kiosk/patients/identify", new { qrCode = await h.QrCode(patient) })).ExpectProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Another_patients_id_at_a_kiosk_is_refused_and_nothing_moves()
    {
        var h = await HospitalScenario.Start(app);
        var (mine, card) = await h.Patient("甲 Mine");
        var (theirs, _) = await h.Patient("乙 Theirs");
        await h.Deposit(theirs, 10_000, "alipay");
        var order = await h.Order(theirs, 3000);
        var slot = (await h.Api.Post($"{h.H}/clinic-slots", new { department = "内科", doctor = "王医生", startsAt = DateTimeOffset.UtcNow.AddHours(2), fee = 1500, capacity = 5 }, h.S.AdminToken))
            .Expect(HttpStatusCode.Created);
        var visit = Str((await h.KioskPost("/api/v1/kiosk/patients/identify", new { medicalCardNumber = card })).Expect(HttpStatusCode.OK)["visitId"]);

        // The contract's patientId is kept beside the visit, but must be the visit's patient.
        (await h.KioskPost("/api/v1/kiosk/payments", new { visitId = visit, patientId = theirs, orderIds = new[] { Str(order["id"]) }, tender = "deposit" }, "p-1"))
            .ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await h.KioskPost("/api/v1/kiosk/deposits", new { visitId = visit, patientId = theirs, amount = 1000, channel = "alipay" }, "d-1"))
            .ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await h.KioskPost("/api/v1/kiosk/registrations", new { visitId = visit, patientId = theirs, slotId = Str(slot["id"]) }, "r-1"))
            .ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        // A patient id alone (the old shape) names nobody.
        (await h.KioskPost("/api/v1/kiosk/payments", new { patientId = theirs, orderIds = new[] { Str(order["id"]) }, tender = "deposit" }, "p-2"))
            .ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        // Another patient's order through my own visit is not mine to pay.
        (await h.KioskPost("/api/v1/kiosk/payments", new { visitId = visit, orderIds = new[] { Str(order["id"]) }, tender = "deposit" }, "p-3")).ExpectProblem(HttpStatusCode.NotFound, "not_found");

        var account = await h.Account(theirs);
        Assert.Equal(3000, L(account["dueAmount"]));
        Assert.Equal(10_000, L(account["deposit"]!["balance"]));
        Assert.Equal(0, (int)(await h.Api.Get($"{h.H}/clinic-slots", h.S.AdminToken)).Expect(HttpStatusCode.OK)["items"]!.AsArray()[0]!["taken"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_visit_is_the_kiosks_own_and_ends_with_done_or_when_it_lapses()
    {
        var h = await HospitalScenario.Start(app);
        var (patient, _) = await h.Patient();
        await h.Deposit(patient, 10_000, "alipay");
        var order = await h.Order(patient, 1000);
        var visit = await h.VisitOf(patient);
        var intent = (await h.KioskPost("/api/v1/kiosk/payments", new { visitId = visit, orderIds = new[] { Str(order["id"]) }, tender = "wechat-pay" }, "q-1")).Expect(HttpStatusCode.Created);

        // Another kiosk of the same hospital cannot use this kiosk's visit, nor read its patient's payment.
        var neighbour = new HospitalScenario { S = h.S, His = h.His, App = app, Kiosk = await h.S.Terminal("kiosk") };
        (await neighbour.KioskPost("/api/v1/kiosk/payments", new { visitId = visit, orderIds = new[] { Str(order["id"]) }, tender = "deposit" }, "q-2"))
            .ExpectProblem(HttpStatusCode.NotFound, "not_found");
        (await neighbour.KioskGet($"/api/v1/kiosk/payment-intents/{Str(intent["id"])}?visitId={visit}")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        (await h.KioskGet($"/api/v1/kiosk/payment-intents/{Str(intent["id"])}")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        // Another patient's visit at this kiosk does not read it either.
        var (stranger, _) = await h.Patient();
        (await h.KioskGet($"/api/v1/kiosk/payment-intents/{Str(intent["id"])}?visitId={await h.VisitOf(stranger)}")).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        (await h.KioskGet($"/api/v1/kiosk/payment-intents/{Str(intent["id"])}?visitId={visit}")).Expect(HttpStatusCode.OK);

        (await h.KioskPost("/api/v1/kiosk/visits/end", new { visitId = visit })).Expect(HttpStatusCode.NoContent);
        (await h.KioskPost("/api/v1/kiosk/payments", new { visitId = visit, orderIds = new[] { Str(order["id"]) }, tender = "deposit" }, "q-3"))
            .ExpectProblem(HttpStatusCode.NotFound, "not_found");

        // A visit left alone lapses.
        var idle = await h.VisitOf(patient);
        await using (var session = app.Services.GetRequiredService<IDocumentStore>().LightweightSession(h.S.TenantId))
        {
            var stored = await session.LoadAsync<KioskVisit>(idle);
            stored!.ExpiresAt = DateTimeOffset.UtcNow.AddSeconds(-1);
            session.Store(stored);
            await session.SaveChangesAsync();
        }
        (await h.KioskPost("/api/v1/kiosk/payments", new { visitId = idle, orderIds = new[] { Str(order["id"]) }, tender = "deposit" }, "q-4"))
            .ExpectProblem(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(1000, L((await h.Account(patient))["dueAmount"]));
    }
}
