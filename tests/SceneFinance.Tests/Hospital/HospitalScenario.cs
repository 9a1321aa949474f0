using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Hospital;

public sealed record HisClient(string Id, string Secret);

/// <summary>A hospital tenant spoken to from the outside: the HIS (signed system client), a kiosk (signed terminal), the cashier (bearer).</summary>
public sealed class HospitalScenario
{
    public required Scenario S { get; init; }
    public required HisClient His { get; init; }
    public required Terminal Kiosk { get; init; }
    /// <summary>The app whose simulators a test may drive directly (null when the test approves in the browser).</summary>
    public GatewayApp? App { get; init; }
    public Infrastructure.Api Api => S.Api;
    public string H => $"{S.Base}/hospital";

    // The nightly job settles a tenant once its local settlement time has passed today: at "23:59" it stays out of the
    // way of specs that run the settlement by hand (except in the last minute of the day in Asia/Shanghai).
    public static Task<HospitalScenario> Start(GatewayApp app, string settlementTime = "23:59", long threshold = 50_000, long creditLimit = 200_000, string? mode = null) =>
        Start(app.Api(), app, settlementTime, threshold, creditLimit, mode);

    public static async Task<HospitalScenario> Start(Infrastructure.Api api, GatewayApp? app, string settlementTime = "23:59", long threshold = 50_000, long creditLimit = 200_000,
        string? mode = null)
    {
        var s = await Scenario.Start(api, "hospital", mode);
        var his = (await s.Api.Post($"{s.Base}/hospital/his-clients", new { name = "HIS 医院信息系统" }, s.AdminToken)).Expect(HttpStatusCode.Created);
        var settings = (await s.Api.Send(HttpMethod.Put, $"{s.Base}/hospital/settings",
            new { creditLimit, creditSettlementTime = settlementTime, refundApprovalThreshold = threshold }, s.AdminToken)).Expect(HttpStatusCode.OK);
        // A raise of a four-eyes limit waits for a second person: finance approves it.
        if (settings.Body!["pendingChange"] is { } change)
            (await s.Api.Post($"{s.Base}/hospital/settings/changes/{change["id"]!.GetValue<string>()}/approve", null, await s.UserToken("finance"))).Expect(HttpStatusCode.OK);
        return new HospitalScenario
        {
            S = s, App = app, Kiosk = await s.Terminal("kiosk"),
            His = new HisClient(his["id"].GetValue<string>(), his["secret"].GetValue<string>()),
        };
    }

    public async Task<(string Id, string Card)> Patient(string? name = null, string phone = "13800138000")
    {
        var card = Scenario.NewCardNumber();
        var p = (await Api.Post($"{H}/patients", new { medicalCardNumber = card, name = name ?? "患者 Patient", idNumber = "110101199001011234", phone }, S.AdminToken))
            .Expect(HttpStatusCode.Created);
        return (p["id"].GetValue<string>(), card);
    }

    public Task<Answer> HisPost(string path, object body, string? secret = null) => SignedSend(HttpMethod.Post, path, JsonSerializer.Serialize(body), "X-Client-Id", His.Id, secret ?? His.Secret, null);

    public async Task<JsonNode> Order(string patientId, long amount, string kind = "lab", long insured = 0, string? insurer = null, string? hisOrderId = null, string? payFrom = null) =>
        (await HisPost("/api/v1/his/orders", new
        {
            patientId, visitId = "V-" + patientId[^6..], hisOrderId = hisOrderId ?? "H" + Guid.NewGuid().ToString("N")[..12], kind, description = kind + " 检查",
            amount, insuredAmount = insured, insurerId = insurer, payFrom,
        })).Expect(HttpStatusCode.Created).Body!;

    public Task<Answer> KioskPost(string path, object body, string? key = null, string contentType = "application/json") =>
        SignedSend(HttpMethod.Post, path, JsonSerializer.Serialize(body), "X-Terminal-Id", Kiosk.Id, Kiosk.Secret, key, contentType);

    public Task<Answer> KioskGet(string path) => SignedSend(HttpMethod.Get, path, "", "X-Terminal-Id", Kiosk.Id, Kiosk.Secret, null);

    /// <summary>The card office issues the patient's e-medical card QR code (a signed token that expires).</summary>
    public async Task<string> QrCode(string patientId) =>
        (await Api.Post($"{H}/patients/{patientId}/qr-codes", null, S.AdminToken)).Expect(HttpStatusCode.OK)["qrCode"]!.GetValue<string>();

