using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.Runtime;

namespace SceneFinance.Platform.Operations;

/// <summary>
/// On SIGTERM the host first says it is not ready and keeps serving for <c>SceneFinance:Shutdown:DrainSeconds</c>, so a balancer
/// that asks <c>/health/ready</c> stops sending it new requests before it stops listening; then Kestrel finishes what is in
/// flight, the silo hands its grains over and group commit drains its queue (the hosts' stop order, see HostOperations).
/// </summary>
public sealed class Draining(IConfiguration configuration) : IHostedLifecycleService
{
    public bool Started { get; private set; }
    public bool Stopping { get; private set; }

    public async Task StoppingAsync(CancellationToken ct)
    {
        Stopping = true;
        var drain = TimeSpan.FromSeconds(configuration.GetValue("SceneFinance:Shutdown:DrainSeconds", 0.0));
        if (drain > TimeSpan.Zero) await Task.Delay(drain, CancellationToken.None);
    }

    public Task StartedAsync(CancellationToken ct)
    {
        Started = true;
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken ct) => Task.CompletedTask;
}

/// <summary>Ready means: started, not stopping, and every dependency below answers.</summary>
sealed class HostStateCheck(Draining draining) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct) => Task.FromResult(
        draining.Stopping ? HealthCheckResult.Unhealthy("draining: shutting down")
        : draining.Started ? HealthCheckResult.Healthy()
        : HealthCheckResult.Unhealthy("starting"));
}

/// <summary>PostgreSQL, the record of truth, answers a query within the check's time.</summary>
sealed class PostgresCheck(IConfiguration configuration) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
    {
        try
        {
            var cs = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString(Storage.Storage.ConnectionStringName)) { Timeout = 3, ApplicationName = "health" };
            await using var conn = new NpgsqlConnection(cs.ConnectionString);
            await conn.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand("select 1", conn) { CommandTimeout = 3 };
            await cmd.ExecuteScalarAsync(ct);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL does not answer: " + e.GetType().Name);
        }
    }
}

/// <summary>This silo is an active member of its cluster (not joining, not shutting down, not declared dead).</summary>
sealed class MembershipCheck(IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
    {
        if (services.GetService(typeof(ISiloStatusOracle)) is not ISiloStatusOracle oracle)
            return Task.FromResult(HealthCheckResult.Unhealthy("no silo in this process"));
        var active = oracle.GetApproximateSiloStatuses(onlyActive: true).Count;
        var data = new Dictionary<string, object> { ["silo"] = oracle.SiloName, ["activeSilos"] = active };
        return Task.FromResult(oracle.CurrentStatus == SiloStatus.Active
            ? HealthCheckResult.Healthy($"active, {active} active silo(s)", data)
            : HealthCheckResult.Unhealthy($"silo is {oracle.CurrentStatus}", data: data));
    }
}
