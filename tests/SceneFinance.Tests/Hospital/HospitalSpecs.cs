using System.Net;
using System.Text.Json.Nodes;
using SceneFinance.Platform.Security;
using SceneFinance.Tests.Infrastructure;
using static SceneFinance.Tests.Hospital.HospitalScenario;

namespace SceneFinance.Tests.Hospital;

[Collection(SharedGatewayApp.Name)]
public sealed class HospitalSpecs(GatewayApp app)
{
    [Fact]
    public async Task The_HIS_posts_orders_under_its_own_ids_idempotently_and_cancels_unpaid_ones()
    {
        var h = await HospitalScenario.Start(app);
        var (patient, card) = await h.Patient();
        var body = new { medicalCardNumber = card, visitId = "V1", hisOrderId = "LAB-1", kind = "lab", description = "血常规 blood count", amount = 3500 };
        var first = (await h.HisPost("/api/v1/his/orders", body)).Expect(HttpStatusCode.Created);
        Assert.Equal("unpaid", Str(first["status"]));
        Assert.Equal(3500, L(first["dueAmount"]));
        var again = (await h.HisPost("/api/v1/his/orders", body)).Expect(HttpStatusCode.Created);
        Assert.Equal(first.Raw, again.Raw);
        (await h.HisPost("/api/v1/his/orders", body with { amount = 3600 })).ExpectProblem(HttpStatusCode.Conflict, "idempotency_conflict");
        (await h.HisPost("/api/v1/his/orders", body, secret: "wrong")).ExpectProblem(HttpStatusCode.Unauthorized, "signature_invalid");
        (await h.HisPost("/api/v1/his/orders", body with { amount = 0, kind = "massage" })).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        // A kiosk is not the HIS: its credential does not sign HIS calls.
        (await h.KioskPost("/api/v1/his/orders", body)).ExpectProblem(HttpStatusCode.Unauthorized, "signature_invalid");

        var account = await h.Account(patient);
        Assert.Single(account["orders"]!.AsArray());
        Assert.Equal("************" + card[^4..], Str(account["medicalCardNumber"]));

        var canceled = (await h.HisPost("/api/v1/his/orders/LAB-1/cancel", new { reason = "doctor changed the order" })).Expect(HttpStatusCode.OK);
        Assert.Equal("canceled", Str(canceled["status"]));
        Assert.Equal(0, L((await h.Account(patient))["dueAmount"]));

        var paid = await h.Order(patient, 1200, hisOrderId: "DRUG-1");
        await h.Approve((await h.CashierPay(patient, "wechat-pay", Str(paid["id"]))).Expect(HttpStatusCode.Created).Body!);
        (await h.HisPost("/api/v1/his/orders/DRUG-1/cancel", new { })).ExpectProblem(HttpStatusCode.Conflict, "conflict");
    }

