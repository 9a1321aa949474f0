using System.Text.Json;
using Marten;
using SceneFinance.Grains;
using SceneFinance.Platform;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Ledger;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Hospital.Patients;
using SceneFinance.Scenes.Hospital.PayingOrders;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Grains;

/// <summary>
/// The same patient account active in two silos at once: the gateway's deposit told to both, every HIS order posted by both,
/// every order paid from the deposit through both (a cashier's double click landing on two silos). Each movement happens
/// once, both silos answer an HIS order id alike, and the deposit never pays beyond what it holds.
/// </summary>
public sealed class PatientAccountRaceTests(TwoSilos silos) : IClassFixture<TwoSilos>
{
    const int Orders = 12;
    const long OrderAmount = 1000, Deposit = 10_000; // enough for 10 of the 12 orders

    [Fact]
    public async Task Two_activations_apply_each_movement_once_and_never_pay_beyond_the_deposit()
    {
        var now = DateTimeOffset.UtcNow;
        var tenant = Ids.New("tn");
        await silos.A.GetGrain<ITenantGrain>(tenant).Create("Race hospital", "hospital", now);
        var patientId = Ids.New("ch");
        Assert.Null((await silos.A.GetGrain<ICardHolderGrain>(GrainKeys.For(tenant, patientId))
            .Register(new RegisterCardHolder("MRN" + patientId[^6..], "张三 Zhang San", "patient", Scenario.NewCardNumber(), null, null, null, now))).Refusal);
        IPatientAccountGrain In(IClusterClient silo) => silo.GetGrain<IPatientAccountGrain>(GrainKeys.For(tenant, patientId));
        var both = new[] { silos.A, silos.B };

        // The channel's money for the deposit, told to both activations.
        var deposit = new ChannelMoney(HospitalPurposes.Deposit, "pi_race", "alipay", Deposit, [], "test", now);
        Assert.All(await Task.WhenAll(both.Select(s => In(s).ApplyChannelMoney(deposit))), a => Assert.Null(a.Refusal));

        // Every HIS order posted through both at once: one order per HIS order id, the same answer on both.
        var posted = await Task.WhenAll(Enumerable.Range(0, Orders).SelectMany(i => both.Select(async silo =>
            (His: $"LAB-{i}", Order: await In(silo).PostOrder(HisOrder($"LAB-{i}", patientId, OrderAmount, now))))))
            .WaitAsync(TimeSpan.FromSeconds(60));
        Assert.All(posted, p => Assert.Null(p.Order.Refusal));
        Assert.All(posted.GroupBy(p => p.His), g => Assert.Single(g.Select(p => Json(p.Order.Value)).Distinct()));
        // Another order under a used HIS order id (through the other silo): refused, nothing posted.
        var reused = await In(silos.B).PostOrder(HisOrder("LAB-0", patientId, OrderAmount + 1, now));
        Assert.Equal(ErrorCodes.IdempotencyConflict, reused.Refusal?.Code);

        // Every order paid from the deposit through both at once, under one key per order.
        var orderIds = posted.Select(p => p.Order.Value!.Id).Distinct().ToList();
        Assert.Equal(Orders, orderIds.Count);
        var paid = await Task.WhenAll(orderIds.SelectMany(id => both.Select(async silo =>
            (Id: id, Paid: await In(silo).Pay(new PayOrders([id], Tenders.Deposit, "test", IdempotencyTicket.For("tenant", "pay-" + id, id), DateTimeOffset.UtcNow))))))
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.DoesNotContain(paid, p => p.Paid.Refusal is { } r && r.Code != ErrorCodes.InsufficientFunds); // never "changed meanwhile"
        Assert.All(paid.GroupBy(p => p.Id), g => Assert.Single(g.Select(p => p.Paid.Value?.PaymentId ?? p.Paid.Refusal!.Code).Distinct()));
        var receipts = paid.Where(p => p.Paid.Value is not null).Select(p => p.Paid.Value!).DistinctBy(r => r.PaymentId).ToList();
        Assert.Equal((int)(Deposit / OrderAmount), receipts.Count);

        foreach (var silo in both)
        {
            var account = (await In(silo).Get()).Value!;
            Assert.Equal(0, account.Deposit.Balance);
            Assert.Equal(Orders * OrderAmount - Deposit, account.DueAmount);
            Assert.Equal(Deposit / OrderAmount, account.Orders.Count(o => o.Status == OrderStatus.Paid));
        }
        var tb = await TrialBalanceEndpoint.Read(silos.ServiceOfA<IDocumentStore>(), tenant);
        Assert.Equal(tb.TotalDebit, tb.TotalCredit);
        Assert.Equal(0, tb.Accounts.SingleOrDefault(a => a.Account == HospitalAccounts.Deposit(patientId))?.Balance ?? 0);
        Assert.Equal(-Deposit, tb.Accounts.Single(a => a.Account == HospitalAccounts.HospitalPayable).Balance);
        Assert.Equal(Deposit, tb.Accounts.Single(a => a.Account == Accounts.GatewayUnapplied("alipay")).Balance); // the deposit applied once
    }

    static PostHisOrder HisOrder(string hisOrderId, string patientId, long amount, DateTimeOffset now) => new(
        new OrderSpec(hisOrderId, "V1", "lab", "血常规 blood count", amount, 0, null), "his:race",
        IdempotencyTicket.For("his/race", hisOrderId, patientId, "V1", "lab", amount), now);

    static string Json(object? value) => JsonSerializer.Serialize(value, SceneJson.Options);
}
