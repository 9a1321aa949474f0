using System.Net;
using System.Text.RegularExpressions;
using SceneFinance.Tests.Infrastructure;
using static SceneFinance.Tests.Hospital.HospitalScenario;

namespace SceneFinance.Tests.Hospital;

/// <summary>
/// The patient's own view (issue 15 item 5): a patient signs in with the phone the hospital registered and an SMS code, and reads
/// their own visits, orders, payments, receipts, refunds, deposit, credit line and ready reports, and nobody else's. The HIS says
/// which reports are ready, signed and idempotent on its report id.
/// </summary>
[Collection(SharedGatewayApp.Name)]
public sealed class PatientOwnViewSpecs(GatewayApp app)
{
    static string Phone() => "186" + Random.Shared.NextInt64(10_000_000, 99_999_999);

    /// <summary>Asks for a code, reads it from the sandbox's phone (the simulated SMS channel), and signs in with it.</summary>
    static async Task<(string Token, Answer SignedIn)> SignIn(HospitalScenario h, string phone)
    {
        (await h.Api.Post("/api/v1/auth/one-time-codes", new { phone }, null)).Expect(HttpStatusCode.OK);
        var outbox = await h.Api.Http.GetStringAsync($"/simulator/messages?to={phone}");
        var code = Regex.Match(outbox, "验证码 (\\d{6})");
        Assert.True(code.Success, "the phone received a code: " + outbox);
        var signedIn = (await h.Api.Post("/api/v1/auth/phone-token", new { phone, code = code.Groups[1].Value }, null)).Expect(HttpStatusCode.OK);
        return (Str(signedIn["accessToken"]), signedIn);
    }

