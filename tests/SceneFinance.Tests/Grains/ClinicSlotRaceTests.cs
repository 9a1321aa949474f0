using Marten;
using SceneFinance.Grains;
using SceneFinance.Platform.Outcomes;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Hospital.Registering;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Grains;

/// <summary>
/// The same clinic session active in two silos at once, both handing out numbers for the same registrations: each
/// registration gets one number (the same on both), numbers are unique and never beyond the capacity, and no call fails
/// because its activation was stale (the grain before the single writer failed every one of them).
/// </summary>
public sealed class ClinicSlotRaceTests(TwoSilos silos) : IClassFixture<TwoSilos>
{
    [Fact]
    public async Task Two_activations_give_each_registration_one_unique_number()
    {
        var (tenant, key) = await Session(capacity: 40);
        var answers = await TakeFromBoth(key, 30);

        Assert.All(answers, a => Assert.Null(a.Outcome.Refusal));
        Assert.All(answers.GroupBy(a => a.Registration), g => Assert.Single(g.Select(a => a.Outcome.Value!.Number).Distinct()));
        Assert.Equal(Enumerable.Range(1, 30), answers.Select(a => a.Outcome.Value!.Number).Distinct().Order());
        Assert.Equal(30, (await Listing(tenant, key)).Taken);
    }

    [Fact]
    public async Task Two_activations_never_hand_out_more_numbers_than_the_session_has()
    {
        var (tenant, key) = await Session(capacity: 10);
        var answers = await TakeFromBoth(key, 25);

        var numbered = answers.Where(a => a.Outcome.Refusal is null).ToList();
        Assert.Equal(Enumerable.Range(1, 10), numbered.Select(a => a.Outcome.Value!.Number).Distinct().Order());
        Assert.Equal(10, numbered.Select(a => a.Registration).Distinct().Count());
        // Both silos say the same about each registration: its number, or that the session is full (never "changed meanwhile").
        Assert.All(answers.GroupBy(a => a.Registration), g => Assert.Single(g.Select(a => a.Outcome.Value?.Number.ToString() ?? a.Outcome.Refusal!.Detail).Distinct()));
        Assert.All(answers.Where(a => a.Outcome.Refusal is not null), a => Assert.Equal("This clinic session is full.", a.Outcome.Refusal!.Detail));
        Assert.Equal(10, (await Listing(tenant, key)).Taken);
    }

    async Task<(string Tenant, string Key)> Session(int capacity)
    {
        var now = DateTimeOffset.UtcNow;
        var tenant = Ids.New("tn");
        await silos.A.GetGrain<ITenantGrain>(tenant).Create("Race hospital", "hospital", now);
        var key = GrainKeys.For(tenant, Ids.New("slot"));
        Assert.Null((await silos.A.GetGrain<IClinicSlotGrain>(key).Open(new OpenClinicSlot("内科", "Dr Wang", now.AddHours(2), 1500, capacity, now))).Refusal);
        return (tenant, key);
    }

    /// <summary>Every registration asked for at once in both silos.</summary>
    async Task<(string Registration, Outcome<SlotNumber> Outcome)[]> TakeFromBoth(string key, int registrations) =>
        await Task.WhenAll(Enumerable.Range(0, registrations).Select(i => $"reg-{i}").SelectMany(r => new[] { silos.A, silos.B }.Select(async silo =>
            (r, await silo.GetGrain<IClinicSlotGrain>(key).Take(new TakeNumber(r, "ch_" + r, DateTimeOffset.UtcNow))))))
            .WaitAsync(TimeSpan.FromSeconds(60));

    async Task<ClinicSlot> Listing(string tenant, string key)
    {
        await using var session = silos.ServiceOfA<IDocumentStore>().QuerySession(tenant);
        return (await session.LoadAsync<ClinicSlot>(GrainKeys.Parse(key).Id))!;
    }
}
