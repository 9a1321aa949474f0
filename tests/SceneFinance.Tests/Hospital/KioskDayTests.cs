using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using SceneFinance.Scenes.Hospital.CreditCare;
using SceneFinance.Tests.Infrastructure;
using Xunit.Abstractions;
using static SceneFinance.Tests.Hospital.HospitalScenario;

namespace SceneFinance.Tests.Hospital;

/// <summary>
/// A day at the hospital: a few hundred patients register at the kiosk and pay several orders each, from a deposit, with
/// insurance, on credit care, by QR or in cash at the cashier window (one cashier shift, counted at the end); some are refunded (and some ask for too much), some are discharged; the night's
/// credit settlement runs twice. Every refund stays within what was paid, to its own tender; the ledger balances.
/// </summary>
[Collection(SharedGatewayApp.Name)]
public sealed class KioskDayTests(GatewayApp app, ITestOutputHelper output)
{
    const int Patients = 300;
    static readonly string[] Channels = ["wechat-pay", "alipay", "unionpay", "e-cny"];

    [Fact]
    public async Task A_kiosk_day_with_deposits_insurance_credit_care_and_refunds_balances_and_refunds_stay_within_their_tenders()
    {
        var clock = Stopwatch.StartNew();
        var h = await HospitalScenario.Start(app, threshold: 1_000_000, creditLimit: 60_000);
        var slots = new List<string>();
        for (var i = 0; i < 10; i++)
            slots.Add(Str((await h.Api.Post($"{h.H}/clinic-slots", new { department = $"科室 Dept {i}", doctor = $"医生 Dr {i}", startsAt = DateTimeOffset.UtcNow.AddHours(1 + i), fee = 500 + 100 * i, capacity = Patients / 10 }, h.S.AdminToken))
                .Expect(HttpStatusCode.Created)["id"]));

        // The cashier window's shift: cash payments go into its drawer, cash-paid refunds come out of it.
        var shift = (await h.Api.Post($"{h.H}/cash-shifts", new { @float = 50_000 }, h.S.AdminToken, "day-shift")).Expect(HttpStatusCode.Created);
        var shiftId = Str(shift["id"]);

        var figures = new ConcurrentDictionary<string, long>();
        void Count(string what, long by = 1) => figures.AddOrUpdate(what, by, (_, v) => v + by);
        var patients = new ConcurrentBag<string>();

        await Parallel.ForEachAsync(Enumerable.Range(0, Patients), new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (i, _) =>
        {
            var random = new Random(20261123 + i);
            var channel = Channels[i % Channels.Length];
            var (patient, card) = await h.Patient($"患者 {i}");
            patients.Add(patient);
            var profile = (i % 4) switch { 0 => "deposit", 1 => "insured", 2 => "credit", _ => "qr" };
            Count("patients:" + profile);

            if (profile == "deposit") { await h.Deposit(patient, 30_000 + random.Next(0, 20) * 1000, channel); Count("deposits"); }
            if (profile == "credit")
                (await h.Api.Post($"{h.H}/patients/{patient}/credit-care", new { linkedChannel = i % 8 == 2 ? channel : null }, h.S.AdminToken)).Expect(HttpStatusCode.OK);

            // Half swipe the medical card, half show the e-medical card's signed QR code.
            var seen = (i % 2 == 0
                ? await h.KioskPost("/api/v1/kiosk/patients/identify", new { medicalCardNumber = card })
                : await h.KioskPost("/api/v1/kiosk/patients/identify", new { qrCode = await h.QrCode(patient) })).Expect(HttpStatusCode.OK);
            Assert.Equal(patient, Str(seen["account"]!["patientId"]));
            var visit = Str(seen["visitId"]);
            var reg = (await h.KioskPost("/api/v1/kiosk/registrations", new { visitId = visit, slotId = slots[i % slots.Count] }, $"reg-{i}")).Expect(HttpStatusCode.Created);
            var orders = new List<string> { Str(reg["order"]!["id"]) };
            Count("registrations");
            for (var n = 0; n < 2 + random.Next(0, 3); n++)
            {
                var amount = 500 + random.Next(0, 150) * 100L;
                var insured = profile == "insured" ? amount * 6 / 10 : 0;
                var order = await h.Order(patient, amount, n % 2 == 0 ? "lab" : "drug", insured, insured > 0 ? "nhsa" : null);
                orders.Add(Str(order["id"]));
                Count("orders");
            }

            var tender = profile switch { "deposit" => "deposit", "credit" => "credit", _ when i % 8 == 7 => "cash", _ => channel };
            var paid = tender == "cash"
                ? await h.Api.Post($"{h.H}/patients/{patient}/payments", new { orderIds = orders, tender }, h.S.AdminToken, $"cash-{i}")
                : await h.KioskPost("/api/v1/kiosk/payments", new { visitId = visit, orderIds = orders, tender }, $"pay-{i}");
            if (paid.Status == HttpStatusCode.Conflict) // the deposit or credit line is short: the rest by QR
            {
                Assert.True(paid.Code is "insufficient_funds" or "limit_exceeded", paid.Raw);
                paid = await h.KioskPost("/api/v1/kiosk/payments", new { visitId = visit, orderIds = orders, tender = channel }, $"pay-{i}-qr");
                Count("fell-back-to-qr");
            }
            if (paid.Status == HttpStatusCode.Created) { await h.Approve(paid.Body!); Count("qr-payments"); }
            else { paid.Expect(HttpStatusCode.OK); Count($"paid-from-{tender}"); }
            Assert.Equal(0, L((await h.Account(patient))["dueAmount"]));

            if (profile == "insured" && i % 8 == 1)
            {
                // The insurer refuses one part: the patient owes it and pays it by QR.
                Assert.Equal("rejected", Str((await h.InsurerAnswers(orders[1], "REJECTED"))["status"]));
                var again = (await h.KioskPost("/api/v1/kiosk/payments", new { visitId = visit, orderIds = new[] { orders[1] }, tender = channel }, $"pay-{i}-rejected")).Expect(HttpStatusCode.Created);
                await h.Approve(again.Body!);
                Count("insurance-rejected");
            }
            else if (profile == "insured" && i % 16 == 13)
            {
                // The insurer approves half its part: the patient owes the other half and pays it by QR.
                var claimed = L((await h.ClaimUntil(orders[1]))["claimed"]);
                Assert.Equal("partly_approved", Str((await h.InsurerAnswers(orders[1], "PARTIAL", claimed / 2))["status"]));
                var again = (await h.KioskPost("/api/v1/kiosk/payments", new { visitId = visit, orderIds = new[] { orders[1] }, tender = channel }, $"pay-{i}-partly")).Expect(HttpStatusCode.Created);
                await h.Approve(again.Body!);
                Count("insurance-partly-approved");
            }
            else if (profile == "insured")
            {
                Assert.Equal("approved", Str((await h.InsurerAnswers(orders[1], "APPROVED"))["status"]));
                Count("insurance-settled");
            }

            if (i % 5 == 0)
            {
                // A drug returned: part of the order back to where it was paid from; asking for more than was paid moves nothing.
                var account = await h.Account(patient);
                var order = account["orders"]!.AsArray().First(o => Str(o!["id"]) == orders[^1])!;
                var refundable = L(order["paidAmount"]) - L(order["refundedAmount"]);
                (await h.Refund(patient, "order", refundable + 1, orders[^1])).ExpectProblem(HttpStatusCode.Conflict, "refund_exceeds_paid");
                var amount = Math.Max(1, refundable / 2);
                var refund = (await h.Refund(patient, "order", amount, orders[^1])).Expect(HttpStatusCode.OK);
                Assert.Equal(amount, refund["lines"].AsArray().Sum(l => L(l!["amount"])));
                Count("order-refunds");
                Count("order-refunded-fen", amount);
                Count("refused-over-cap");
            }
            if (profile == "deposit" && i % 3 == 0)
            {
                var discharged = (await h.Api.Post($"{h.H}/patients/{patient}/discharge", null, h.S.AdminToken, $"dis-{i}")).Expect(HttpStatusCode.OK);
                Count("discharges");
                Count("discharge-refunded-fen", L(discharged["refundedAmount"]));
            }
        });
        var daytime = clock.Elapsed;

        // A few credit-care patients without a linked channel, owing more than their deposit, sign a WeChat Pay withholding agreement.
        var agreed = new List<string>();
        foreach (var patient in patients)
        {
            if (agreed.Count == 5) break;
            var a = await h.Account(patient);
            if (a["credit"] is not JsonObject c || c["linkedChannel"] is not null || L(c["outstanding"]) <= L(a["deposit"]!["balance"])) continue;
            var offered = (await h.Api.Post($"{h.H}/patients/{patient}/withholding-agreement", new { channel = "wechat-pay" }, h.S.AdminToken)).Expect(HttpStatusCode.Created);
            app.Simulators["wechat-pay"].PayerSigns(Str(offered["signUrl"]).Split('/')[^1]);
            agreed.Add(patient);
        }
        Assert.NotEmpty(agreed);
        foreach (var patient in agreed)
        {
            var until = DateTime.UtcNow.AddSeconds(30);
            while (Str((await h.Api.Get($"{h.H}/patients/{patient}/withholding-agreement", h.S.AdminToken)).Expect(HttpStatusCode.OK)["status"]) != "active")
            {
                Assert.True(DateTime.UtcNow < until, "the agreement's signed notification");
                await Task.Delay(100);
            }
        }

        // The night, run twice: the second run settles nobody again; the agreed patients are debited directly, once.
        var first = (await h.Api.Post($"{h.H}/credit-settlements", new { date = "2030-06-01" }, h.S.AdminToken)).Expect(HttpStatusCode.OK);
        var second = (await h.Api.Post($"{h.H}/credit-settlements", new { date = "2030-06-01" }, h.S.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.True(first["settled"].GetValue<int>() > 0);
        Assert.Equal(0, second["settled"].GetValue<int>());
        Assert.Equal(first["paymentRequests"].GetValue<int>(), second["paymentRequests"].GetValue<int>()); // the same requests, replayed
        var debited = first["debited"].AsArray();
        Assert.Equal(agreed.Order(), debited.Select(d => Str(d!["patientId"])).Order());
        Assert.All(debited, d => Assert.Equal("succeeded", Str(d!["status"])));
        var debits = debited.Select(d => Str(d!["intentId"])).ToHashSet();
        Assert.Equal(debits, second["debited"].AsArray().Select(d => Str(d!["intentId"])).ToHashSet());
        foreach (var patient in agreed) Assert.Equal(0, L((await h.Account(patient))["credit"]!["outstanding"]));
        Count("withheld-overnight", agreed.Count);
        var settlementIntents = (await h.Api.Get($"{h.S.Base}/payment-intents?limit=500", h.S.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray()
            .Where(x => Str(x!["purpose"]!["kind"]) == "credit-care" && !debits.Contains(Str(x["id"]))).ToList();
        Assert.Equal(first["paymentRequests"].GetValue<int>(), settlementIntents.Count);
        foreach (var x in settlementIntents) await h.Approve(await h.S.Intent(Str(x!["id"])));
        await app.Simulators.Quiet(TimeSpan.FromSeconds(30));

        // A credit care charge the linked channel settled overnight, refunded the morning after: back to that channel.
        var settledByChannel = 0;
        foreach (var patient in patients)
        {
            var a = await h.Account(patient);
            if (a["credit"]?["linkedChannel"] is null || L(a["credit"]!["outstanding"]) > 0) continue;
            var onCredit = a["orders"]!.AsArray().FirstOrDefault(o => o!["tenders"]!.AsArray().Any(t => Str(t!["tender"]) == "credit" && L(t["refundedAmount"]) < L(t["amount"])));
            if (onCredit is null) continue;
            var refund = (await h.Refund(patient, "order", 100, Str(onCredit["id"]))).Expect(HttpStatusCode.OK);
            var line = Assert.Single(refund["lines"]!.AsArray());
            Assert.Equal("credit", Str(line!["tender"]));
            Assert.Equal(Str(a["credit"]!["linkedChannel"]), Str(line["channel"]));
            Assert.NotNull(line["intentId"]);
            settledByChannel++;
        }
        Assert.True(settledByChannel > 0, "some linked channel settled credit overnight");
        Count("credit-refunds-to-channel", settledByChannel);

        // Every order, tender and intent: refunds never beyond what was paid, each to a tender that paid.
        long paidTotal = 0, refundedTotal = 0, stillOnCredit = 0, deposits = 0;
        var intentsRefunded = new Dictionary<string, long>();
        foreach (var patient in patients)
        {
            var a = await h.Account(patient);
            foreach (var o in a["orders"]!.AsArray())
            {
                Assert.True(L(o!["refundedAmount"]) <= L(o["paidAmount"]), o.ToJsonString());
                Assert.Equal(L(o["paidAmount"]), o["tenders"]!.AsArray().Sum(t => L(t!["amount"])));
                foreach (var t in o["tenders"]!.AsArray()) Assert.True(L(t!["refundedAmount"]) <= L(t["amount"]));
                paidTotal += L(o["paidAmount"]) + (Str(o["insurance"]) is "settled" or "partly_settled" ? L(o["insurerApprovedAmount"]) : 0);
                refundedTotal += L(o["refundedAmount"]);
            }
            foreach (var r in a["refunds"]!.AsArray())
                foreach (var line in r!["lines"]!.AsArray().Where(l => l!["intentId"] is not null)) // channel lines, and credit settled by a channel
                {
                    Assert.Equal("funded", Str(line!["status"]));
                    intentsRefunded[Str(line["intentId"])] = intentsRefunded.GetValueOrDefault(Str(line["intentId"])) + L(line["amount"]);
                }
            Assert.False(a["credit"]?["overdue"]?.GetValue<bool>() == true && a["credit"]!["linkedChannel"] is not null, "a linked channel paid the night's credit");
            stillOnCredit += a["credit"] is JsonObject c ? L(c["outstanding"]) : 0;
            deposits += L(a["deposit"]!["balance"]);
        }
        foreach (var (intentId, amount) in intentsRefunded)
        {
            var intent = await h.S.IntentUntil(intentId, i => L(i["refundedAmount"]) == amount);
            Assert.True(L(intent["refundedAmount"]) <= L(intent["amount"]));
        }

        var tb = await h.S.TrialBalance();
        Assert.Equal(-(paidTotal - refundedTotal), tb.Account("hospital-payable") + tb.Account("insurer-receivable:nhsa"));
        foreach (var line in tb["accounts"]!.AsArray())
        {
            var name = Str(line!["account"]);
            if (name.StartsWith("gateway-unapplied:") || name.StartsWith("refunds-pending:") || name.EndsWith(":refund-hold"))
                Assert.True(L(line["balance"]) == 0, $"{name} should be empty: {L(line["balance"])}");
        }
        var report = (await h.Api.Get($"{h.H}/reports/daily", h.S.AdminToken)).Expect(HttpStatusCode.OK);

        // The cashier counts the drawer: it holds the float and the day's cash exactly, and the day's report says the same per cashier.
        var drawer = (await h.Api.Get($"{h.H}/cash-shifts/current", h.S.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.True(L(drawer["taken"]) > 0 && L(drawer["refunded"]) > 0, drawer.Raw);
        var cashier = Assert.Single(report["byCashier"]!.AsArray())!;
        Assert.Equal((L(drawer["taken"]), L(drawer["refunded"])), (L(cashier["taken"]), L(cashier["refunded"])));
        var closed = (await h.Api.Post($"{h.H}/cash-shifts/{shiftId}/close", new { counted = L(drawer["expected"]) }, h.S.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal(("closed", 0L), (Str(closed["status"]), L(closed["difference"])));
        tb = await h.S.TrialBalance();
        Assert.Equal(0, tb.Account($"cash-drawer:{shiftId}"));
        Assert.Equal(L(drawer["taken"]) - L(drawer["refunded"]), tb.Account("cash-safe"));
        Assert.Equal(0, tb.Account("cash-over-short"));
        Count("cash-taken-fen", L(drawer["taken"]));
        Count("cash-refunded-fen", L(drawer["refunded"]));

        output.WriteLine($"Kiosk day: {Patients} patients in {daytime.TotalSeconds:0.0} s ({Patients / daytime.TotalSeconds:0.0} patients/s, whole test {clock.Elapsed.TotalSeconds:0.0} s)");
        foreach (var (k, v) in figures.OrderBy(f => f.Key)) output.WriteLine($"  {k,-24} {v,12:N0}");
        output.WriteLine($"  night: {first["patients"]} on credit, {first["settled"]} settled, {L(first["fromDeposit"]):N0} fen from deposits, {first["paymentRequests"]} linked-channel requests; second run settled {second["settled"]}");
        output.WriteLine($"  paid for care {paidTotal:N0} fen, refunded {refundedTotal:N0}, deposits left {deposits:N0}, credit still open {stillOnCredit:N0}; day report total {L(report["totalPaid"]):N0} paid, {L(report["totalRefunded"]):N0} refunded");
        output.WriteLine($"  trial balance: debit {L(tb["totalDebit"]):N0} = credit {L(tb["totalCredit"]):N0}");
    }

    [Fact]
    public async Task The_nightly_job_runs_on_the_shared_scheduler_at_the_tenants_time()
    {
        var h = await HospitalScenario.Start(app, settlementTime: "00:00");
        var (patient, _) = await h.Patient();
        (await h.Api.Post($"{h.H}/patients/{patient}/credit-care", new { }, h.S.AdminToken)).Expect(HttpStatusCode.OK);
        await h.Deposit(patient, 5000);
        var order = await h.Order(patient, 3000);
        (await h.CashierPay(patient, "credit", Str(order["id"]))).Expect(HttpStatusCode.OK);

        var scheduler = app.Services.GetRequiredKeyedService<IScheduler>("scenefinance");
        await scheduler.TriggerJob(HospitalNightlyJob.Key, new JobDataMap(), CancellationToken.None);
        var until = DateTime.UtcNow.AddSeconds(30);
        JsonNode credit;
        while ((credit = (await h.Account(patient))["credit"]!)["lastSettlementDate"] is null)
        {
            Assert.True(DateTime.UtcNow < until, "the job did not settle the patient's credit");
            await Task.Delay(200);
        }
        Assert.Equal(0, L(credit["outstanding"]));
        Assert.Equal(2000, L((await h.Account(patient))["deposit"]!["balance"]));
    }
}
