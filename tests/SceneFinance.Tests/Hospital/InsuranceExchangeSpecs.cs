using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SceneFinance.Scenes.Hospital.Insuring;
using SceneFinance.Tests.Infrastructure;
using static SceneFinance.Tests.Hospital.HospitalScenario;

namespace SceneFinance.Tests.Hospital;

/// <summary>
/// The insurance exchange end to end: the HIS posts an insured order, the patient pays their part, the claim goes to the (sandbox)
/// insurer once, and the insurer's signed answer settles, partly settles or rejects the insurer's part, exactly once.
/// </summary>
[Collection(SharedGatewayApp.Name)]
public sealed class InsuranceExchangeSpecs(GatewayApp app)
{
    InsurerSimulator Simulator => app.Services.GetRequiredService<InsurerSimulator>();

    async Task<(HospitalScenario H, string Patient, string Order)> PaidInsuredOrder(long amount = 20_000, long insured = 14_000)
    {
        var h = await HospitalScenario.Start(app);
        var (patient, _) = await h.Patient("张三丰");
        await h.Deposit(patient, 50_000);
        var order = await h.Order(patient, amount, "imaging", insured: insured, insurer: "nhsa");
        (await h.CashierPay(patient, "deposit", Str(order["id"]))).Expect(HttpStatusCode.OK);
        return (h, patient, Str(order["id"]));
    }

    static JsonNode OrderOf(JsonNode account, string orderId) => account["orders"]!.AsArray().First(o => Str(o!["id"]) == orderId)!;

