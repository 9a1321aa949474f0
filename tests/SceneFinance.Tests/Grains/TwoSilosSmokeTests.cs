using SceneFinance.Grains;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Grains;

/// <summary>The race fixture itself: both silos serve the same tenant from the same database.</summary>
public sealed class TwoSilosSmokeTests(TwoSilos silos) : IClassFixture<TwoSilos>
{
    [Fact]
    public async Task Both_silos_see_what_one_wrote()
    {
        var tenant = Ids.New("tn");
        Assert.Null((await silos.A.GetGrain<ITenantGrain>(tenant).Create("Race school", "campus", DateTimeOffset.UtcNow)).Refusal);
        Assert.Equal("Race school", (await silos.B.GetGrain<ITenantGrain>(tenant).Get())!.Name);
    }
}