    /// <summary>The patient shows the e-medical card QR code at the kiosk: the visit that later kiosk requests name.</summary>
    public async Task<string> VisitOf(string patientId) =>
        (await KioskPost("/api/v1/kiosk/patients/identify", new { qrCode = await QrCode(patientId) })).Expect(HttpStatusCode.OK)["visitId"]!.GetValue<string>();

    public async Task<JsonNode> Account(string patientId) => (await Api.Get($"{H}/patients/{patientId}", S.AdminToken)).Expect(HttpStatusCode.OK).Body!;

    public Task<Answer> CashierPay(string patientId, string tender, params string[] orderIds) =>
        Api.Post($"{H}/patients/{patientId}/payments", new { orderIds, tender }, S.AdminToken, Guid.NewGuid().ToString("N"));

    /// <summary>The payer approves the intent's order in the channel's (simulated) wallet app, then waits for it to be applied.</summary>
    public async Task<JsonNode> Approve(JsonNode intent, bool approve = true)
    {
        var id = intent["id"]!.GetValue<string>();
        var channel = intent["channel"]!.GetValue<string>();
        App!.Simulators[channel].PayerDecides(App.OrderNo(channel, id), approve);
        return await S.IntentUntil(id, Gateway.Settled);
    }

    public async Task<string> Deposit(string patientId, long amount, string channel = "wechat-pay")
    {
        var intent = (await Api.Post($"{H}/patients/{patientId}/deposits", new { amount, channel }, S.AdminToken, Guid.NewGuid().ToString("N"))).Expect(HttpStatusCode.Created);
        await Approve(intent.Body!);
        return intent["id"].GetValue<string>();
    }

    public Task<Answer> Refund(string patientId, string kind, long amount, string? orderId = null, string? token = null, string? key = null) =>
        Api.Post($"{H}/patients/{patientId}/refunds", new { kind, orderId, amount, reason = "退费 refund" }, token ?? S.AdminToken, key ?? Guid.NewGuid().ToString("N"));

    async Task<Answer> SignedSend(HttpMethod method, string path, string body, string idHeader, string id, string secret, string? key,
        string contentType = "application/json")
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
        var signature = Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret),
            Encoding.UTF8.GetBytes($"{ts}\n{method.Method}\n{path.Split('?')[0]}\n{body}"))).ToLowerInvariant();
        using var request = new HttpRequestMessage(method, path);
        if (method != HttpMethod.Get) request.Content = new StringContent(body, Encoding.UTF8, contentType);
        request.Headers.Add(idHeader, id);
        request.Headers.Add("X-Timestamp", ts);
        request.Headers.Add("X-Signature", signature);
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        using var response = await Api.Http.SendAsync(request);
        return await Answer.From(response);
    }

    /// <summary>The claim of an insured order once the exchange has it in <paramref name="status"/> (the submitter runs every few seconds).</summary>
    public async Task<JsonNode> ClaimUntil(string orderId, string status = "submitted", int seconds = 90)
    {
        var claimNo = SceneFinance.Scenes.Hospital.Insuring.InsuranceClaims.ClaimNo(S.TenantId, orderId);
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var list = (await Api.Get($"{H}/insurance-claims?status={status}&limit=500", S.AdminToken)).Expect(HttpStatusCode.OK);
            if (list["items"]!.AsArray().FirstOrDefault(c => Str(c!["id"]) == claimNo) is { } claim) return claim;
            Assert.True(DateTime.UtcNow < until, $"claim {claimNo} of order {orderId} did not reach {status} within {seconds} s");
            await Task.Delay(250);
        }
    }

    /// <summary>The sandbox insurer answers the order's claim (APPROVED, PARTIAL with an amount, REJECTED) once it was submitted.</summary>
    public async Task<JsonNode> InsurerAnswers(string orderId, string result, long? approvedAmount = null)
    {
        var claim = await ClaimUntil(orderId);
        return (await Api.Post($"{H}/insurance-claims/{Str(claim["id"])}/simulator-answer", new { result, approvedAmount }, S.AdminToken)).Expect(HttpStatusCode.OK).Body!;
    }

    public static long L(JsonNode? n) => n!.GetValue<long>();
    public static string Str(JsonNode? n) => n!.GetValue<string>();
}