    async Task<Answer> Post(SignedInsurerAnswer signed)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, InsuranceNotifications.Path) { Content = new StringContent(signed.Body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in signed.Headers) request.Headers.Add(name, value);
        using var response = await app.Api().Http.SendAsync(request);
        return await Answer.From(response);
    }

    [Fact]
    public async Task An_insurer_partly_approving_a_claim_settles_its_approval_and_the_patient_owes_the_difference()
    {
        var (h, patient, order) = await PaidInsuredOrder();
        var claim = await h.ClaimUntil(order);
        Assert.Equal(InsuranceClaims.ClaimNo(h.S.TenantId, order), Str(claim["id"]));
        Assert.Equal((14_000L, "张**", "nhsa"), (L(claim["claimed"]), Str(claim["patientName"]), Str(claim["insurerId"])));
        // The simulated insurer received it once, under the claim number.
        Assert.Equal((14_000L, "PENDING"), ((await Simulator.Find(Str(claim["id"])))!.ClaimAmount, (await Simulator.Find(Str(claim["id"])))!.Status));

        var answered = await h.InsurerAnswers(order, "PARTIAL", 10_000);
        Assert.Equal(("partly_approved", 10_000L), (Str(answered["status"]), L(answered["approved"])));
        var o = OrderOf(await h.Account(patient), order);
        Assert.Equal(("partly_settled", "unpaid", 4000L, 10_000L), (Str(o["insurance"]), Str(o["status"]), L(o["dueAmount"]), L(o["insurerApprovedAmount"])));
        var tb = await h.S.TrialBalance();
        Assert.Equal(0, tb.Account("insurer-receivable:nhsa"));
        Assert.Equal(10_000, tb.Account("clearing:insurer-nhsa"));
        Assert.Equal(-16_000, tb.Account("hospital-payable")); // 6,000 self-pay + 10,000 from the insurer so far

        // The patient pays the difference; the hospital is owed the whole order, the insurer's part is not booked again.
        (await h.CashierPay(patient, "deposit", order)).Expect(HttpStatusCode.OK);
        tb = await h.S.TrialBalance();
        Assert.Equal(-20_000, tb.Account("hospital-payable"));
        Assert.Equal(0, tb.Account("insurer-receivable:nhsa"));
        Assert.Equal(-(50_000 - 10_000), tb.Account($"patient:{patient}:deposit"));
        Assert.Single((await h.Api.Get($"{h.H}/insurance-claims", h.S.AdminToken)).Expect(HttpStatusCode.OK)["items"]!.AsArray());
    }

    [Fact]
    public async Task A_rejected_claim_reopens_the_insurers_part_as_due_from_the_patient()
    {
        var (h, patient, order) = await PaidInsuredOrder(10_000, 7000);
        var answered = await h.InsurerAnswers(order, "REJECTED");
        Assert.Equal(("rejected", 0L), (Str(answered["status"]), L(answered["approved"])));
        var o = OrderOf(await h.Account(patient), order);
        Assert.Equal(("rejected", 7000L), (Str(o["insurance"]), L(o["dueAmount"])));
        var tb = await h.S.TrialBalance();
        Assert.Equal(0, tb.Account("insurer-receivable:nhsa"));
        Assert.Equal(0, tb.Account("clearing:insurer-nhsa"));
        Assert.Equal(-3000, tb.Account("hospital-payable"));
        // A second answer from the simulator on an answered claim is refused; nothing moves.
        (await h.Api.Post($"{h.H}/insurance-claims/{Str(answered["id"])}/simulator-answer", new { result = "APPROVED" }, h.S.AdminToken))
            .ExpectProblem(HttpStatusCode.Conflict, "conflict");
        Assert.Equal(0, (await h.S.TrialBalance()).Account("clearing:insurer-nhsa"));
    }

    [Fact]
    public async Task A_replayed_signed_answer_is_applied_once_and_a_forged_one_is_refused()
    {
        var (h, patient, order) = await PaidInsuredOrder();
        var claimNo = Str((await h.ClaimUntil(order))["id"]);
        var held = (await Simulator.Find(claimNo))!;
        var answer = InsurerSimulator.AnswerOf(held, InsurerResults.Partial, 9000, "limit", DateTimeOffset.UtcNow);

        // Forged: the same answer signed with a key that is not the insurer's is refused, and nothing moves.
        (await Post(Simulator.Sign(answer, DateTimeOffset.UtcNow, RandomNumberGenerator.GetBytes(32)))).ExpectProblem(HttpStatusCode.Unauthorized, "signature_invalid");
        var tampered = Simulator.Sign(answer, DateTimeOffset.UtcNow);
        (await Post(tampered with { Body = tampered.Body.Replace("9000", "1") })).ExpectProblem(HttpStatusCode.Unauthorized, "signature_invalid");
        Assert.Equal("pending", Str(OrderOf(await h.Account(patient), order)["insurance"]));

        var signed = Simulator.Sign(answer, DateTimeOffset.UtcNow);
        var first = (await Post(signed)).Expect(HttpStatusCode.OK);
        Assert.Equal(("SUCCESS", claimNo), (Str(first["code"]), Str(first["claimNo"])));
        // The captured request sent again: its nonce is spent.
        (await Post(signed)).ExpectProblem(HttpStatusCode.Unauthorized, "signature_invalid");
        // The insurer delivering the same answer again (signed afresh): acknowledged, applied once.
        (await Post(Simulator.Sign(answer, DateTimeOffset.UtcNow))).Expect(HttpStatusCode.OK);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Post(Simulator.Sign(answer, DateTimeOffset.UtcNow))));

        var o = OrderOf(await h.Account(patient), order);
        Assert.Equal(("partly_settled", 5000L), (Str(o["insurance"]), L(o["dueAmount"])));
        var tb = await h.S.TrialBalance();
        Assert.Equal(9000, tb.Account("clearing:insurer-nhsa"));
        Assert.Equal(-(6000 + 9000), tb.Account("hospital-payable"));
        Assert.Equal(0, tb.Account("insurer-receivable:nhsa"));
        Assert.Equal("partly_approved", Str((await h.ClaimUntil(order, "partly_approved"))["status"]));
    }

    [Fact]
    public async Task Only_the_tenants_own_staff_answer_as_the_simulated_insurer_and_claims_list_and_export_per_tenant()
    {
        var (h, _, order) = await PaidInsuredOrder();
        var claimNo = Str((await h.ClaimUntil(order))["id"]);
        var other = await HospitalScenario.Start(app);
        var otherAdmin = await other.S.UserToken("tenant-admin");
        (await h.Api.Post($"{h.H}/insurance-claims/{claimNo}/simulator-answer", new { result = "APPROVED" }, otherAdmin)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        (await h.Api.Post($"{h.H}/insurance-claims/{claimNo}/simulator-answer", new { result = "APPROVED" }, await h.S.UserToken("auditor"))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await h.Api.Post($"{other.H}/insurance-claims/{claimNo}/simulator-answer", new { result = "APPROVED" }, otherAdmin)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        Assert.Empty((await h.Api.Get($"{other.H}/insurance-claims", otherAdmin)).Expect(HttpStatusCode.OK)["items"]!.AsArray());
        (await h.Api.Post($"{h.H}/insurance-claims/{claimNo}/simulator-answer", new { result = "PARTIAL" }, h.S.AdminToken)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        var cashier = await h.S.UserToken("cashier");
        Assert.Equal("approved", Str((await h.Api.Post($"{h.H}/insurance-claims/{claimNo}/simulator-answer", new { result = "APPROVED" }, cashier)).Expect(HttpStatusCode.OK)["status"]));
        Assert.Equal(14_000, (await h.S.TrialBalance()).Account("clearing:insurer-nhsa"));
    }

    [Fact]
    public async Task A_live_tenants_claims_wait_for_manual_entry_and_a_second_person_approves_it()
    {
        var h = await HospitalScenario.Start(app, mode: "live");
        var (patient, _) = await h.Patient("王五");
        (await h.Api.Post($"{h.H}/patients/{patient}/credit-care", new { }, h.S.AdminToken)).Expect(HttpStatusCode.OK);
        var order = Str((await h.Order(patient, 20_000, "imaging", insured: 14_000, insurer: "nhsa"))["id"]);
        (await h.CashierPay(patient, "credit", order)).Expect(HttpStatusCode.OK);

        // No insurer connection: the claim says so, the simulator does not stand in, and nothing it signs is taken for this tenant.
        var claim = await h.ClaimUntil(order, "manual");
        var claimNo = Str(claim["id"]);
        Assert.Null(await Simulator.Find(claimNo));
        (await h.Api.Post($"{h.H}/insurance-claims/{claimNo}/simulator-answer", new { result = "APPROVED" }, h.S.AdminToken)).ExpectProblem(HttpStatusCode.Conflict, "conflict");
        var forged = new SimulatedInsurerClaim { Id = claimNo, FixmedinsCode = h.S.TenantId, InsurerId = "nhsa", ClaimAmount = 14_000 };
        (await Post(Simulator.Sign(InsurerSimulator.AnswerOf(forged, InsurerResults.Approved, 14_000, null, DateTimeOffset.UtcNow), DateTimeOffset.UtcNow)))
            .ExpectProblem(HttpStatusCode.Unauthorized, "signature_invalid");

        // By hand: the insurer approved 100 of its 140 yuan; it waits for someone else, then the patient owes the 40.
        var asked = (await h.Api.Post($"{h.H}/patients/{patient}/orders/{order}/insurance", new { outcome = "partly_settled", approvedAmount = 10_000, reason = "paper answer" },
            h.S.AdminToken)).Expect(HttpStatusCode.Accepted);
        Assert.Equal(0, (await h.S.TrialBalance()).Account("clearing:insurer-nhsa"));
        (await h.Api.Post($"{h.S.Base}/approvals/{Str(asked["id"])}/approve", null, h.S.AdminToken)).ExpectProblem(HttpStatusCode.Forbidden, "second_approver_required");
        (await h.Api.Post($"{h.S.Base}/approvals/{Str(asked["id"])}/approve", null, await h.S.UserToken("finance"))).Expect(HttpStatusCode.OK);
        Assert.Equal(4000, L(OrderOf(await h.Account(patient), order)["dueAmount"]));
        var answered = await h.ClaimUntil(order, "partly_approved");
        Assert.Equal(10_000, L(answered["approved"]));
        var tb = await h.S.TrialBalance();
        Assert.Equal(10_000, tb.Account("clearing:insurer-nhsa"));
        Assert.Equal(0, tb.Account("insurer-receivable:nhsa"));
    }
}