    [Fact]
    public async Task A_patient_pays_at_the_kiosk_from_the_deposit_and_by_QR_and_gets_a_receipt()
    {
        var h = await HospitalScenario.Start(app);
        var (patient, card) = await h.Patient();
        await h.Deposit(patient, 10_000, "alipay");
        var lab = await h.Order(patient, 3000);
        var xray = await h.Order(patient, 8000, "imaging");
        var drug = await h.Order(patient, 2500, "drug");

        var seen = (await h.KioskPost("/api/v1/kiosk/patients/identify", new { medicalCardNumber = card })).Expect(HttpStatusCode.OK);
        Assert.Equal(13_500, L(seen["account"]!["dueAmount"]));
        Assert.Equal(10_000, L(seen["account"]!["deposit"]!["balance"]));
        var visit = Str(seen["visitId"]);
        var byQr = (await h.KioskPost("/api/v1/kiosk/patients/identify", new { qrCode = await h.QrCode(patient) })).Expect(HttpStatusCode.OK);
        Assert.Equal(patient, Str(byQr["account"]!["patientId"]));

        var receipt = (await h.KioskPost("/api/v1/kiosk/payments", new { visitId = visit, orderIds = new[] { Str(lab["id"]), Str(drug["id"]) }, tender = "deposit" }, "k-1"))
            .Expect(HttpStatusCode.OK);
        Assert.Equal(5500, L(receipt["amount"]));
        Assert.Equal(4500, L(receipt["depositBalance"]));
        Assert.Equal(2, receipt["lines"].AsArray().Count);
        // Replayed, not paid twice.
        Assert.Equal(receipt.Raw, (await h.KioskPost("/api/v1/kiosk/payments", new { visitId = await h.VisitOf(patient), orderIds = new[] { Str(lab["id"]), Str(drug["id"]) }, tender = "deposit" }, "k-1")).Raw);
        (await h.KioskPost("/api/v1/kiosk/payments", new { visitId = visit, orderIds = new[] { Str(xray["id"]) }, tender = "deposit" }, "k-2"))
            .ExpectProblem(HttpStatusCode.Conflict, "insufficient_funds");
        (await h.KioskPost("/api/v1/kiosk/payments", new { visitId = visit, orderIds = new[] { Str(xray["id"]) }, tender = "deposit" })).ExpectProblem(HttpStatusCode.BadRequest, "idempotency_key_required");

        var intent = (await h.KioskPost("/api/v1/kiosk/payments", new { visitId = visit, orderIds = new[] { Str(xray["id"]) }, tender = "wechat-pay" }, "k-3"))
            .Expect(HttpStatusCode.Created);
        Assert.Equal(8000, L(intent["amount"]));
        Assert.False(string.IsNullOrEmpty(Str(intent["qrCode"])));
        await h.Approve(intent.Body!);
        var polled = (await h.KioskGet($"/api/v1/kiosk/payment-intents/{Str(intent["id"])}?visitId={visit}")).Expect(HttpStatusCode.OK);
        Assert.True(polled["fulfilled"].GetValue<bool>());

        var account = await h.Account(patient);
        Assert.All(account["orders"]!.AsArray(), o => Assert.Equal("paid", Str(o!["status"])));
        var xrayTender = Assert.Single(account["orders"]!.AsArray().First(o => Str(o!["id"]) == Str(xray["id"]))!["tenders"]!.AsArray());
        Assert.Equal("channel", Str(xrayTender!["tender"]));
        Assert.Equal("wechat-pay", Str(xrayTender["channel"]));

        var tb = await h.S.TrialBalance();
        Assert.Equal(-13_500, tb.Account("hospital-payable"));
        Assert.Equal(-4500, tb.Account($"patient:{patient}:deposit"));
        Assert.Equal(0, tb.Account("gateway-unapplied:wechat-pay"));
    }

    [Fact]
    public async Task An_insured_order_leaves_a_receivable_from_the_insurer_and_a_rejected_part_becomes_due_from_the_patient()
    {
        var h = await HospitalScenario.Start(app);
        var (patient, _) = await h.Patient();
        await h.Deposit(patient, 50_000);
        var settled = await h.Order(patient, 20_000, "imaging", insured: 14_000, insurer: "nhsa");
        var rejected = await h.Order(patient, 10_000, "drug", insured: 7_000, insurer: "nhsa");
        Assert.Equal(6000, L(settled["dueAmount"]));
        (await h.CashierPay(patient, "deposit", Str(settled["id"]), Str(rejected["id"]))).Expect(HttpStatusCode.OK);
        var tb = await h.S.TrialBalance();
        Assert.Equal(21_000, tb.Account("insurer-receivable:nhsa"));
        Assert.Equal(-30_000, tb.Account("hospital-payable"));

        // Entered by hand, each answer waits for a second person (tenant admin or finance, another user id) before it moves money.
        var finance = await h.S.UserToken("finance");
        var ok = (await h.Api.Post($"{h.H}/patients/{patient}/orders/{Str(settled["id"])}/insurance", new { outcome = "settled" }, h.S.AdminToken)).Expect(HttpStatusCode.Accepted);
        Assert.Equal(("insurance-manual", "pending"), (Str(ok["kind"]), Str(ok["status"])));
        (await h.Api.Post($"{h.S.Base}/approvals/{Str(ok["id"])}/approve", null, h.S.AdminToken)).ExpectProblem(HttpStatusCode.Forbidden, "second_approver_required");
        Assert.Equal("pending", Str((await h.Account(patient))["orders"]!.AsArray().First(o => Str(o!["id"]) == Str(settled["id"]))!["insurance"]));
        Assert.Equal(21_000, (await h.S.TrialBalance()).Account("insurer-receivable:nhsa"));
        (await h.Api.Post($"{h.S.Base}/approvals/{Str(ok["id"])}/approve", null, finance)).Expect(HttpStatusCode.OK);
        // Approved twice (two clicks): recorded once.
        (await h.Api.Post($"{h.S.Base}/approvals/{Str(ok["id"])}/approve", null, finance)).Expect(HttpStatusCode.OK);

        var no = (await h.Api.Post($"{h.H}/patients/{patient}/orders/{Str(rejected["id"])}/insurance", new { outcome = "rejected", reason = "not covered" }, finance)).Expect(HttpStatusCode.Accepted);
        (await h.Api.Post($"{h.S.Base}/approvals/{Str(no["id"])}/approve", null, h.S.AdminToken)).Expect(HttpStatusCode.OK);
        var orders = (await h.Account(patient))["orders"]!.AsArray();
        Assert.Equal("settled", Str(orders.First(o => Str(o!["id"]) == Str(settled["id"]))!["insurance"]));
        var reopened = orders.First(o => Str(o!["id"]) == Str(rejected["id"]))!;
        Assert.Equal(("unpaid", 7000L), (Str(reopened["status"]), L(reopened["dueAmount"])));
        // Answered already: asking again is refused before it reaches the queue.
        (await h.Api.Post($"{h.H}/patients/{patient}/orders/{Str(rejected["id"])}/insurance", new { outcome = "settled" }, h.S.AdminToken)).ExpectProblem(HttpStatusCode.Conflict, "conflict");
        (await h.CashierPay(patient, "deposit", Str(rejected["id"]))).Expect(HttpStatusCode.OK);

        tb = await h.S.TrialBalance();
        Assert.Equal(0, tb.Account("insurer-receivable:nhsa"));
        Assert.Equal(14_000, tb.Account("clearing:insurer-nhsa"));
        Assert.Equal(-30_000, tb.Account("hospital-payable"));
        Assert.Equal(-(50_000 - 16_000), tb.Account($"patient:{patient}:deposit"));
    }

