using System.Security.Claims;
using System.Text.Json;
using Marten;
using Microsoft.Extensions.Logging;
using SceneFinance.AdminUi.Live;
using SceneFinance.Grains;

namespace SceneFinance.AdminUi.Risk;

/// <summary>
/// The risk panels' live figures: reads committed risk decisions (<c>risk_decision_recorded</c>, handed over by
/// <see cref="CommittedEvents"/>) and pushes interception figures to the cockpit's and dashboards' risk panels in this host.
/// Figures roll every 5 s, so a rule alert clears by itself when the rule calms down.
/// </summary>
public sealed class RiskLive(IDocumentStore store, RiskFigures figures, LiveLabels labels, ILogger<RiskLive> log) : ILiveReader
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    readonly Lock _lock = new();
    readonly Dictionary<string, List<Func<RiskSnapshot, Task>>> _followers = new();

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
    public async Task Push(IEnumerable<string> scopes, CancellationToken ct = default)
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

    public IReadOnlyCollection<string> Types { get; } = ["risk_decision_recorded"];

    public async Task<IEnumerable<string>> Read(CommittedEvent committed, CancellationToken ct)
    {
        if (JsonSerializer.Deserialize<Decision>(committed.Data, Json) is not { } e) return [];
        var tenant = committed.TenantId;
        if (!figures.KnowsThreshold(tenant)) figures.SetThreshold(tenant, (await RiskSettings.Load(store, tenant, ct)).RuleFiresPer5Minutes);
        figures.Record(new RiskFact(tenant, e.Outcome, e.Hits, e.DecidedAt), (await labels.Tenant(tenant)).Name);
        return [tenant, RiskFigures.Platform];
    }

    public IEnumerable<string> Rolling() => [.. figures.Tenants(), RiskFigures.Platform];

    sealed record Decision(string Outcome, RiskHit[] Hits, DateTimeOffset DecidedAt);
}
