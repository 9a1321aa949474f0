using Marten;
using SceneFinance.Grains;
using SceneFinance.Payments.Gateway;
using SceneFinance.Payments.Intents;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Ledger;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.CardHolders.ToppingUpOnline;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Grains;

/// <summary>
/// The same payment intent active in two silos at once, both told by the channel that it succeeded: each intent ends
/// succeeded and fulfilled exactly once (the purse credited once), with no retry left hanging.
/// </summary>
public sealed class IntentRaceTests(TwoSilos silos) : IClassFixture<TwoSilos>
{
    [Fact]
    public async Task Two_activations_told_of_the_same_success_credit_it_exactly_once()
    {
        var now = DateTimeOffset.UtcNow;
        var tenant = Ids.New("tn");
        await silos.A.GetGrain<ITenantGrain>(tenant).Create("Race school", "campus", now);
        var holderId = Ids.New("ch");
        Assert.Null((await silos.A.GetGrain<ICardHolderGrain>(GrainKeys.For(tenant, holderId))
            .Register(new RegisterCardHolder("R" + holderId[^8..], "Li Lei", "student", Scenario.NewCardNumber(), null, null, null, now))).Refusal);

        var gateway = silos.ServiceOfA<IPaymentGateway>();
        var intents = new List<PaymentIntentView>();
        for (var i = 0; i < 12; i++)
        {
            var created = await gateway.CreateIntent(tenant, new CreateIntent(PaymentChannels.Alipay, 100 + i, "race top-up",
                new IntentPurpose(CardTopUpFulfilment.PurposeKind, holderId, "cash"), IdempotencyTicket.For("tenant", $"race-{i}", "t"), "test", now));
            intents.Add(created.Value ?? throw new InvalidOperationException(created.Refusal!.Detail));
        }

        var adapter = silos.ServiceOfA<ChannelAdapters>().Get(PaymentChannels.Alipay);
        var answers = await Task.WhenAll(intents.SelectMany(intent => new[] { silos.A, silos.B }.Select(silo =>
            silo.GetGrain<IPaymentIntentGrain>(GrainKeys.For(tenant, intent.Id)).Notify(
                new ChannelNotice("n-" + intent.Id, adapter.OrderNo(intent.Id), null, IntentStatus.Succeeded, intent.Amount, "tx-" + intent.Id), now))))
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.All(answers, a => Assert.Null(a.Refusal));
        foreach (var intent in intents)
            foreach (var silo in new[] { silos.A, silos.B })
            {
                var view = (await silo.GetGrain<IPaymentIntentGrain>(GrainKeys.For(tenant, intent.Id)).Reconcile(now)).Value!;
                Assert.Equal((IntentStatus.Succeeded, true), (view.Status, view.Fulfilled));
            }
        var expected = intents.Sum(i => i.Amount);
        Assert.Equal(expected, (await silos.B.GetGrain<ICardHolderGrain>(GrainKeys.For(tenant, holderId)).Get())!.Balance.Cash);
        var tb = await TrialBalanceEndpoint.Read(silos.ServiceOfA<IDocumentStore>(), tenant);
        Assert.Equal(tb.TotalDebit, tb.TotalCredit);
        Assert.Equal(0, tb.Accounts.Where(a => a.Account.StartsWith("gateway-unapplied:")).Sum(a => a.Balance));
        Assert.Equal(-expected, tb.Accounts.Single(a => a.Account == Accounts.Purse(holderId, "cash")).Balance);
    }
}