    [Fact]
    public async Task Credit_care_settles_once_a_night_from_the_deposit_then_the_linked_channel_and_blocks_registration_until_paid()
    {
        var h = await HospitalScenario.Start(app, creditLimit: 30_000);
        var (patient, _) = await h.Patient();
        (await h.Api.Post($"{h.H}/patients/{patient}/credit-care", new { linkedChannel = "unionpay" }, h.S.AdminToken)).Expect(HttpStatusCode.OK);
        await h.Deposit(patient, 5000, "e-cny");
        var a = await h.Order(patient, 12_000);
        var b = await h.Order(patient, 20_000);
        (await h.CashierPay(patient, "credit", Str(a["id"]))).Expect(HttpStatusCode.OK);
        (await h.CashierPay(patient, "credit", Str(b["id"]))).ExpectProblem(HttpStatusCode.Conflict, "limit_exceeded");
        Assert.Equal(12_000, L((await h.Account(patient))["credit"]!["outstanding"]));

        var first = (await h.Api.Post($"{h.H}/credit-settlements", new { date = "2030-01-01" }, h.S.AdminToken)).Expect(HttpStatusCode.OK);
        var second = (await h.Api.Post($"{h.H}/credit-settlements", new { date = "2030-01-01" }, h.S.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal(1, first["settled"].GetValue<int>());
        Assert.Equal(5000, L(first["fromDeposit"]));
        Assert.Equal(0, second["settled"].GetValue<int>());
        var credit = (await h.Account(patient))["credit"]!;
        Assert.Equal(7000, L(credit["outstanding"]));
        Assert.True(credit["overdue"]!.GetValue<bool>());

        var slot = (await h.Api.Post($"{h.H}/clinic-slots", new { department = "内科 Internal medicine", doctor = "王医生 Dr Wang", startsAt = DateTimeOffset.UtcNow.AddHours(2), fee = 1500, capacity = 2 }, h.S.AdminToken)).Expect(HttpStatusCode.Created);
        (await h.KioskPost("/api/v1/kiosk/registrations", new { visitId = await h.VisitOf(patient), slotId = Str(slot["id"]) }, "r-1")).ExpectProblem(HttpStatusCode.Conflict, "credit_unsettled");

        // The night asked the linked channel once (both runs name the same request); the patient approves it.
        var intents = (await h.Api.Get($"{h.S.Base}/payment-intents", h.S.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray()
            .Where(i => Str(i!["channel"]) == "unionpay").ToList();
        var settlement = Assert.Single(intents);
        Assert.Equal(7000, L(settlement!["amount"]));
        await h.Approve(await h.S.Intent(Str(settlement["id"])));
        credit = (await h.Account(patient))["credit"]!;
        Assert.Equal(0, L(credit["outstanding"]));
        Assert.False(credit["overdue"]!.GetValue<bool>());

        var reg = (await h.KioskPost("/api/v1/kiosk/registrations", new { visitId = await h.VisitOf(patient), slotId = Str(slot["id"]) }, "r-2")).Expect(HttpStatusCode.Created);
        Assert.Equal(1, reg["queueNumber"].GetValue<int>());
        Assert.Equal(1500, L(reg["order"]!["dueAmount"]));
        var tb = await h.S.TrialBalance();
        Assert.Equal(0, tb.Account($"patient:{patient}:credit"));
        Assert.Equal(0, tb.Account($"patient:{patient}:deposit"));
    }

    [Fact]
    public async Task Refunds_go_back_to_their_tenders_capped_at_what_was_paid_with_a_second_approver_above_the_threshold()
    {
        var h = await HospitalScenario.Start(app, threshold: 5000);
        var (patient, _) = await h.Patient();
        await h.Deposit(patient, 3000, "alipay");
        var order = await h.Order(patient, 10_000, "drug");
        var id = Str(order["id"]);
        // One order paid by QR (WeChat Pay), another from the deposit (paid in by Alipay).
        var qr = (await h.CashierPay(patient, "wechat-pay", id)).Expect(HttpStatusCode.Created);
        await h.Approve(qr.Body!);
        var small = await h.Order(patient, 2000, "lab");
        (await h.CashierPay(patient, "deposit", Str(small["id"]))).Expect(HttpStatusCode.OK);

        var cashier = await h.S.UserToken(Roles.Cashier);
        var finance = await h.S.UserToken(Roles.Finance);
        // Small: the cashier refunds at once, back to the deposit the order was paid from.
        var r1 = (await h.Refund(patient, "order", 2000, Str(small["id"]), cashier)).Expect(HttpStatusCode.OK);
        Assert.Equal("executed", Str(r1["status"]));
        Assert.Equal("deposit", Str(r1["lines"]![0]!["tender"]));
        (await h.Refund(patient, "order", 1, Str(small["id"]), cashier)).ExpectProblem(HttpStatusCode.Conflict, "refund_exceeds_paid");

        // Large: waits for a second person; the asker may not approve it.
        var r2 = (await h.Refund(patient, "order", 9000, id, cashier, key: "big-1")).Expect(HttpStatusCode.Accepted);
        Assert.Equal("pending_approval", Str(r2["status"]));
        (await h.Api.Post($"{h.H}/patients/{patient}/refunds/{Str(r2["id"])}/approve", null, cashier)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        var financeSelf = (await h.Refund(patient, "order", 6000, id, finance)).Expect(HttpStatusCode.Accepted);
        (await h.Api.Post($"{h.H}/patients/{patient}/refunds/{Str(financeSelf["id"])}/approve", null, finance)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        var approved = (await h.Api.Post($"{h.H}/patients/{patient}/refunds/{Str(r2["id"])}/approve", null, finance)).Expect(HttpStatusCode.OK);
        Assert.Equal("executed", Str(approved["status"]));
        var line = Assert.Single(approved["lines"]!.AsArray());
        Assert.Equal("wechat-pay", Str(line!["channel"]));
        Assert.Equal("funded", Str(line["status"]));
        // The other pending one would now exceed what is left: approving it refuses it, nothing moves.
        var refused = (await h.Api.Post($"{h.H}/patients/{patient}/refunds/{Str(financeSelf["id"])}/approve", null, h.S.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal("refused", Str(refused["status"]));
        Assert.Equal(r2.Raw, (await h.Refund(patient, "order", 9000, id, cashier, key: "big-1")).Raw);

        var intent = await h.S.IntentUntil(Str(qr["id"]), i => i["refundedAmount"]!.GetValue<long>() == 9000);
        Assert.Equal(1000, L(intent["refundableAmount"]));
        var account = await h.Account(patient);
        Assert.Equal(9000, L(account["orders"]!.AsArray().First(o => Str(o!["id"]) == id)!["refundedAmount"]));
        Assert.Equal(3000, L(account["deposit"]!["balance"]));
        var tb = await h.S.TrialBalance();
        Assert.Equal(-1000, tb.Account("hospital-payable"));
        Assert.Equal(0, tb.Account($"patient:{patient}:refund-hold"));
        Assert.Equal(0, tb.Account("refunds-pending:wechat-pay"));
    }

    [Fact]
    public async Task Discharge_refunds_the_deposit_to_the_channels_that_paid_it_most_recent_first_once()
    {
        var h = await HospitalScenario.Start(app);
        var (patient, _) = await h.Patient();
        var older = await h.Deposit(patient, 30_000, "alipay");
        var newer = await h.Deposit(patient, 20_000, "wechat-pay");
        // Three days in hospital, drawn from the deposit by the HIS.
        for (var day = 1; day <= 3; day++)
        {
            var charge = await h.Order(patient, 9000, "bed", payFrom: "deposit");
            Assert.Equal("paid", Str(charge["status"]));
        }
        var discharged = (await h.Api.Post($"{h.H}/patients/{patient}/discharge", null, h.S.AdminToken, "dis-1")).Expect(HttpStatusCode.OK);
        Assert.Equal(23_000, L(discharged["refundedAmount"]));
        var lines = discharged["refund"]!["lines"]!.AsArray();
        Assert.Equal(newer, Str(lines[0]!["intentId"]));
        Assert.Equal(20_000, L(lines[0]!["amount"]));
        Assert.Equal(older, Str(lines[1]!["intentId"]));
        Assert.Equal(3000, L(lines[1]!["amount"]));
        Assert.Equal(discharged.Raw, (await h.Api.Post($"{h.H}/patients/{patient}/discharge", null, h.S.AdminToken, "dis-1")).Raw);
        (await h.Api.Post($"{h.H}/patients/{patient}/discharge", null, h.S.AdminToken, "dis-2")).ExpectProblem(HttpStatusCode.Conflict, "conflict");

        await h.S.IntentUntil(newer, i => L(i["refundedAmount"]) == 20_000);
        await h.S.IntentUntil(older, i => L(i["refundedAmount"]) == 3000);
        var tb = await h.S.TrialBalance();
        Assert.Equal(0, tb.Account($"patient:{patient}:deposit"));
        Assert.Equal(-27_000, tb.Account("hospital-payable"));
    }

    [Fact]
    public async Task The_daily_report_sums_the_day_by_source_channel_and_tender_and_exports_to_xlsx()
    {
        var h = await HospitalScenario.Start(app);
        var (patient, _) = await h.Patient();
        await h.Deposit(patient, 4000, "alipay");
        var o1 = await h.Order(patient, 1500);
        var o2 = await h.Order(patient, 2500);
        (await h.KioskPost("/api/v1/kiosk/payments", new { visitId = await h.VisitOf(patient), orderIds = new[] { Str(o1["id"]) }, tender = "deposit" }, "k1")).Expect(HttpStatusCode.OK);
        var qr = (await h.KioskPost("/api/v1/kiosk/payments", new { visitId = await h.VisitOf(patient), orderIds = new[] { Str(o2["id"]) }, tender = "unionpay" }, "k2")).Expect(HttpStatusCode.Created);
        await h.Approve(qr.Body!);

        var report = (await h.Api.Get($"{h.H}/reports/daily", h.S.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal(4000 + 1500 + 2500, L(report["totalPaid"]));
        var kiosk = report["lines"].AsArray().Where(l => Str(l!["source"]) == $"kiosk:{h.Kiosk.Id}").ToList();
        Assert.Equal(2, kiosk.Count);
        Assert.Contains(report["byTender"].AsArray(), t => Str(t!["key"]) == "deposit" && L(t["paid"]) == 1500);
        Assert.Contains(report["byChannel"].AsArray(), t => Str(t!["key"]) == "unionpay" && L(t["paid"]) == 2500);

        using var xlsx = await h.Api.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"{h.H}/reports/daily.xlsx") { Headers = { { "Authorization", "Bearer " + h.S.AdminToken } } });
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        var bytes = await xlsx.Content.ReadAsByteArrayAsync();
        Assert.Equal((byte)'P', bytes[0]); // a zip: an Office Open XML workbook
        Assert.Equal((byte)'K', bytes[1]);
        // Amounts are number cells in yuan (0.00), counts numbers, the day a date cell.
        var lines = new Workbook(bytes).Rows;
        Assert.Equal(8000m, lines.Sum(r => r["amount (yuan) 金额(元)"] is { IsNumber: true, Format: "0.00" } c ? c.Number * 100 : throw new Xunit.Sdk.XunitException("not a number cell")));
        Assert.All(lines, r => Assert.True(r["count 笔数"].IsNumber && r["date 日期"].IsNumber, "counts and days are number cells"));
        (await h.Api.Get($"{h.H}/reports/daily", await h.S.UserToken(Roles.Auditor))).Expect(HttpStatusCode.OK);
        var other = await Scenario.Start(app, "hospital");
        (await h.Api.Get($"{h.H}/reports/daily", await other.UserToken(Roles.Finance))).ExpectProblem(HttpStatusCode.NotFound, "not_found");
    }
}

