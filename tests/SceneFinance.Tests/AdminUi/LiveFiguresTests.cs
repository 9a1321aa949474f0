using SceneFinance.AdminUi.Live;

namespace SceneFinance.Tests.AdminUi;

public sealed class LiveFiguresTests
{
    sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    static readonly DateTimeOffset T0 = new(2026, 9, 1, 4, 0, 30, TimeSpan.Zero); // 12:00:30 in Shanghai

    static PaymentFact Paid(DateTimeOffset at, long amount, string tenant = "tn_a", string terminal = "trm_1", int latencyMs = 5) =>
        new(tenant, terminal, true, null, amount, at.AddMilliseconds(-latencyMs), at, "canteen/pos");

    static PaymentFact Declined(DateTimeOffset at, string code, string tenant = "tn_a") =>
        new(tenant, "trm_1", false, code, 999, at.AddMilliseconds(-5), at, "canteen/pos");

    [Fact]
    public void A_tenants_figures_count_its_payments_and_the_platform_counts_all()
    {
        var live = new LiveFigures(new Clock(T0));
        live.Record(Paid(T0, 1250));
        live.Record(Paid(T0, 800, terminal: "trm_2"));
        live.Record(Declined(T0, "insufficient_funds"));
        live.Record(Paid(T0, 100, tenant: "tn_b"));

        var a = live.Snapshot("tn_a");
        Assert.Equal(3, a.Payments);
        Assert.Equal(2050, a.Amount); // declined amounts never count as money
        Assert.Equal(666, a.ApprovalPermille);
        Assert.Equal("insufficient_funds", Assert.Single(a.DeclineReasons).Key);
        Assert.Equal(["trm_1", "trm_2"], a.TopTerminals.Select(t => t.Key));
        Assert.Equal(3, a.Minutes[^1].Payments);
        Assert.Equal("12:00", a.Minutes[^1].Label);

        var platform = live.Snapshot(LiveFigures.Platform);
        Assert.Equal(4, platform.Payments);
        Assert.Equal(2150, platform.Amount);
    }

    [Fact]
    public void Percentiles_are_the_bound_of_the_bucket_that_holds_them()
    {
        var live = new LiveFigures(new Clock(T0));
        for (var i = 0; i < 98; i++) live.Record(Paid(T0, 1, latencyMs: 4));
        live.Record(Paid(T0, 1, latencyMs: 70));
        live.Record(Paid(T0, 1, latencyMs: 70));
        var f = live.Snapshot("tn_a");
        Assert.Equal(4, f.P50Ms);
        Assert.Equal(80, f.P99Ms); // 70 ms lies in the (60, 80] bucket
    }

    [Fact]
    public void An_alert_needs_enough_payments_rises_above_the_threshold_and_clears_as_the_window_moves_on()
    {
        var clock = new Clock(T0);
        var live = new LiveFigures(clock);
        live.SetThresholds("tn_a", new AlertThresholds { DeclineRatePercent = 50, P99LatencyMs = null, MinPayments = 3 });
        live.Record(Declined(T0, "card_frozen"));
        live.Record(Declined(T0, "card_frozen"));
        Assert.Empty(live.Snapshot("tn_a").Alerts); // two declines are not a spike yet

        live.Record(Paid(T0, 100));
        live.Record(Declined(T0, "card_frozen"));
        var alert = Assert.Single(live.Snapshot("tn_a").Alerts);
        Assert.Equal(("decline_rate", 75, 50), (alert.Kind, alert.Value, alert.Threshold));
        Assert.Single(live.Snapshot(LiveFigures.Platform).Alerts); // the cockpit sees every tenant's alerts
        Assert.Empty(live.Snapshot("tn_b").Alerts);

        clock.Now = T0.AddMinutes(LiveFigures.AlertMinutes);
        Assert.Empty(live.Snapshot("tn_a").Alerts); // those minutes left the alert window
        Assert.Equal(4, live.Snapshot("tn_a").Payments); // but still count in the 15 minutes
    }

    [Fact]
    public void A_latency_alert_uses_the_tenants_own_threshold()
    {
        var live = new LiveFigures(new Clock(T0));
        live.SetThresholds("tn_a", new AlertThresholds { DeclineRatePercent = null, P99LatencyMs = 100, MinPayments = 1 });
        live.Record(Paid(T0, 1, latencyMs: 90));
        Assert.Empty(live.Snapshot("tn_a").Alerts);
        live.Record(Paid(T0, 1, latencyMs: 400));
        var alert = Assert.Single(live.Snapshot("tn_a").Alerts);
        Assert.Equal(("latency", 400, 100), (alert.Kind, alert.Value, alert.Threshold));
    }

    [Fact]
    public void Payments_older_than_the_chart_are_not_kept()
    {
        var clock = new Clock(T0);
        var live = new LiveFigures(clock);
        live.Record(Paid(T0.AddMinutes(-LiveFigures.ChartMinutes), 100));
        Assert.Equal(0, live.Snapshot("tn_a").Minutes.Sum(m => m.Payments));
        live.Record(Paid(T0, 100));
        clock.Now = T0.AddMinutes(LiveFigures.ChartMinutes);
        Assert.Empty(live.ActiveScopes());
    }

    [Fact]
    public void A_tenants_minutes_read_in_its_own_zone_and_the_cockpits_in_the_platforms()
    {
        var live = new LiveFigures(new Clock(T0));
        live.Tenant("tn_ny", "Zoned canteen", TimeZoneInfo.FindSystemTimeZoneById("America/New_York"));
        live.Record(Paid(T0, 100, tenant: "tn_ny"));
        Assert.Equal("00:00", live.Snapshot("tn_ny").Minutes[^1].Label); // 04:00 UTC is midnight in New York (EDT)
        Assert.Equal("12:00", live.Snapshot(LiveFigures.Platform).Minutes[^1].Label); // the cockpit spans tenants: the default zone
        Assert.Equal("12:00", live.Snapshot("tn_a").Minutes[^1].Label); // a tenant not described yet reads in the default zone
    }
}
