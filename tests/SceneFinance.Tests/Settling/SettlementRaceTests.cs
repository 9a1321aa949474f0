using Marten;
using SceneFinance.BackOffice.DayEnd;
using SceneFinance.BackOffice.Settling;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Settling;

/// <summary>Two silos that both hold a tenant's day-end, or a party: a day closes once and settles once.</summary>
public sealed class SettlementRaceTests(TwoSilos silos) : IClassFixture<TwoSilos>
{
    [Fact]
    public async Task Closing_a_day_on_two_silos_at_once_closes_it_once()
    {
        var tenant = "ten_" + Guid.NewGuid().ToString("N")[..12];
        var now = DateTimeOffset.UtcNow;
        var a = silos.A.GetGrain<IDayEndGrain>(DayEndGrain.KeyOf(tenant));
        var b = silos.B.GetGrain<IDayEndGrain>(DayEndGrain.KeyOf(tenant));
        var day = (await a.Status(now)).OpenDay;
        await b.Status(now);

        var closes = await Task.WhenAll(a.Close(day, true, "ops-a", now), b.Close(day, true, "ops-b", now));
        Assert.All(closes, c => Assert.Null(c.Refusal));
        Assert.Equal(closes[0].Value, closes[1].Value);
        var events = await Events(tenant, $"day-end-{tenant}");
        Assert.Single(events.OfType<BusinessDayClosed>());
        Assert.Equal(day.AddDays(1), (await b.Status(now)).OpenDay);
    }

    [Fact]
    public async Task Settling_a_party_s_day_on_two_silos_at_once_settles_and_pays_it_once()
    {
        var tenant = "ten_" + Guid.NewGuid().ToString("N")[..12];
        var now = DateTimeOffset.UtcNow;
        var key = GrainKeys.For(tenant, "mch_race");
        var a = silos.A.GetGrain<ISettlementPartyGrain>(key);
        var b = silos.B.GetGrain<ISettlementPartyGrain>(key);
        await a.Open(PartyKinds.Merchant, "档口", now);
        Assert.Null((await a.SetAccount("工商银行", "档口", "protected", "1234", "ops", now)).Refusal);
        await b.Get();
        var day = new DateOnly(2026, 9, 1);
        StatementLine[] lines = [new(1, "payment_approved", "s", LineCategories.Gross, 700, now, now, false)];

        var settled = await Task.WhenAll(a.Settle(day, lines, now), b.Settle(day, lines, now));
        Assert.All(settled, s => Assert.Equal(700, s.Value!.Payout));
        var events = await Events(tenant, $"settlement-{tenant}-mch_race");
        Assert.Single(events.OfType<PartyDaySettled>());
        Assert.Single(events.OfType<PayoutInstructed>());
    }

    async Task<IReadOnlyList<object>> Events(string tenant, string stream)
    {
        await using var session = silos.ServiceOfA<IDocumentStore>().QuerySession(tenant);
        return (await session.Events.FetchStreamAsync(stream)).Select(e => e.Data).ToList();
    }
}
