using System.Net;
using SceneFinance.Platform.Security;
using SceneFinance.Tests.Infrastructure;
using static SceneFinance.Tests.Hospital.HospitalScenario;

namespace SceneFinance.Tests.Hospital;

/// <summary>Issue 15, cash at the window: a cashier shift from float to count, cash refunds only of cash, the day's cash by cashier.</summary>
[Collection(SharedGatewayApp.Name)]
public sealed class CashWindowSpecs(GatewayApp app)
{
    static string Key() => Guid.NewGuid().ToString("N");

    [Fact]
    public async Task A_shift_counted_short_beyond_the_threshold_closes_when_a_second_person_approves_and_the_books_balance()
    {
        var h = await HospitalScenario.Start(app);
        (await h.Api.Send(HttpMethod.Put, $"{h.H}/settings", new { cashDifferenceThreshold = 1000 }, h.S.AdminToken)).Expect(HttpStatusCode.OK);
        var cashier = await h.S.UserToken(Roles.Cashier);
        var (patient, _) = await h.Patient();
        var first = Str((await h.Order(patient, 8000, "drug"))["id"]);
        var second = Str((await h.Order(patient, 3000, "lab"))["id"]);

        // Cash without a shift is refused; with one, it goes into its drawer.
        (await h.Api.Post($"{h.H}/patients/{patient}/payments", new { orderIds = new[] { first }, tender = "cash" }, cashier, Key()))
            .ExpectProblem(HttpStatusCode.Conflict, "no_open_shift");
        var shift = (await h.Api.Post($"{h.H}/cash-shifts", new { @float = 20_000 }, cashier, Key())).Expect(HttpStatusCode.Created);
        var shiftId = Str(shift["id"]);
        (await h.Api.Post($"{h.H}/cash-shifts", new { @float = 10_000 }, cashier, Key())).ExpectProblem(HttpStatusCode.Conflict, "shift_open");
        var receipt = (await h.Api.Post($"{h.H}/patients/{patient}/payments", new { orderIds = new[] { first }, tender = "cash" }, cashier, Key())).Expect(HttpStatusCode.OK);
        Assert.Equal(("cash", 8000L), (Str(receipt["tender"]), L(receipt["amount"])));
        (await h.Api.Post($"{h.H}/patients/{patient}/payments", new { orderIds = new[] { second }, tender = "cash" }, cashier, Key())).Expect(HttpStatusCode.OK);
        var refund = (await h.Api.Post($"{h.H}/patients/{patient}/refunds", new { kind = "order", orderId = second, amount = 3000, reason = "检查取消 canceled", tender = "cash" },
            cashier, Key())).Expect(HttpStatusCode.OK);
        Assert.Equal("executed", Str(refund["status"]));
        Assert.Equal(("cash", "done"), (Str(refund["lines"]![0]!["tender"]), Str(refund["lines"]![0]!["status"])));

        var current = (await h.Api.Get($"{h.H}/cash-shifts/current", cashier)).Expect(HttpStatusCode.OK);
        Assert.Equal((20_000L, 11_000L, 3000L, 28_000L), (L(current["float"]), L(current["taken"]), L(current["refunded"]), L(current["expected"])));

        // Counted 20 yuan short: it needs a reason, and beyond the 10-yuan threshold a second person.
        (await h.Api.Post($"{h.H}/cash-shifts/{shiftId}/close", new { counted = 26_000 }, cashier)).ExpectProblem(HttpStatusCode.BadRequest, "difference_needs_reason");
        var asked = (await h.Api.Post($"{h.H}/cash-shifts/{shiftId}/close", new { counted = 26_000, reason = "找零错误 wrong change" }, cashier)).Expect(HttpStatusCode.OK);
        Assert.Equal(("pending_approval", -2000L), (Str(asked["status"]), L(asked["difference"])));
        var firstCount = Str(asked["approvalId"]);
        Assert.Equal(0, (await h.S.TrialBalance()).Account("cash-over-short")); // nothing booked before the approval
        (await h.Api.Post($"{h.S.Base}/approvals/{firstCount}/approve", null, cashier)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden"); // not an approver

        // The tenant admin recounts (closing again while it waits): a new request; its asker cannot approve it, and the first count no longer closes it.
        var recount = (await h.Api.Post($"{h.H}/cash-shifts/{shiftId}/close", new { counted = 26_500, reason = "复点 recounted" }, h.S.AdminToken)).Expect(HttpStatusCode.OK);
        var approvalId = Str(recount["approvalId"]);
        (await h.Api.Post($"{h.S.Base}/approvals/{approvalId}/approve", null, h.S.AdminToken)).ExpectProblem(HttpStatusCode.Forbidden, "second_approver_required");
        var finance = await h.S.UserToken(Roles.Finance);
        (await h.Api.Post($"{h.S.Base}/approvals/{firstCount}/approve", null, finance)).ExpectProblem(HttpStatusCode.Conflict, "shift_closed");
        (await h.Api.Post($"{h.S.Base}/approvals/{approvalId}/approve", null, finance)).Expect(HttpStatusCode.OK);

        var closed = (await h.Api.Get($"{h.H}/cash-shifts/{shiftId}", h.S.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal(("closed", 28_000L, 26_500L, -1500L), (Str(closed["status"]), L(closed["expected"]), L(closed["counted"]), L(closed["difference"])));
        Assert.NotNull(closed["approvedBy"]);
        (await h.Api.Post($"{h.H}/cash-shifts/{shiftId}/close", new { counted = 28_000 }, cashier)).ExpectProblem(HttpStatusCode.Conflict, "shift_closed");
        (await h.Api.Get($"{h.H}/cash-shifts/current", cashier)).ExpectProblem(HttpStatusCode.NotFound, "not_found");

        var tb = await h.S.TrialBalance();
        Assert.Equal(0, tb.Account($"cash-drawer:{shiftId}"));
        Assert.Equal(1500, tb.Account("cash-over-short"));
        Assert.Equal(26_500 - 20_000, tb.Account("cash-safe"));

        var report = (await h.Api.Get($"{h.H}/reports/daily", h.S.AdminToken)).Expect(HttpStatusCode.OK);
        var line = Assert.Single(report["byCashier"]!.AsArray());
        Assert.Equal((2, 11_000L, 3000L, 8000L), (line!["payments"]!.GetValue<int>(), L(line["taken"]), L(line["refunded"]), L(line["net"])));
        var listed = (await h.Api.Get($"{h.H}/cash-shifts?status=closed", h.S.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Contains(listed["items"]!.AsArray(), s => Str(s!["id"]) == shiftId && L(s["difference"]) == -1500);
    }

    [Fact]
    public async Task A_cash_refund_is_refused_for_an_order_paid_by_card_and_changes_nothing()
    {
        var h = await HospitalScenario.Start(app);
        var cashier = await h.S.UserToken(Roles.Cashier);
        var (patient, _) = await h.Patient();
        var order = Str((await h.Order(patient, 5000, "drug"))["id"]);
        var intent = (await h.CashierPay(patient, "unionpay", order)).Expect(HttpStatusCode.Created);
        await h.Approve(intent.Body!);
        (await h.Api.Post($"{h.H}/cash-shifts", new { @float = 10_000 }, cashier, Key())).Expect(HttpStatusCode.Created);

        (await h.Api.Post($"{h.H}/patients/{patient}/refunds", new { kind = "order", orderId = order, amount = 5000, reason = "退费 refund", tender = "cash" }, cashier, Key()))
            .ExpectProblem(HttpStatusCode.Conflict, "not_cash_paid");
        var account = await h.Account(patient);
        Assert.Equal(0, L(account["orders"]!.AsArray().Single(o => Str(o!["id"]) == order)!["refundedAmount"]));
        Assert.Empty(account["refunds"]!.AsArray());
        var current = (await h.Api.Get($"{h.H}/cash-shifts/current", cashier)).Expect(HttpStatusCode.OK);
        Assert.Equal((0L, 10_000L), (L(current["refunded"]), L(current["expected"])));
        await h.S.TrialBalance();
    }
}
