using System.Net;
using System.Text.Json.Nodes;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SceneFinance.Platform.Notifying;
using SceneFinance.Platform.Security;
using SimAgreementState = SceneFinance.Payments.Simulator.SimAgreementState;
using SceneFinance.Platform.Time;
using SceneFinance.Scenes.Hospital.Withholding;
using SceneFinance.Tests.Infrastructure;
using static SceneFinance.Tests.Hospital.HospitalScenario;

namespace SceneFinance.Tests.Hospital;

/// <summary>
/// Withholding (password-free debit) agreements through the simulated WeChat Pay 委托代扣: signed by the channel's signed notification,
/// debited by the nightly credit settlement without the wallet, unknown outcomes finished by the janitor once, cancel and failure
/// back to the approve-in-wallet flow, and the 20:00 reminder once per patient and night.
/// </summary>
[Collection(SharedGatewayApp.Name)]
public sealed class WithholdingSpecs(GatewayApp app)
{
    const string Channel = "wechat-pay";

    sealed class MovableClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    static async Task Until(Func<Task<bool>> done, string what, int seconds = 30)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < until, $"{what} did not happen in {seconds} s");
            await Task.Delay(100);
        }
    }

    static string Agreement(HospitalScenario h, string patient) => $"{h.H}/patients/{patient}/withholding-agreement";

    async Task<JsonNode> Current(HospitalScenario h, string patient) => (await h.Api.Get(Agreement(h, patient), h.S.AdminToken)).Expect(HttpStatusCode.OK).Body!;

    /// <summary>A credit-care patient (linked channel UnionPay) owing 12,000 fen, who signed a WeChat Pay agreement in the wallet app.</summary>
    async Task<(HospitalScenario H, string Patient, string AgreementNo)> Agreed(string? phone = null)
    {
        var h = await HospitalScenario.Start(app, creditLimit: 30_000);
        var patient = phone is null ? (await h.Patient()).Id
            : (await h.Api.Post($"{h.H}/patients", new { medicalCardNumber = Scenario.NewCardNumber(), name = "患者 Patient", phone }, h.S.AdminToken))
                .Expect(HttpStatusCode.Created)["id"].GetValue<string>();
        (await h.Api.Post($"{h.H}/patients/{patient}/credit-care", new { linkedChannel = "unionpay" }, h.S.AdminToken)).Expect(HttpStatusCode.OK);
        (await h.CashierPay(patient, "credit", Str((await h.Order(patient, 12_000))["id"]))).Expect(HttpStatusCode.OK);
        var offered = (await h.Api.Post(Agreement(h, patient), new { channel = Channel }, h.S.AdminToken)).Expect(HttpStatusCode.Created);
        Assert.Equal("pending", Str(offered["status"]));
        var signUrl = Str(offered["signUrl"]);
        Assert.StartsWith($"/simulator/{Channel}/agreements/", signUrl);
        var agreementNo = signUrl.Split('/')[^1];
        app.Simulators[Channel].PayerSigns(agreementNo);
        await Until(async () => Str((await Current(h, patient))["status"]) == "active", "the signed notification");
        return (h, patient, agreementNo);
    }

    async Task<JsonNode> Settle(HospitalScenario h, string date) =>
        (await h.Api.Post($"{h.H}/credit-settlements", new { date }, h.S.AdminToken)).Expect(HttpStatusCode.OK).Body!;

    async Task<List<JsonNode>> Intents(HospitalScenario h, string channel) =>
        (await h.Api.Get($"{h.S.Base}/payment-intents", h.S.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray().Where(i => Str(i!["channel"]) == channel).Select(i => i!).ToList();

    [Fact]
    public async Task An_agreement_becomes_active_only_through_the_channels_signed_notification()
    {
        var (h, patient, agreementNo) = await Agreed();
        var agreement = await Current(h, patient);
        Assert.Equal(Channel, Str(agreement["channel"]));
        Assert.NotNull(agreement["since"]);
        // Another one while it is active, a channel without agreements, a live tenant without credentials: refused, nothing offered.
        (await h.Api.Post(Agreement(h, patient), new { channel = Channel }, h.S.AdminToken)).ExpectProblem(HttpStatusCode.Conflict, "agreement_active");
        (await h.Api.Post(Agreement(h, patient), new { channel = "unionpay" }, h.S.AdminToken)).ExpectProblem(HttpStatusCode.Conflict, "withholding_not_offered");
        var live = (await h.Api.Post("/api/v1/tenants", new { name = "Live hospital", kind = "hospital", mode = "live" }, h.S.AdminToken)).Expect(HttpStatusCode.Created);
        var offers = app.Simulators[Channel].Agreements.Count;
        (await h.Api.Post($"/api/v1/tenants/{Str(live["id"])}/hospital/patients/ch_anyone/withholding-agreement", new { channel = Channel }, h.S.AdminToken))
            .ExpectProblem(HttpStatusCode.Conflict, "channel_not_configured");
        Assert.Equal(offers, app.Simulators[Channel].Agreements.Count);

        // A second patient's agreement: a forged "signed" notification is refused and leaves it pending.
        var (other, _) = await h.Patient();
        var pending = (await h.Api.Post(Agreement(h, other), new { channel = Channel }, h.S.AdminToken)).Expect(HttpStatusCode.Created);
        var forged = new HttpRequestMessage(HttpMethod.Post, "/api/v1/gateway/notifications/wechat-pay")
        {
            Content = new StringContent("""{"id":"x","event_type":"PAPAY.SIGN"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        forged.Headers.Add("Wechatpay-Serial", "5157F09EFDC096DE15EBE81A47057A72");
        forged.Headers.Add("Wechatpay-Timestamp", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString());
        forged.Headers.Add("Wechatpay-Nonce", "abc");
        forged.Headers.Add("Wechatpay-Signature", "Zm9yZ2Vk");
        Assert.Equal(HttpStatusCode.Unauthorized, (await h.Api.Http.SendAsync(forged)).StatusCode);
        Assert.Equal("pending", Str((await Current(h, other))["status"]));
        Assert.Equal(Str(pending["agreementId"]), Str((await Current(h, other))["agreementId"]));
        Assert.True(app.Simulators[Channel].FindAgreement(agreementNo) is { State: SimAgreementState.Signed });
    }

    [Fact]
    public async Task The_nightly_settlement_debits_an_agreed_patient_directly_once_and_a_refund_goes_back_to_that_channel()
    {
        var (h, patient, _) = await Agreed();
        var first = await Settle(h, "2030-02-01");
        var second = await Settle(h, "2030-02-01");
        var debit = Assert.Single(first["debited"]!.AsArray())!;
        Assert.Equal((patient, Channel, 12_000L, "succeeded"), (Str(debit["patientId"]), Str(debit["channel"]), L(debit["amount"]), Str(debit["status"])));
        Assert.Equal(0, first["paymentRequests"]!.GetValue<int>());
        Assert.Equal(Str(debit["intentId"]), Str(Assert.Single(second["debited"]!.AsArray())!["intentId"]));
        // Settled without the wallet: nothing waits for the patient's approval, and the patient is not overdue.
        Assert.Empty(await Intents(h, "unionpay"));
        var intent = await h.S.Intent(Str(Assert.Single(await Intents(h, Channel))["id"]));
        Assert.Equal(("succeeded", true), (Str(intent["status"]), intent["fulfilled"]!.GetValue<bool>()));
        var credit = (await h.Account(patient))["credit"]!;
        Assert.Equal((0L, false), (L(credit["outstanding"]), credit["overdue"]!.GetValue<bool>()));

        // Item 1's tender routing holds for a withheld settlement: the refund goes back to WeChat Pay, through the gateway.
        var order = Str((await h.Account(patient))["orders"]![0]!["id"]);
        var refund = (await h.Refund(patient, "order", 3000, order)).Expect(HttpStatusCode.OK);
        var line = Assert.Single(refund["lines"]!.AsArray())!;
        Assert.Equal((Channel, Str(debit["intentId"])), (Str(line["channel"]), Str(line["intentId"])));
        await h.S.IntentUntil(Str(debit["intentId"]), i => i["refunds"]!.AsArray().Any(r => Str(r!["status"]) == "succeeded"));

        var tb = await h.S.TrialBalance();
        Assert.Equal(0, tb.Account($"patient:{patient}:credit"));
        Assert.Equal(0, tb.Account($"gateway-unapplied:{Channel}"));
        Assert.Equal(12_000 - 3000, tb.Account($"clearing:{Channel}"));
    }

    [Fact]
    public async Task A_debit_whose_answer_was_lost_is_finished_by_the_janitor_exactly_once()
    {
        var (h, patient, _) = await Agreed();
        var behaviour = app.Simulators.Behaviour;
        JsonNode first;
        (behaviour.ApiTimeoutRate, behaviour.NotificationLossRate) = (1, 1);
        try
        {
            first = await Settle(h, "2030-02-02");
            Assert.Equal("processing", Str(Assert.Single(first["debited"]!.AsArray())!["status"]));
            Assert.Equal(0, first["paymentRequests"]!.GetValue<int>()); // unknown is not failed: the wallet is not asked
            Assert.Equal(12_000, L((await h.Account(patient))["credit"]!["outstanding"]));
        }
        finally
        {
            (behaviour.ApiTimeoutRate, behaviour.NotificationLossRate) = (0, 0);
        }
        var intentId = Str(first["debited"]![0]!["intentId"]);
        await h.S.IntentUntil(intentId, Gateway.Settled, seconds: 60);
        var again = await Settle(h, "2030-02-02");
        Assert.Equal("succeeded", Str(Assert.Single(again["debited"]!.AsArray())!["status"]));
        Assert.Equal(0, again["paymentRequests"]!.GetValue<int>());
        Assert.Single(await Intents(h, Channel));
        Assert.Empty(await Intents(h, "unionpay"));
        Assert.Equal(0, L((await h.Account(patient))["credit"]!["outstanding"]));
        var tb = await h.S.TrialBalance();
        Assert.Equal(0, tb.Account($"patient:{patient}:credit"));
        Assert.Equal(0, tb.Account($"patient:{patient}:deposit"));
        Assert.Equal(12_000, tb.Account($"clearing:{Channel}")); // once, not twice
    }

    [Fact]
    public async Task A_canceled_agreement_or_a_failed_debit_falls_back_to_approving_in_the_wallet()
    {
        // Canceled by finance: ended here and at the channel; the night asks the linked channel's wallet instead.
        var (h, patient, agreementNo) = await Agreed();
        var canceled = (await h.Api.Post($"{Agreement(h, patient)}/cancel", new { reason = "患者要求 patient asked" }, await h.S.UserToken("finance"))).Expect(HttpStatusCode.OK);
        Assert.Equal("canceled", Str(canceled["status"]));
        Assert.StartsWith("hospital:", Str(canceled["canceledBy"]));
        Assert.Equal(SimAgreementState.Terminated, app.Simulators[Channel].FindAgreement(agreementNo)!.State);
        var run = await Settle(h, "2030-02-03");
        Assert.Empty(run["debited"]!.AsArray());
        Assert.Equal(1, run["paymentRequests"]!.GetValue<int>());
        Assert.Equal("requires_payment", Str(Assert.Single(await Intents(h, "unionpay"))["status"]));
        Assert.Empty(await Intents(h, Channel));

        // Ended by the patient in the wallet app: the channel's notification cancels it here.
        var (h2, patient2, agreementNo2) = await Agreed();
        app.Simulators[Channel].TerminateAgreement(agreementNo2, "payer");
        await Until(async () => Str((await Current(h2, patient2))["status"]) == "canceled", "the channel's termination notice");
        Assert.Equal(WithholdingAgreements.ByChannel, Str((await Current(h2, patient2))["canceledBy"]));

        // A debit the channel declines (the balance is short): asked in the wallet, once.
        var (h3, patient3, _) = await Agreed();
        var behaviour = app.Simulators.Behaviour;
        behaviour.DeclineRate = 1;
        JsonNode failed;
        try
        {
            failed = await Settle(h3, "2030-02-04");
        }
        finally
        {
            behaviour.DeclineRate = 0;
        }
        Assert.Equal("failed", Str(Assert.Single(failed["debited"]!.AsArray())!["status"]));
        Assert.Equal(1, failed["paymentRequests"]!.GetValue<int>());
        Assert.Equal(1, (await Settle(h3, "2030-02-04"))["paymentRequests"]!.GetValue<int>());
        Assert.Single(await Intents(h3, "unionpay"));
        var credit = (await h3.Account(patient3))["credit"]!;
        Assert.Equal((12_000L, true), (L(credit["outstanding"]), credit["overdue"]!.GetValue<bool>()));
        (await h3.S.TrialBalance()).ToString(); // balanced (checked by TrialBalance)
    }

    [Fact]
    public async Task The_reminder_is_sent_once_at_the_tenants_time_and_not_again_after_a_restart()
    {
        var phone = "17" + Random.Shared.NextInt64(100_000_000, 999_999_999);
        var (h, patient, _) = await Agreed(phone);
        // A day well ahead, 19:59:59 in Shanghai (the tenant's zone), on a whole second; the run is at 23:59 that day.
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(5);
        var clock = new MovableClock(new DateTimeOffset(day.ToDateTime(new TimeOnly(11, 59, 59)), TimeSpan.Zero));
        var runDate = day.ToString("yyyy-MM-dd");
        var store = app.Services.GetRequiredService<IDocumentStore>();
        SettlementReminders Host() // a freshly started host: its own notifier and clock on the same database
        {
            var notifier = new Notifier(store, [new SimulatedChannel(NotificationChannels.Sms, store, clock, new NotificationOptions(), app.Services.GetRequiredService<ITenantDirectory>())],
                clock, NullLogger<Notifier>.Instance);
            return new SettlementReminders(store, app.Services.GetRequiredService<IGrainFactory>(), notifier,
                new TenantClock(clock, app.Services.GetRequiredService<ITenantDirectory>()), NullLogger<SettlementReminders>.Instance);
        }
        async Task<List<ReceivedMessage>> Received()
        {
            await using var session = store.QuerySession();
            // This night's only: the product's own job (on the real clock) may remind of another night.
            return [.. await session.Query<ReceivedMessage>().Where(m => m.To == phone && m.Template == SettlementReminders.Template && m.Text.Contains(runDate)).ToListAsync()];
        }

        await Host().Sweep();
        Assert.Empty(await Received());
        clock.Now = clock.Now.AddSeconds(1); // 20:00:00
        await Host().Sweep();
        var message = Assert.Single(await Received());
        Assert.Contains("120.00", message.Text);
        Assert.Contains("微信支付", message.Text);
        Assert.Contains(day.ToString("yyyy-MM-dd"), message.Text);
        clock.Now = clock.Now.AddMinutes(5);
        await Host().Sweep(); // restarted
        await Host().Sweep();
        Assert.Single(await Received());

        Assert.Contains("WeChat Pay", SettlementReminders.Text("en", 12_000, Channel, "2030-01-01"));
        Assert.Contains("¥120.00", SettlementReminders.Text("en", 12_000, Channel, "2030-01-01"));
    }

    [Fact]
    public async Task A_settlement_run_or_a_daily_report_for_a_date_not_written_yyyy_MM_dd_is_refused_naming_the_date()
    {
        var h = await HospitalScenario.Start(app, creditLimit: 30_000);
        foreach (var date in new[] { "2030-3-1", "01/03/2030", "2030-02-30" })
        {
            var run = (await h.Api.Post($"{h.H}/credit-settlements", new { date }, h.S.AdminToken)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
            Assert.Equal("date must be yyyy-MM-dd.", run["errors"]["date"]![0]!.GetValue<string>());
            (await h.Api.Get($"{h.H}/reports/daily?date={Uri.EscapeDataString(date)}", h.S.AdminToken)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        }
        (await h.Api.Post($"{h.H}/credit-settlements", new { }, h.S.AdminToken)).Expect(HttpStatusCode.OK); // no date: today's
    }
}
