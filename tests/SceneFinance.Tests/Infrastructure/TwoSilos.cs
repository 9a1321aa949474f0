using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using SceneFinance.BackOffice;
using SceneFinance.Grains;
using SceneFinance.Payments;
using SceneFinance.Platform;
using SceneFinance.Scenes;
using SceneFinance.Tenants;

namespace SceneFinance.Tests.Infrastructure;

/// <summary>
/// Two silos that don't know each other (a split brain, or a duplicate activation during a failover) on one database, each
/// with every module: the same grain can be active in both at once, and each single writer must still end every case exactly
/// once. <see cref="A"/> and <see cref="B"/> are their clients.
/// </summary>
public sealed class TwoSilos : IAsyncLifetime
{
    readonly string _db = TestPostgres.NewDatabase("race");
    InProcessTestCluster _a = null!, _b = null!;

    public IClusterClient A => _a.Client;
    public IClusterClient B => _b.Client;

    /// <summary>A service of silo A (a store, a gateway) for setting the scene up.</summary>
    public T ServiceOfA<T>() where T : notnull => _a.Silos[0].ServiceProvider.GetRequiredService<T>();

    public async Task InitializeAsync()
    {
        _a = await Start(_db);
        _b = await Start(_db);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    static async Task<InProcessTestCluster> Start(string connectionString)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration["ConnectionStrings:Postgres"] = connectionString;
            host.Configuration[SceneFinance.Platform.Security.DigestKeyLoader.ConfigurationKey] = TestSecrets.DigestKey;
            host.Configuration["SceneFinance:Gateway:JanitorEverySeconds"] = "3600"; // the races are the test's, not the janitor's
            host.Configuration["SceneFinance:BackOffice:DayEndEverySeconds"] = "3600"; // nor the day-end job's
            host.Services.AddSingleton(TimeProvider.System);
            host.AddPlatform();
            host.AddPayments();
            host.Services.AddSceneGrains().AddTenants().AddScenes(host.Configuration).AddBackOffice(host.Configuration);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
