using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SceneFinance.Grains;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SceneFinance.Tests.Canteen;

/// <summary>A month's meal subsidy for 5,000 staff: how long the grant takes on the scheduler, and that running it again changes nothing.</summary>
[Collection(CanteenPeakApp.Name)]
public sealed class GrantScaleTests(SceneApp app, ITestOutputHelper output)
{
    const int Staff = 5_000;

    [Fact]
    public async Task A_grant_to_5000_holders_runs_once_and_again_changes_nothing()
    {
        var s = await Scenario.Start(app);
        var grains = app.Services.GetRequiredService<IGrainFactory>();
        // Set-up straight through the holders' grains: the grant is what is measured.
        await Parallel.ForEachAsync(Enumerable.Range(0, Staff), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
        {
            var registered = await grains.GetGrain<ICardHolderGrain>(GrainKeys.For(s.TenantId, Ids.New("ch")))
                .Register(new RegisterCardHolder($"E{i:D6}", $"员工{i}", "staff", "9" + (100_000_000_000_000L + i), null, null, null, DateTimeOffset.UtcNow));
            Assert.Null(registered.Refusal);
        });
        var program = await s.Program(new { name = "餐补 Meal subsidy", amountPerPerson = 30_000, funder = "HR", kinds = new[] { "staff" } });

        var clock = Stopwatch.StartNew();
        var run = await s.Run(program, "grants", within: TimeSpan.FromMinutes(5));
        var wall = clock.Elapsed;
        Assert.Equal(("completed", Staff, Staff), (run["status"]!.GetValue<string>(), run["total"]!.GetValue<int>(), run["changed"]!.GetValue<int>()));
        var again = await s.Run(program, "grants", within: TimeSpan.FromMinutes(5));
        Assert.Equal((0, Staff), (again["changed"]!.GetValue<int>(), again["unchanged"]!.GetValue<int>()));
        var tb = await s.TrialBalance();
        Assert.Equal(Staff * 30_000L, tb.Balance($"subsidy-funder:{program}"));

        var figures = $"grant of {Staff} holders: {run["elapsedMs"]!.GetValue<long>() / 1000.0:0.0} s in the job ({wall.TotalSeconds:0.0} s from the request to seeing it done), "
            + $"{Staff * 1000.0 / run["elapsedMs"]!.GetValue<long>():0} holders/s; run again: {again["elapsedMs"]!.GetValue<long>() / 1000.0:0.0} s, nothing changed";
        output.WriteLine(figures);
        Console.WriteLine("[canteen] " + figures);
    }
}
