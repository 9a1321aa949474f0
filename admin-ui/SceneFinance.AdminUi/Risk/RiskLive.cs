using System.Security.Claims;
using System.Text.Json;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using SceneFinance.AdminUi.Live;
using SceneFinance.Grains;

namespace SceneFinance.AdminUi.Risk;

/// <summary>
/// Follows committed risk decisions (<c>risk_decision_recorded</c> in <c>mt_events</c>, by <c>seq_id</c>, gaps asked for again
/// like <see cref="CommittedPayments"/>) and pushes interception figures to the cockpit's and dashboards' risk panels in this
/// host. Figures roll every 5 s, so a rule alert clears by itself when the rule calms down.
/// </summary>
public sealed class RiskLive(IConfiguration configuration, IDocumentStore store, RiskFigures figures, LiveLabels labels, TimeProvider clock, ILogger<RiskLive> log)
    : BackgroundService
{
    static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);
    static readonly TimeSpan RollEvery = TimeSpan.FromSeconds(5);
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    readonly Lock _lock = new();
    readonly Dictionary<string, List<Func<RiskSnapshot, Task>>> _followers = new();
    SequenceFollower? _sequence;

    /// <summary>Follows a scope (the platform, or a tenant) after the dashboards' access check; dispose to stop.</summary>
    public IDisposable Follow(ClaimsPrincipal user, string scope, Func<RiskSnapshot, Task> show, out RiskSnapshot current)
    {
        DashboardAccess.GroupOf(user, scope);
        lock (_lock)
        {
            if (!_followers.TryGetValue(scope, out var list)) _followers[scope] = list = [];
            list.Add(show);
        }
        current = figures.Snapshot(scope);
        return new Unfollow(() => { lock (_lock) _followers.GetValueOrDefault(scope)?.Remove(show); });
    }

    sealed class Unfollow(Action stop) : IDisposable
    {
        public void Dispose() => stop();
    }

    /// <summary>Pushes fresh snapshots of these scopes (after a threshold changed, or new decisions).</summary>
    public async Task Push(IEnumerable<string> scopes)
    {
        foreach (var scope in scopes.Distinct())
        {
            Func<RiskSnapshot, Task>[] followers;
            lock (_lock) followers = _followers.TryGetValue(scope, out var list) ? [.. list] : [];
            if (followers.Length == 0) continue;
            var snapshot = figures.Snapshot(scope);
            foreach (var show in followers)
                try { await show(snapshot); }
                catch (Exception e) when (e is not OperationCanceledException) { log.LogWarning(e, "A risk panel of {Scope} could not be updated", scope); }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        await using var source = NpgsqlDataSource.Create(configuration.GetConnectionString(Platform.Storage.Storage.ConnectionStringName)!);
        var lastRoll = DateTimeOffset.MinValue;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                _sequence ??= new SequenceFollower(await Start(source, schema, stop), TimeSpan.FromSeconds(10));
                var changed = await Follow(_sequence, source, schema, stop);
                if (clock.GetUtcNow() - lastRoll >= RollEvery)
                {
                    changed.UnionWith(figures.Tenants());
                    changed.Add(RiskFigures.Platform);
                    lastRoll = clock.GetUtcNow();
                }
                await Push(changed);
                await Task.Delay(Poll, clock, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Following risk decisions failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(2), clock, stop);
            }
        }
    }

    static async Task<long> Start(NpgsqlDataSource source, string schema, CancellationToken ct)
    {
        await using var cmd = source.CreateCommand($"select coalesce((select max(seq_id) from {schema}.mt_events where timestamp < now() - interval '30 minutes'), 0)");
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    async Task<HashSet<string>> Follow(SequenceFollower sequence, NpgsqlDataSource source, string schema, CancellationToken ct)
    {
        var changed = new HashSet<string>();
        var now = clock.GetUtcNow();
        await using var cmd = source.CreateCommand($"""
            select seq_id, tenant_id, case when type = 'risk_decision_recorded' then data::text end
            from {schema}.mt_events where seq_id > @last or seq_id = any(@gaps) order by seq_id limit 5000
            """);
        cmd.Parameters.AddWithValue("last", sequence.Last);
        cmd.Parameters.AddWithValue("gaps", sequence.Gaps(now));
        var rows = new List<(long Seq, string Tenant, string? Data)>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) rows.Add((reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        foreach (var (seq, tenant, data) in rows)
        {
            if (!sequence.IsNew(seq, now) || data is null) continue;
            var e = JsonSerializer.Deserialize<Decision>(data, Json);
            if (e is null) continue;
            if (!figures.KnowsThreshold(tenant)) figures.SetThreshold(tenant, (await RiskSettings.Load(store, tenant, ct)).RuleFiresPer5Minutes);
            figures.Record(new RiskFact(tenant, e.Outcome, e.Hits, e.DecidedAt), (await labels.Tenant(tenant)).Name);
            changed.Add(tenant);
            changed.Add(RiskFigures.Platform);
        }
        return changed;
    }

    sealed record Decision(string Outcome, RiskHit[] Hits, DateTimeOffset DecidedAt);
}
