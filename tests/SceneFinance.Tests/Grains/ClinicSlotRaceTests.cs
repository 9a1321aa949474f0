using SceneFinance.Grains;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Hospital.Registering;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Grains;

/// <summary>OLD-API probe (replaced by the migration): the same clinic session active in two silos.</summary>
public sealed class ClinicSlotRaceTests(TwoSilos silos) : IClassFixture<TwoSilos>
{
    [Fact]
    public async Task Two_activations_hand_out_each_number_once()
    {
        var now = DateTimeOffset.UtcNow;
        var tenant = Ids.New("tn");
        await silos.A.GetGrain<ITenantGrain>(tenant).Create("Race hospital", "hospital", now);
        var slotId = Ids.New("slot");
        var key = GrainKeys.For(tenant, slotId);
        await silos.A.GetGrain<IClinicSlotGrain>(key).Open("内科", "Dr Wang", now.AddHours(2), 1500, 40, now);
        var registrations = Enumerable.Range(0, 30).Select(i => $"reg-{i}").ToList();
        var answers = await Task.WhenAll(registrations.SelectMany(r => new[] { silos.A, silos.B }.Select(async silo =>
        {
            try { return (r: r, Number: (await silo.GetGrain<IClinicSlotGrain>(key).Take(r, "ch_" + r, now)).Number, Error: (string?)null); }
            catch (Exception e) { return (r: r, Number: 0, Error: (string?)(e.GetType().Name + ": " + e.Message)); }
        })));
        Assert.All(answers, a => Assert.Null(a.Error));
        Assert.All(answers.GroupBy(a => a.r), g => Assert.Single(g.Select(a => a.Number).Distinct()));
        Assert.Equal(30, answers.Select(a => a.Number).Distinct().Count());
    }
}
