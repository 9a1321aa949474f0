using System.Text.Json;
using Marten;
using SceneFinance.AdminUi.Live;
using SceneFinance.Grains;

namespace SceneFinance.AdminUi.Risk;

/// <summary>
/// The risk panels' live figures: reads committed risk decisions (<c>risk_decision_recorded</c>, handed over by
/// <see cref="CommittedEvents"/>) and pushes interception figures to the cockpit's and dashboards' risk panels in this host.
/// Figures roll every 5 s, so a rule alert clears by itself when the rule calms down.
/// </summary>
public sealed class RiskLive(IDocumentStore store, RiskFigures figures, LiveLabels labels, LiveFeed<RiskSnapshot> feed) : ILiveReader
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Pushes fresh snapshots of these scopes (after a threshold changed, or new decisions) to this host's risk panels.</summary>
    public async Task Push(IEnumerable<string> scopes, CancellationToken ct = default)
    {
        foreach (var scope in scopes.Distinct().Where(feed.Followed)) await feed.Publish(scope, figures.Snapshot(scope));
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
