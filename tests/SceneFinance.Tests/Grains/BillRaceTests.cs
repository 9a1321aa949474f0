using System.Text.Json;
using Marten;
using SceneFinance.Grains;
using SceneFinance.Platform;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Ledger;
using SceneFinance.Platform.Outcomes;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Campus.Billing;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Grains;

/// <summary>
/// The same bill active in two silos at once (a split brain, a duplicate activation in a failover): its single writer still takes
/// every payment once, never beyond what is owed, answers a repeated request the same on both, and leaves no call failing.
/// </summary>
public sealed class BillRaceTests(TwoSilos silos) : IClassFixture<TwoSilos>
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    async Task<(string Tenant, string BillId)> Bill(long amount)
    {
        var now = DateTimeOffset.UtcNow;
        var tenant = Ids.New("tn");
        Assert.Null((await silos.A.GetGrain<ITenantGrain>(tenant).Create("Race school", "campus", now)).Refusal);
        var billId = Ids.Derived("bill", $"plan_race|{tenant}");
        var issued = await Grain(silos.B, tenant, billId).Issue(new IssueBill("plan_race", "Autumn", "2026-autumn", "0001", "ch_race", "Ming", "G1", "C1",
            [new BillLine("tuition", "fee", amount)], 0, [new InstallmentShare(DateOnly.FromDateTime(now.UtcDateTime).AddDays(30), 10_000)], 0, 0, now));
        Assert.True(issued.Value!.Issued);
        // Both silos hold an activation of the bill before the race starts.
        Assert.NotNull(await Grain(silos.A, tenant, billId).Get());
        Assert.NotNull(await Grain(silos.B, tenant, billId).Get());
        return (tenant, billId);
    }

    static string Json<T>(Outcome<T> outcome) => JsonSerializer.Serialize(outcome, SceneJson.Options);

    static IBillGrain Grain(IClusterClient silo, string tenant, string billId) => silo.GetGrain<IBillGrain>(GrainKeys.For(tenant, billId));

    IClusterClient[] Both => [silos.A, silos.B];

    [Fact]
    public async Task Counter_payments_from_two_activations_are_each_applied_once_never_beyond_the_bill_and_a_repeated_key_is_answered_alike()
    {
        const long amount = 100_000, each = 7_000; // 14 fit (98,000), the rest exceed the 2,000 left: the bill is never settled exactly
        var (tenant, billId) = await Bill(amount);
        var now = DateTimeOffset.UtcNow;
        var keys = Enumerable.Range(0, 24).Select(i => $"desk-{i}").ToList();

        // Every key sent to both silos at the same moment, each send a request of its own (its own payment id), as a retried request is.
        var answers = await Task.WhenAll(keys.SelectMany(key => Both.Select(async silo =>
        {
            var ticket = IdempotencyTicket.For("tenant", key, "bill-payment", billId, each, "counter", null, null);
            var paid = await Grain(silo, tenant, billId).PayOffline(new PayBillOffline(Ids.New("pay"), "counter", each, null, null, 0, "cashier", ticket, now));
            return (Key: key, Answer: paid);
        }))).WaitAsync(Deadline);

        // No call failed for a stale activation (no "changed meanwhile"): each was paid or refused by what the bill owed.
        Assert.All(answers, a => Assert.True(a.Answer.Refusal is null or { Code: CampusCodes.ExceedsOutstanding }, a.Answer.Refusal?.Detail));
        foreach (var key in answers.GroupBy(a => a.Key))
            Assert.Single(key.Select(a => Json(a.Answer)).Distinct()); // the same answer on both: one payment (the same id), or the same refusal
        var accepted = answers.Where(a => a.Answer.Value is not null).Select(a => a.Answer.Value!.PaymentId).Distinct().ToList();
        Assert.Equal(14, accepted.Count);

        foreach (var silo in Both)
        {
            var bill = (await Grain(silo, tenant, billId).Get())!;
            Assert.Equal((amount - 14 * each, 14 * each), (bill.OutstandingAmount, bill.PaidAtCounter));
        }
        await using var session = silos.ServiceOfA<IDocumentStore>().QuerySession(tenant);
        var lines = await session.Query<CollectionEntry>().Where(e => e.BillId == billId).ToListAsync();
        Assert.Equal(accepted.Order(), lines.Select(l => l.Id).Order()); // one journal line per payment applied
        Assert.Equal(amount - 14 * each, (await session.LoadAsync<BillListing>(billId))!.Outstanding);
        var tb = await TrialBalanceEndpoint.Read(silos.ServiceOfA<IDocumentStore>(), tenant);
        Assert.Equal(tb.TotalDebit, tb.TotalCredit);
        Assert.Equal(amount - 14 * each, tb.Accounts.Single(a => a.Account == CampusAccounts.Receivable(billId)).Balance);
    }

    [Fact]
    public async Task A_channel_payment_and_its_refund_told_to_two_activations_move_money_once_each()
    {
        const long amount = 30_000, each = 20_000;
        var (tenant, billId) = await Bill(amount);
        var now = DateTimeOffset.UtcNow;
        var intents = Enumerable.Range(0, 3).Select(i => Ids.New("pi")).ToList();

        var applied = await Task.WhenAll(intents.SelectMany(intent => Both.Select(async silo =>
            (Intent: intent, Answer: await Grain(silo, tenant, billId).PayOnline(new PayBillOnline(intent, "alipay", each, "guardian", now))))))
            .WaitAsync(Deadline);
        Assert.All(applied, a => Assert.Null(a.Answer.Refusal));
        foreach (var intent in applied.GroupBy(a => a.Intent)) Assert.Single(intent.Select(a => a.Answer.Value).Distinct());
        var moved = applied.DistinctBy(a => a.Intent).Select(a => a.Answer.Value!).ToList();
        Assert.Equal((amount, 3 * each - amount), (moved.Sum(m => m.Applied), moved.Sum(m => m.Excess)));

        // The excess of one payment refunded: both activations asked to fund the same refund take it once.
        var over = moved.First(m => m.Excess > 0);
        var funded = await Task.WhenAll(Both.Select(silo =>
            Grain(silo, tenant, billId).FundRefund(new RefundBill("re_" + over.IntentId[3..], over.IntentId, "alipay", over.Excess, now)))).WaitAsync(Deadline);
        Assert.All(funded, f => Assert.Null(f.Refusal));
        Assert.Single(funded.Select(f => f.Value).Distinct());

        var bill = (await Grain(silos.A, tenant, billId).Get())!;
        Assert.Equal((0L, amount, 3 * each - amount - over.Excess), (bill.OutstandingAmount, bill.PaidOnline, bill.HeldForRefund));
        var tb = await TrialBalanceEndpoint.Read(silos.ServiceOfA<IDocumentStore>(), tenant);
        Assert.Equal(tb.TotalDebit, tb.TotalCredit);
        Assert.Equal(-(3 * each - amount - over.Excess), tb.Accounts.Single(a => a.Account == CampusAccounts.Overpaid(billId)).Balance);
        Assert.Equal(3 * each, tb.Accounts.Single(a => a.Account == Accounts.GatewayUnapplied("alipay")).Balance);
    }
}
