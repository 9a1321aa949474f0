using System.Net;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using SceneFinance.Platform.Security;
using SceneFinance.Scenes.Hospital.Patients;
using SceneFinance.Tests.Infrastructure;
using static SceneFinance.Tests.Hospital.HospitalScenario;

namespace SceneFinance.Tests.Hospital;

/// <summary>Issue 11: hospital refunds' four-eyes rules cannot be walked around (split refunds, discharge, raising the threshold).</summary>
[Collection(SharedGatewayApp.Name)]
public sealed class RefundApprovalSpecs(GatewayApp app)
{
    [Fact]
    public async Task A_large_refund_split_into_small_ones_waits_for_a_second_person_who_is_recorded_by_id()
    {
        var h = await HospitalScenario.Start(app, threshold: 5000);
        var (patient, _) = await h.Patient();
        await h.Deposit(patient, 20_000, "alipay");
        var order = await h.Order(patient, 12_000, "drug");
        (await h.CashierPay(patient, "deposit", Str(order["id"]))).Expect(HttpStatusCode.OK);
        var cashier = await h.S.UserToken(Roles.Cashier);
        var finance = await h.S.UserToken(Roles.Finance);

        (await h.Refund(patient, "order", 4000, Str(order["id"]), cashier)).Expect(HttpStatusCode.OK);
        var second = (await h.Refund(patient, "order", 4000, Str(order["id"]), cashier)).Expect(HttpStatusCode.Accepted);
        Assert.Equal("pending_approval", Str(second["status"]));
        // Nor can the rest go back to the deposit in small pieces the same day.
        (await h.Refund(patient, "deposit", 3000, token: cashier)).Expect(HttpStatusCode.Accepted);
        Assert.Equal(20_000 - 12_000 + 4000, L((await h.Account(patient))["deposit"]!["balance"])); // the executed 4000 only

        (await h.Api.Post($"{h.H}/patients/{patient}/refunds/{Str(second["id"])}/approve", null, finance)).Expect(HttpStatusCode.OK);
        await using var session = app.Services.GetRequiredService<IDocumentStore>().QuerySession(h.S.TenantId);
        var events = (await session.Events.FetchStreamAsync($"hosp-{patient}")).Select(e => e.Data).ToList();
        var asked = events.OfType<RefundRequested>().Single(e => e.RefundId == Str(second["id"]));
        var approved = events.OfType<RefundApproved>().Single(e => e.RefundId == Str(second["id"]));
        Assert.False(string.IsNullOrEmpty(asked.RequestedById));
        Assert.False(string.IsNullOrEmpty(approved.ApprovedById));
        Assert.NotEqual(asked.RequestedById, approved.ApprovedById);
    }

    [Fact]
    public async Task A_discharge_refund_above_the_threshold_waits_for_a_second_person()
    {
        var h = await HospitalScenario.Start(app, threshold: 5000);
        var (patient, _) = await h.Patient();
        var paidIn = await h.Deposit(patient, 9000, "wechat-pay");
        var cashier = await h.S.UserToken(Roles.Cashier);
        var discharged = (await h.Api.Post($"{h.H}/patients/{patient}/discharge", null, cashier, "dis-1")).Expect(HttpStatusCode.OK);
        Assert.Equal("pending_approval", Str(discharged["status"]));
        Assert.Equal(0, L(discharged["refundedAmount"]));
        Assert.Equal(9000, L((await h.Account(patient))["deposit"]!["balance"]));
        var refundId = Str(discharged["refund"]!["id"]);
        (await h.Api.Post($"{h.H}/patients/{patient}/refunds/{refundId}/approve", null, cashier)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");

        var approved = (await h.Api.Post($"{h.H}/patients/{patient}/refunds/{refundId}/approve", null, await h.S.UserToken(Roles.Finance))).Expect(HttpStatusCode.OK);
        Assert.Equal("executed", Str(approved["status"]));
        await h.S.IntentUntil(paidIn, i => L(i["refundedAmount"]) == 9000);
        var tb = await h.S.TrialBalance();
        Assert.Equal(0, tb.Account($"patient:{patient}:deposit"));
        Assert.Equal(0, tb.Account($"patient:{patient}:refund-hold"));
    }

    [Fact]
    public async Task Raising_the_refund_approval_threshold_needs_a_second_person()
    {
        var h = await HospitalScenario.Start(app, threshold: 5000);
        var finance = await h.S.UserToken(Roles.Finance);
        var asked = (await h.Api.Send(HttpMethod.Put, $"{h.H}/settings", new { refundApprovalThreshold = 10_000_000, creditLimit = 9_000_000 }, finance)).Expect(HttpStatusCode.OK);
        Assert.Equal(5000, L(asked["refundApprovalThreshold"]));
        var change = asked["pendingChange"]!;
        Assert.Equal(10_000_000, L(change["refundApprovalThreshold"]));
        Assert.Equal(5000, L((await h.Api.Get($"{h.H}/settings", finance)).Expect(HttpStatusCode.OK)["refundApprovalThreshold"]));
        // The asker cannot approve it, nor can a cashier.
        (await h.Api.Post($"{h.H}/settings/changes/{Str(change["id"])}/approve", null, finance)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await h.Api.Post($"{h.H}/settings/changes/{Str(change["id"])}/approve", null, await h.S.UserToken(Roles.Cashier))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await h.Api.Post($"{h.H}/settings/changes/chg_nope/approve", null, h.S.AdminToken)).ExpectProblem(HttpStatusCode.NotFound, "not_found");

        var approved = (await h.Api.Post($"{h.H}/settings/changes/{Str(change["id"])}/approve", null, h.S.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal(10_000_000, L(approved["refundApprovalThreshold"]));
        Assert.Equal(9_000_000, L(approved["creditLimit"]));
        Assert.Null(approved.Body!["pendingChange"]);

        // Lowering is stricter: it applies at once.
        Assert.Equal(2000, L((await h.Api.Send(HttpMethod.Put, $"{h.H}/settings", new { refundApprovalThreshold = 2000 }, finance)).Expect(HttpStatusCode.OK)["refundApprovalThreshold"]));
    }
}
