using SceneFinance.AdminUi.Live;
using SceneFinance.Grains;

namespace SceneFinance.AdminUi.Risk;

/// <summary>A committed risk decision as the live figures count it.</summary>
public sealed record RiskFact(string TenantId, string Outcome, IReadOnlyList<RiskHit> Hits, DateTimeOffset At);

/// <summary>A rule that fired more often in the last 5 minutes than its tenant allows.</summary>
public sealed record RuleAlert(string TenantId, string TenantName, string RuleId, string RuleName, int Fired, int Threshold);

public sealed record RiskMinute(DateTimeOffset Minute, int Interceptions);

/// <summary>Interceptions per minute (30 minutes), per rule (15 minutes) and the rule alerts of a scope: whole snapshots.</summary>
public sealed record RiskSnapshot(string Scope, IReadOnlyList<RiskMinute> Minutes, int Blocked, int Reviewed, int Shadow, IReadOnlyList<Ranked> PerRule, IReadOnlyList<RuleAlert> Alerts)
{
    public static RiskSnapshot Empty(string scope) => new(scope, [], 0, 0, 0, [], []);
}

/// <summary>A tenant's risk alert: a rule firing more than this many times in 5 minutes (null: never). Set on the risk page.</summary>
public sealed class RiskAlertThresholds
{
    public const string DocumentId = "risk-alert-thresholds";
    public string Id { get; set; } = DocumentId;
    public int? RuleFiresPer5Minutes { get; set; } = 20;
}

/// <summary>The live interception figures in this host's memory, per tenant and platform-wide, fed from committed events only.</summary>
public sealed class RiskFigures(TimeProvider clock)
{
    public const string Platform = LiveFigures.Platform;
    static readonly TimeSpan Kept = TimeSpan.FromMinutes(30);
    const int MaxFacts = 200_000;

    readonly Lock _lock = new();
    readonly List<RiskFact> _facts = [];
    readonly Dictionary<string, int?> _thresholds = new();
    readonly Dictionary<string, string> _names = new();

    public void Record(RiskFact fact, string tenantName)
    {
        lock (_lock)
        {
            _facts.Add(fact);
            _names[fact.TenantId] = tenantName;
            var oldest = clock.GetUtcNow() - Kept;
            var drop = _facts.FindIndex(f => f.At >= oldest);
            if (drop < 0) drop = _facts.Count;
            drop = Math.Max(drop, _facts.Count - MaxFacts);
            if (drop > 0) _facts.RemoveRange(0, drop);
        }
    }

    public void SetThreshold(string tenantId, int? firesPer5Minutes)
    {
        lock (_lock) _thresholds[tenantId] = firesPer5Minutes;
    }

    public bool KnowsThreshold(string tenantId)
    {
        lock (_lock) return _thresholds.ContainsKey(tenantId);
    }

    public IReadOnlyList<string> Tenants()
    {
        lock (_lock) return [.. _facts.Select(f => f.TenantId).Distinct()];
    }

    public RiskSnapshot Snapshot(string scope)
    {
        var now = clock.GetUtcNow();
        RiskFact[] facts;
        lock (_lock) facts = [.. _facts.Where(f => scope == Platform || f.TenantId == scope)];
        var thisMinute = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        var minutes = Enumerable.Range(0, 30).Select(i => thisMinute.AddMinutes(i - 29))
            .Select(m => new RiskMinute(m, facts.Count(f => f.At >= m && f.At < m.AddMinutes(1)))).ToList();
        var recent = facts.Where(f => f.At >= now.AddMinutes(-15)).ToList();
        var perRule = recent.SelectMany(f => f.Hits.Select(h => (h.RuleId, h.Name)))
            .GroupBy(h => h.RuleId).Select(g => new Ranked(g.Key, g.First().Name, g.Count(), 0))
            .OrderByDescending(r => r.Payments).Take(10).ToList();
        return new RiskSnapshot(scope, minutes, recent.Count(f => f.Outcome == RiskOutcomes.Blocked), recent.Count(f => f.Outcome == RiskOutcomes.Reviewed),
            recent.Count(f => f.Outcome == RiskOutcomes.Shadow), perRule, Alerts(facts, now));
    }

    List<RuleAlert> Alerts(RiskFact[] facts, DateTimeOffset now)
    {
        var alerts = new List<RuleAlert>();
        foreach (var tenant in facts.Where(f => f.At >= now.AddMinutes(-5)).GroupBy(f => f.TenantId))
        {
            int? threshold;
            string name;
            lock (_lock) (threshold, name) = (_thresholds.GetValueOrDefault(tenant.Key, new RiskAlertThresholds().RuleFiresPer5Minutes), _names.GetValueOrDefault(tenant.Key, tenant.Key));
            if (threshold is not { } limit) continue;
            alerts.AddRange(tenant.SelectMany(f => f.Hits).GroupBy(h => h.RuleId).Where(g => g.Count() > limit)
                .Select(g => new RuleAlert(tenant.Key, name, g.Key, g.First().Name, g.Count(), limit)));
        }
        return alerts;
    }
}
