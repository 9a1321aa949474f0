using SceneFinance.AdminUi.Risk;
using SceneFinance.Grains;

namespace SceneFinance.Tests.Risk;

/// <summary>The live interception figures: per minute, per rule, and a rule alert that rises above its tenant's threshold and clears by itself.</summary>
public sealed class RiskFiguresTests
{
    sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    static readonly DateTimeOffset T0 = new(2026, 9, 1, 4, 0, 30, TimeSpan.Zero);
    static readonly RiskHit Testing = new("rul_1", "Card testing", 2, RiskActions.Block, []);
    static readonly RiskHit Watch = new("rul_2", "Watch", 1, RiskActions.Shadow, []);

    [Fact]
    public void A_rule_firing_above_the_threshold_raises_an_alert_that_clears_when_the_five_minutes_pass()
    {
        var clock = new Clock(T0);
        var figures = new RiskFigures(clock);
        figures.SetThreshold("tn_a", 2);
        for (var i = 0; i < 3; i++) figures.Record(new RiskFact("tn_a", RiskOutcomes.Blocked, [Testing], T0.AddSeconds(-i)), "School");
        figures.Record(new RiskFact("tn_a", RiskOutcomes.Shadow, [Watch], T0), "School");
        figures.Record(new RiskFact("tn_b", RiskOutcomes.Blocked, [Testing with { RuleId = "rul_9" }], T0), "Hospital");

        var tenant = figures.Snapshot("tn_a");
        Assert.Equal((3, 0, 1), (tenant.Blocked, tenant.Reviewed, tenant.Shadow));
        Assert.Equal([("rul_1", 3), ("rul_2", 1)], tenant.PerRule.Select(r => (r.Key, r.Payments)));
        Assert.Equal(4, tenant.Minutes[^1].Interceptions + tenant.Minutes[^2].Interceptions);
        var alert = Assert.Single(tenant.Alerts);
        Assert.Equal(("School", "Card testing", 3, 2), (alert.TenantName, alert.RuleName, alert.Fired, alert.Threshold));
        Assert.Single(figures.Snapshot(RiskFigures.Platform).Alerts); // tn_b's rule fired once: below the default 20

        figures.SetThreshold("tn_a", null);
        Assert.Empty(figures.Snapshot("tn_a").Alerts);
        figures.SetThreshold("tn_a", 2);
        clock.Now = T0.AddMinutes(5).AddSeconds(1);
        Assert.Empty(figures.Snapshot("tn_a").Alerts);
        Assert.Equal(3, figures.Snapshot("tn_a").Blocked); // still within the 15 minutes
    }
}