    [Fact]
    public async Task A_patient_signs_in_with_a_code_and_sees_their_own_records_at_both_hospitals_and_nobody_elses()
    {
        var (mine, theirs) = (Phone(), Phone());
        var h = await HospitalScenario.Start(app);
        var other = await HospitalScenario.Start(app);
        var (me, myCard) = await h.Patient("王芳 Wang Fang", mine);
        var (them, _) = await h.Patient("李雷 Li Lei", theirs);
        await other.Patient("王芳 Wang Fang", mine); // the same phone at a second hospital

        await h.Deposit(me, 10_000);
        var lab = await h.Order(me, 5_000, "lab", insured: 2_000, insurer: "city-insurance");
        var paid = (await h.CashierPay(me, "deposit", Str(lab["id"]))).Expect(HttpStatusCode.OK);
        var myPayment = Str(paid["paymentId"]);
        (await h.Refund(me, "order", 1_000, Str(lab["id"]))).Expect(HttpStatusCode.OK);
        (await h.Api.Post($"{h.H}/patients/{them}/credit-care", new { }, h.S.AdminToken)).Expect(HttpStatusCode.OK);
        var theirOrder = await h.Order(them, 2_000);
        var theirPayment = Str((await h.CashierPay(them, "credit", Str(theirOrder["id"]))).Expect(HttpStatusCode.OK)["paymentId"]);
        (await h.HisPost("/api/v1/his/reports", new { reportId = "R-" + me[^8..], medicalCardNumber = myCard, visitId = Str(lab["visitId"]), title = "血常规 Blood count" }))
            .Expect(HttpStatusCode.Created);

        var (token, signedIn) = await SignIn(h, mine);
        Assert.Equal([h.S.TenantId, other.S.TenantId], signedIn["tenantIds"].AsArray().Select(t => t!.GetValue<string>()).Order());
        Assert.Equal(["patient"], signedIn["roles"].AsArray().Select(r => r!.GetValue<string>()));

        var account = (await h.Api.Get($"{h.H}/my", token)).Expect(HttpStatusCode.OK);
        var patient = Assert.Single(account["patients"]!.AsArray())!;
        Assert.Equal("王芳 Wang Fang", Str(patient["name"]));
        Assert.Equal(myCard[^4..], Str(patient["medicalCardLast4"]));
        Assert.Equal(10_000 - 3_000 + 1_000, L(patient["deposit"]!["balance"])); // the refund of a deposit-paid order went back to the deposit
        Assert.DoesNotContain("李雷", account.Raw);

        var order = Assert.Single((await h.Api.Get($"{h.H}/my/orders", token)).Expect(HttpStatusCode.OK)["items"]!.AsArray())!["order"]!;
        Assert.Equal((2_000L, 3_000L), (L(order["insuredAmount"]), L(order["selfPayAmount"])));
        var visit = Assert.Single((await h.Api.Get($"{h.H}/my/visits", token)).Expect(HttpStatusCode.OK)["items"]!.AsArray())!;
        Assert.Equal((Str(lab["visitId"]), 2_000L, 3_000L), (Str(visit["visitId"]), L(visit["insuredAmount"]), L(visit["selfPayAmount"])));

        var payments = (await h.Api.Get($"{h.H}/my/payments?size=1", token)).Expect(HttpStatusCode.OK);
        Assert.Equal(2, L(payments["total"])); // the deposit paid in and the order paid from it, one per page
        Assert.Equal(myPayment, Str(Assert.Single(payments["items"]!.AsArray())!["id"])); // newest first
        Assert.Equal("deposit", Str((await h.Api.Get($"{h.H}/my/payments?page=1&size=1", token)).Expect(HttpStatusCode.OK)["items"]![0]!["purpose"]));
        var receipt = (await h.Api.Get($"{h.H}/my/payments/{myPayment}/receipt", token)).Expect(HttpStatusCode.OK);
        Assert.Equal((3_000L, 2_000L), (L(receipt["receipt"]!["amount"]), L(receipt["receipt"]!["lines"]![0]!["insuredAmount"])));
        Assert.Equal(7_000, L(receipt["receipt"]!["depositBalance"])); // the account as it was after that payment
        var refund = Assert.Single((await h.Api.Get($"{h.H}/my/refunds", token)).Expect(HttpStatusCode.OK)["items"]!.AsArray())!;
        Assert.Equal(1_000, L(refund["amount"]));
        Assert.Null(refund["requestedBy"]); // who at the hospital asked is not the patient's to see
        var report = Assert.Single((await h.Api.Get($"{h.H}/my/reports", token)).Expect(HttpStatusCode.OK)["items"]!.AsArray())!;
        Assert.Equal("血常规 Blood count", Str(report["title"]));

        // Nobody else's: another patient's payment, and the staff routes (which take patient ids) are refused.
        (await h.Api.Get($"{h.H}/my/payments/{theirPayment}/receipt", token)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        (await h.Api.Get($"{h.H}/patients/{them}", token)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await h.Api.Get($"{h.H}/patients/{me}", token)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await h.Api.Post($"{h.H}/patients/{me}/refunds", new { kind = "deposit", amount = 100, reason = "mine" }, token, "k-1")).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        var third = await HospitalScenario.Start(app);
        (await h.Api.Get($"{third.H}/my", token)).ExpectProblem(HttpStatusCode.NotFound, "not_found"); // a hospital the sign-in did not name
        (await h.Api.Get($"{h.H}/my/orders?size=0", token)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");

        // The second hospital shows its own record of the same phone (nothing charged there yet).
        var there = (await h.Api.Get($"{other.H}/my", token)).Expect(HttpStatusCode.OK);
        Assert.Equal(0, L(Assert.Single(there["patients"]!.AsArray())!["dueAmount"]));
        Assert.Equal(0, L((await h.Api.Get($"{other.H}/my/payments", token)).Expect(HttpStatusCode.OK)["total"]));

        // The other patient signs in and sees only theirs; staff have no "my" view.
        var (theirToken, _) = await SignIn(h, theirs);
        var theirView = (await h.Api.Get($"{h.H}/my", theirToken)).Expect(HttpStatusCode.OK);
        Assert.Equal("李雷 Li Lei", Str(Assert.Single(theirView["patients"]!.AsArray())!["name"]));
        Assert.Equal(0, L((await h.Api.Get($"{h.H}/my/reports", theirToken)).Expect(HttpStatusCode.OK)["total"]));
        (await h.Api.Get($"{h.H}/my/payments/{myPayment}/receipt", theirToken)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        (await h.Api.Get($"{h.H}/my", await h.S.UserToken("cashier"))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task The_HIS_says_a_report_is_ready_signed_and_idempotent_on_its_report_id()
    {
        var h = await HospitalScenario.Start(app);
        var (patient, card) = await h.Patient("张三 Zhang San", Phone());
        var body = new { reportId = "RPT-1", medicalCardNumber = card, visitId = "V-7", title = "胸部CT Chest CT" };
        var first = (await h.HisPost("/api/v1/his/reports", body)).Expect(HttpStatusCode.Created);
        Assert.Equal((patient, "V-7"), (Str(first["patientId"]), Str(first["visitId"])));
        var again = (await h.HisPost("/api/v1/his/reports", body)).Expect(HttpStatusCode.Created);
        Assert.Equal(first.Raw, again.Raw); // the same entry replays its first answer (readyAt too)
        (await h.HisPost("/api/v1/his/reports", body with { title = "another report" })).ExpectProblem(HttpStatusCode.Conflict, "idempotency_conflict");
        (await h.HisPost("/api/v1/his/reports", body, secret: "wrong")).ExpectProblem(HttpStatusCode.Unauthorized, "signature_invalid");
        (await h.KioskPost("/api/v1/his/reports", body)).ExpectProblem(HttpStatusCode.Unauthorized, "signature_invalid"); // a kiosk is not the HIS
        (await h.HisPost("/api/v1/his/reports", body with { reportId = "RPT-2", title = new string('x', 101) })).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        (await h.HisPost("/api/v1/his/reports", new { reportId = "RPT-3", visitId = "V-7", title = "t", readyAt = DateTimeOffset.UtcNow.AddDays(1) }))
            .ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        (await h.HisPost("/api/v1/his/reports", body with { reportId = "RPT-4", medicalCardNumber = Scenario.NewCardNumber() })).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        // Another hospital's HIS cannot name this hospital's patient.
        var other = await HospitalScenario.Start(app);
        (await other.HisPost("/api/v1/his/reports", body with { reportId = "RPT-5" })).ExpectProblem(HttpStatusCode.NotFound, "not_found");
    }
}
