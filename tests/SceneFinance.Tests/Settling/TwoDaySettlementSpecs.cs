using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SceneFinance.Grains;
using SceneFinance.Payments.Simulator;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Tests.Campus;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Settling;

/// <summary>
/// Two business days of a campus: canteen taps at two merchants, online top-ups (one refunded), a bill paid online with an
/// excess refunded, a late offline upload, and channels that lose, repeat and misstate. Closed, settled and reconciled by the
/// bank's operations; every party paid what it is owed, once.
/// </summary>
[Collection(SharedBackOfficeApp.Name)]
public sealed class TwoDaySettlementSpecs(BackOfficeApp app)
{
    [Fact]
    public async Task Two_days_are_closed_settled_and_reconciled_exactly()
    {
        var s = await Scenario.Start(app, "campus");
        var grains = app.Services.GetRequiredService<IGrainFactory>();
        await s.ImportCsv(Roster.Csv(Roster.Row("0101", "李雷", "G1", "1", "韩梅", "13900000001")));
        await s.Generate(await s.Plan("G1", [20_000]));
        var bill = await s.BillOf("0101");
        var parent = await s.Guardian("13900000001");
        var (holder, card) = await s.CardHolder(cash: 100_000);
        var tillA = await s.Terminal();                      // the tenant's first merchant
        var tillB = await s.Terminal();
        var m1 = tillA.MerchantId;
        var m2 = Ids.New("mch");
        await grains.GetGrain<IMerchantGrain>(GrainKeys.For(s.TenantId, m2)).Open("2号档口 Stall 2", MerchantCategories.Canteen, DateTimeOffset.UtcNow);
        await grains.GetGrain<IMerchantTerminalGrain>(GrainKeys.For(s.TenantId, tillB.Id)).MoveTo(m2, DateTimeOffset.UtcNow);
        await s.Account(m1, "6222 0200 0000 1111", await s.UserToken("finance")); // the tenant's finance office keeps its parties' accounts
        await s.Account(m2, "6222020000002222");
        await s.Account("institution", "6222020000003333");
        await s.Fees(m1, 60);
        await s.Fees(m2, 30, minPerTransaction: 5);

        // Day 1: taps, top-ups through three channels (one refunded), a bill paid online with 1,000 too much.
        foreach (var amount in new[] { 1_000L, 2_500L }) Assert.Equal("approved", (await s.Api.Pay(tillA, card, amount)).Expect(HttpStatusCode.OK).S("status"));
        Assert.Equal("approved", (await s.Api.Pay(tillB, card, 800)).Expect(HttpStatusCode.OK).S("status"));
        var alipay = await TopUp(s, holder, 5_000, "alipay");
        (await s.Api.Post($"{s.Base}/payment-intents/{alipay}/refunds", new { amount = 2_000 }, s.AdminToken, "refund-1")).Expect(HttpStatusCode.OK);
        await s.IntentUntil(alipay, i => i["refunds"]!.AsArray().All(r => r!["status"]!.GetValue<string>() == "succeeded"));
        var behaviour = app.Simulators["wechat-pay"].Behaviour;
        behaviour.NotificationLossRate = 1;                  // the channel never tells us; the janitor is away
        var lost = await TopUp(s, holder, 3_000, "wechat-pay", wait: false);
        behaviour.NotificationLossRate = 0;
        behaviour.DuplicateRate = 1;                         // the channel tells us twice
        await TopUp(s, holder, 4_000, "unionpay");
        behaviour.DuplicateRate = 0;
        // Both parents pay the bill at once (nothing is reserved): the later payment is refunded in full, automatically.
        var payments = new[] { (await s.PayOnline(bill, 20_000, parent, "e-cny")).Expect(HttpStatusCode.Created).S("id"),
                               (await s.PayOnline(bill, 20_000, parent, "alipay")).Expect(HttpStatusCode.Created).S("id") };
        app.Simulators["e-cny"].PayerDecides(app.OrderNo("e-cny", payments[0]), true);
        await s.IntentUntil(payments[0], Gateway.Settled);
        app.Simulators["alipay"].PayerDecides(app.OrderNo("alipay", payments[1]), true);
        await s.IntentUntil(payments[1], i => Gateway.Settled(i) && i["refunds"]!.AsArray().Any(r => r!["status"]!.GetValue<string>() == "succeeded"), 30);
        app.Simulators["alipay"].MisstateInStatement(app.OrderNo("alipay", alipay), new StatementFault(Twice: true)); // listed twice
        var tapBeforeCut = DateTimeOffset.UtcNow;

        var day1 = await s.Close();
        var d1 = day1.S("day");
        Assert.Equal(day1.ToJsonString(), (await s.Close(d1)).ToJsonString()); // closing again answers the first close
        var run1 = await s.Settle(d1, "run-d1");
        Assert.Equal(run1.ToJsonString(), (await s.Settle(d1, "run-d1")).ToJsonString());
        Assert.Equal(run1.L("payouts"), (await s.Settle(d1)).L("payouts")); // by hand again: nothing more

        // Day 2: the till uploads a tap it took offline before the cut, reports its day; another till disagrees; more taps.
        var offline = (await s.Api.Batch(tillA, Offline.Item(card, 600, tapBeforeCut))).Expect(HttpStatusCode.OK);
        Assert.Equal("approved", offline["results"]![0]!["status"]!.GetValue<string>());
        await s.TillSummary(tillA, d1, 3, 4_100);
        await s.TillSummary(tillB, d1, 1, 500);
        Assert.Equal("approved", (await s.Api.Pay(tillA, card, 1_500)).Expect(HttpStatusCode.OK).S("status"));

        // Reconciling day 1 finds exactly what was injected: the lost notification, the repeated statement line, the late upload, the till.
        var rec = await s.Reconcile(d1);
        var found = rec["exceptions"]!.AsArray().Select(e => (e.S("kind"), e.S("source"))).OrderBy(x => x).ToList();
        Assert.Equal([("amount_differs", tillB.Id), ("duplicate", "alipay"), ("late", tillA.Id), ("missing_here", "wechat-pay")], found);
        Assert.Equal(rec["exceptions"]!.ToJsonString(), (await s.Reconcile(d1))["exceptions"]!.ToJsonString()); // again: nothing new
        var lostOrder = app.OrderNo("wechat-pay", lost);
        Assert.Contains(rec["exceptions"]!.AsArray(), e => e.S("subject") == $"payment:{lostOrder}");

        // The till was right: stall 2 charged 300 too much. A second person approves the correction; it lands in day 2.
        var exception = rec["exceptions"]!.AsArray().Single(e => e.S("kind") == "amount_differs").S("id");
        var ex = $"{s.Base}/reconciliation/exceptions/{exception}";
        (await s.Api.Post($"{ex}/assign", new { assignee = "ops-li" }, s.AdminToken)).Expect(HttpStatusCode.OK);
        (await s.Api.Post($"{ex}/comments", new { text = "Till B's receipt roll shows 5.00" }, s.AdminToken)).Expect(HttpStatusCode.OK);
        (await s.Api.Post($"{ex}/adjustment", new { debitAccount = $"merchant-receivable:{m2}", creditAccount = "suspense:reconciliation", amount = 300, memo = "overcharge at stall 2" }, s.AdminToken))
            .Expect(HttpStatusCode.OK);
        (await s.Api.Post($"{ex}/adjustment/approve", null, s.AdminToken, "approve-1")).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        var finance = await s.UserToken("finance");
        var approved = (await s.Api.Post($"{ex}/adjustment/approve", null, finance, "approve-2")).Expect(HttpStatusCode.OK);
        Assert.Equal("resolved", approved.S("status"));
        (await s.Api.Post($"{s.Base}/reconciliation/exceptions/{rec["exceptions"]!.AsArray().Single(e => e.S("kind") == "late").S("id")}/resolve",
            new { reason = "offline upload; settles with day 2" }, finance)).Expect(HttpStatusCode.OK);

        var day2 = await s.Close();
        var d2 = day2.S("day");
        Assert.NotEqual(d1, d2);
        await s.Settle(d2);

        // Each party's net = gross − refunds + funding − fee, and payouts + fees + carried = what the parties took.
        var statements = await s.Statements();
        foreach (var st in statements)
            Assert.Equal(st.L("gross") - st.L("refunds") + st.L("funding") - st.L("fee"), st.L("net"));
        JsonNode Statement(string party, string day) => statements.Single(x => x.S("partyId") == party && x.S("day") == day)!;
        Assert.Equal((3_500L, 21L, 3_479L), (Statement(m1, d1).L("gross"), Statement(m1, d1).L("fee"), Statement(m1, d1).L("payout")));
        Assert.Equal((800L, 5L, 795L), (Statement(m2, d1).L("gross"), Statement(m2, d1).L("fee"), Statement(m2, d1).L("payout")));
        Assert.Equal((40_000L, 20_000L, 20_000L), (Statement("institution", d1).L("gross"), Statement("institution", d1).L("refunds"), Statement("institution", d1).L("payout")));
        Assert.Equal((2_100L, 1, 13L, 2_087L), (Statement(m1, d2).L("gross"), Statement(m1, d2)["lateCount"]!.GetValue<int>(), Statement(m1, d2).L("fee"), Statement(m1, d2).L("payout")));
        Assert.Equal((300L, -300L, 0L, -300L), (Statement(m2, d2).L("refunds"), Statement(m2, d2).L("net"), Statement(m2, d2).L("payout"), Statement(m2, d2).L("carriedOut")));
        var took = statements.Sum(x => x.L("gross") - x.L("refunds") + x.L("funding"));
        var payouts = await s.Payouts();
        var carried = statements.GroupBy(x => x.S("partyId")).Sum(g => g.OrderBy(x => x.S("day")).Last().L("carriedOut"));
        Assert.Equal(took, payouts.Sum(p => p.L("amount")) + statements.Sum(x => x.L("fee")) + carried);
        Assert.Equal(4, payouts.Count); // m1 twice, m2 and the school once; m2's second day carries its negative

        // The day-end trial balances balance, and day 1's closing balances are day 2's openings.
        var r1 = await s.DayReport(d1);
        var r2 = await s.DayReport(d2);
        Assert.Equal(r1.L("totalDebit"), r1.L("totalCredit"));
        Assert.Equal(r2.L("totalDebit"), r2.L("totalCredit"));
        var closing1 = r1["accounts"]!.AsArray().ToDictionary(a => a.S("account"), a => a.L("closing"));
        foreach (var a in r2["accounts"]!.AsArray()) Assert.Equal(closing1.GetValueOrDefault(a.S("account")), a.L("opening"));
        Assert.Equal(0, r2["accounts"]!.AsArray().Sum(a => a.L("closing")));
        var closing2 = r2["accounts"]!.AsArray().ToDictionary(a => a.S("account"), a => a.L("closing"));
        Assert.Equal(-2_100, closing2[$"merchant-receivable:{m1}"]); // day 2's taps and the late one wait for day 2's settlement
        Assert.Equal(1, (await s.Reconcile(d2))["exceptions"]!.AsArray().Count(e => e.S("kind") == "missing_here")); // still unrecorded: still the one exception

        // Re-running changes nothing: the closes, the runs, the ledger.
        var before = (await s.TrialBalance()).ToJsonString();
        await s.Close(d1);
        await s.Close(d2);
        await s.Settle(d1);
        await s.Settle(d2);
        Assert.Equal(before, (await s.TrialBalance()).ToJsonString());
        Assert.Equal(r1["accounts"]!.ToJsonString(), (await s.DayReport(d1))["accounts"]!.ToJsonString()); // a closed day's figures never change
        var tb = await s.TrialBalance();
        Assert.Equal(0, tb.Account($"merchant-receivable:{m1}")); // both days settled: nothing left owed unsettled
        Assert.Equal(-payouts.Sum(p => p.L("amount")), tb.Account("payout-clearing")); // instructed, not yet confirmed paid
        Assert.Equal(300, tb.Account($"settlement-payable:{m2}")); // the negative carried: a debit balance
    }

    /// <summary>An online top-up the payer approves; waits until the money is applied unless the channel is not expected to tell us.</summary>
    async Task<string> TopUp(Scenario s, string holder, long amount, string channel, bool wait = true)
    {
        var id = (await s.OnlineTopUp(holder, amount, channel)).Expect(HttpStatusCode.Created).S("id");
        app.Simulators[channel].PayerDecides(app.OrderNo(channel, id), true);
        if (wait) await s.IntentUntil(id, Gateway.Settled);
        else await Task.Delay(500);
        return id;
    }
}
