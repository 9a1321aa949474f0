using SceneFinance.Platform.Time;
using System.Text.Json;
using Marten;
using Microsoft.AspNetCore.SignalR;

namespace SceneFinance.AdminUi.Live;

/// <summary>
/// The live aggregates, per minute, for the platform and for each tenant, built only from committed payment
/// events (<see cref="CommittedPayments"/> feeds it). Memory is bounded: a scope keeps 30 minute buckets, and
/// latency is a histogram per minute, not a list of samples. Thread-safe (one lock: it is small and fast).
/// </summary>
public sealed class LiveFigures(TimeProvider clock)
{
    public const string Platform = "platform";
    public const int ChartMinutes = 30;
    public const int KpiMinutes = 15;
    public const int AlertMinutes = 5;

    /// <summary>Latency buckets' upper bounds in ms; a percentile is reported as its bucket's bound ("at most").</summary>
    static readonly int[] Bounds = [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120, 150, 200, 250, 300, 400, 500, 600, 800,
        1000, 1500, 2000, 3000, 5000, 10000, 30000, int.MaxValue];

    // The cockpit spans tenants, so it reads its minutes in the platform's default zone; a tenant's own figures in its zone.
    static readonly TimeZoneInfo PlatformZone = Zones.Find(Zones.Default);

    readonly Lock _lock = new();
    readonly Dictionary<string, Scope> _scopes = new();
    readonly Dictionary<string, AlertThresholds> _thresholds = new();
    readonly Dictionary<string, string> _tenantNames = new();
    readonly Dictionary<string, TimeZoneInfo> _tenantZones = new();
    readonly Dictionary<string, string> _terminalNames = new();

    sealed class Minute(long start)
    {
        public long Start { get; } = start;
        public int Approved, Declined;
        public long Amount;
        public readonly Dictionary<string, int> Reasons = new();
        public readonly Dictionary<string, (int Count, long Amount)> Terminals = new();
        public readonly Dictionary<string, (int Count, long Amount)> Scenes = new();
        public readonly int[] Latency = new int[Bounds.Length];
    }

    sealed class Scope
    {
        public readonly Dictionary<long, Minute> Minutes = new();
    }

    static long MinuteOf(DateTimeOffset t) => t.ToUnixTimeSeconds() / 60;

    /// <summary>A tenant's name (for its alerts) and zone (for its chart's minutes); until told, a tenant reads as its id in the default zone.</summary>
    public void Tenant(string tenantId, string name, TimeZoneInfo zone)
    {
        lock (_lock)
        {
            _tenantNames[tenantId] = name;
            _tenantZones[tenantId] = zone;
        }
    }

    /// <summary>A terminal's name, for the ranking of terminals.</summary>
    public void Terminal(string terminalId, string name)
    {
        lock (_lock) _terminalNames[terminalId] = name;
    }

    public void SetThresholds(string tenantId, AlertThresholds thresholds)
    {
        lock (_lock) _thresholds[tenantId] = thresholds;
    }

    /// <summary>Counts a payment in the platform's and its tenant's figures (by commit minute). Old ones (outside the chart) are ignored.</summary>
    public void Record(PaymentFact f)
    {
        var minute = MinuteOf(f.CommittedAt);
        if (minute <= MinuteOf(clock.GetUtcNow()) - ChartMinutes) return;
        lock (_lock)
        {
            Add(Bucket(Platform, minute), f);
            Add(Bucket(f.TenantId, minute), f);
        }
    }

    Minute Bucket(string scope, long minute)
    {
        if (!_scopes.TryGetValue(scope, out var s)) _scopes[scope] = s = new Scope();
        if (!s.Minutes.TryGetValue(minute, out var m)) s.Minutes[minute] = m = new Minute(minute);
        return m;
    }

    static void Add(Minute m, PaymentFact f)
    {
        var approvedAmount = f.Approved ? f.Amount : 0;
        if (f.Approved) m.Approved++;
        else
        {
            m.Declined++;
            var code = f.DeclineCode ?? "unknown";
            m.Reasons[code] = m.Reasons.GetValueOrDefault(code) + 1;
        }
        m.Amount += approvedAmount;
        var t = m.Terminals.GetValueOrDefault(f.TerminalId);
        m.Terminals[f.TerminalId] = (t.Count + 1, t.Amount + approvedAmount);
        var s = m.Scenes.GetValueOrDefault(f.Scene);
        m.Scenes[f.Scene] = (s.Count + 1, s.Amount + approvedAmount);
        var ms = Math.Max(0, (f.CommittedAt - f.ReceivedAt).TotalMilliseconds);
        var i = 0;
        while (ms > Bounds[i]) i++;
        m.Latency[i]++;
    }

    /// <summary>Scopes with payments in the chart's window (those whose figures change as time passes).</summary>
    public IReadOnlyList<string> ActiveScopes()
    {
        var oldest = MinuteOf(clock.GetUtcNow()) - ChartMinutes;
        lock (_lock)
        {
            foreach (var s in _scopes.Values)
                foreach (var old in s.Minutes.Keys.Where(k => k <= oldest).ToList()) s.Minutes.Remove(old);
            return _scopes.Where(s => s.Value.Minutes.Count > 0).Select(s => s.Key).ToList();
        }
    }

    /// <summary>The figures of a scope now: <see cref="Platform"/> or a tenant id.</summary>
    public Figures Snapshot(string scope)
    {
        var now = clock.GetUtcNow();
        var current = MinuteOf(now);
        lock (_lock)
        {
            var minutes = _scopes.TryGetValue(scope, out var s) ? s.Minutes : new Dictionary<long, Minute>();
            var zone = scope == Platform ? PlatformZone : _tenantZones.GetValueOrDefault(scope, PlatformZone);
            var chart = Enumerable.Range(0, ChartMinutes).Select(i => current - ChartMinutes + 1 + i).Select(k =>
            {
                var m = minutes.GetValueOrDefault(k);
                var label = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeSeconds(k * 60), zone).ToString("HH:mm");
                return new MinutePoint(label, m is null ? 0 : m.Approved + m.Declined, m?.Approved ?? 0, m?.Amount ?? 0);
            }).ToList();

            var kpi = Window(minutes, current, KpiMinutes);
            var approved = kpi.Sum(m => m.Approved);
            var declined = kpi.Sum(m => m.Declined);
            var total = approved + declined;
            var latency = Merge(kpi);

            var alerts = scope == Platform
                ? _thresholds.Keys.SelectMany(t => AlertsOf(t, current)).ToList()
                : AlertsOf(scope, current).ToList();

            return new Figures(scope, now, chart, total, approved, declined, kpi.Sum(m => m.Amount),
                total == 0 ? null : (int)(approved * 1000L / total),
                kpi.SelectMany(m => m.Reasons).GroupBy(r => r.Key)
                    .Select(g => new Ranked(g.Key, g.Key, g.Sum(r => r.Value), 0)).OrderByDescending(r => r.Payments).ToList(),
                Percentile(latency, 50), Percentile(latency, 99),
                Rank(kpi.SelectMany(m => m.Terminals), id => _terminalNames.GetValueOrDefault(id, id)).Take(5).ToList(),
                Rank(kpi.SelectMany(m => m.Scenes), key => key).ToList(),
                alerts);
        }
    }

    IEnumerable<Alert> AlertsOf(string tenantId, long current)
    {
        if (!_thresholds.TryGetValue(tenantId, out var limits) || !_scopes.TryGetValue(tenantId, out var s)) yield break;
        var window = Window(s.Minutes, current, AlertMinutes);
        var declined = window.Sum(m => m.Declined);
        var total = window.Sum(m => m.Approved) + declined;
        if (total == 0 || total < limits.MinPayments) yield break;
        var name = _tenantNames.GetValueOrDefault(tenantId, tenantId);
        var rate = (int)(declined * 100L / total);
        if (limits.DeclineRatePercent is { } maxRate && rate > maxRate) yield return new Alert(tenantId, name, "decline_rate", rate, maxRate);
        if (limits.P99LatencyMs is { } maxMs && Percentile(Merge(window), 99) is { } p99 && p99 > maxMs) yield return new Alert(tenantId, name, "latency", p99, maxMs);
    }

    static List<Minute> Window(Dictionary<long, Minute> minutes, long current, int size) =>
        minutes.Values.Where(m => m.Start > current - size && m.Start <= current).ToList();

    static int[] Merge(List<Minute> minutes)
    {
        var merged = new int[Bounds.Length];
        foreach (var m in minutes)
            for (var i = 0; i < merged.Length; i++) merged[i] += m.Latency[i];
        return merged;
    }

    static int? Percentile(int[] histogram, int percent)
    {
        long total = histogram.Sum();
        if (total == 0) return null;
        var rank = (total * percent + 99) / 100; // the smallest bucket holding at least percent% of samples
        long seen = 0;
        for (var i = 0; i < histogram.Length; i++)
        {
            seen += histogram[i];
            if (seen >= rank) return Bounds[i];
        }
        return Bounds[^1];
    }

    static IEnumerable<Ranked> Rank(IEnumerable<KeyValuePair<string, (int Count, long Amount)>> items, Func<string, string> label) =>
        items.GroupBy(i => i.Key)
            .Select(g => new Ranked(g.Key, label(g.Key), g.Sum(i => i.Value.Count), g.Sum(i => i.Value.Amount)))
            .OrderByDescending(r => r.Payments).ThenByDescending(r => r.Amount);
}

/// <summary>
/// The payments' live figures: reads committed approvals and declines (handed over by <see cref="CommittedEvents"/>) and pushes
/// the figures they change to the pages of this host (<see cref="LiveFeed"/>, in-process) and through <see cref="DashboardHub"/>
/// to clients outside it: to group <c>platform</c> and to each tenant's group. Nothing here is told about payments by a request
/// handler; what was not committed is never counted. Names, kinds and zones come from the tenants' and terminals' grains
/// (<see cref="LiveLabels"/>).
/// </summary>
public sealed class CommittedPayments(
    IDocumentStore store, LiveFigures figures, LiveLabels labels, LiveFeed<Figures> feed, IHubContext<DashboardHub> hub, TimeProvider clock) : ILiveReader
{
    readonly Dictionary<string, DateTimeOffset> _thresholdsRead = new();

    // Another host's settings page updates only its own memory: thresholds are read again once a minute.
    static readonly TimeSpan ThresholdsFreshFor = TimeSpan.FromMinutes(1);

    public static string TenantGroup(string tenantId) => "tenant:" + tenantId;

    public IReadOnlyCollection<string> Types { get; } = ["payment_approved", "payment_declined"];

    public async Task<IEnumerable<string>> Read(CommittedEvent e, CancellationToken ct)
    {
        figures.Record(await Fact(e.TenantId, e.Type, e.Data, e.CommittedAt, ct));
        return [LiveFigures.Platform, e.TenantId];
    }

    public IEnumerable<string> Rolling() => figures.ActiveScopes();

    async Task<PaymentFact> Fact(string tenantId, string type, string json, DateTimeOffset committedAt, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(json);
        var e = doc.RootElement;
        var approved = type == "payment_approved";
        var terminalId = e.GetProperty("terminalId").GetString()!;
        var receivedAt = e.GetProperty(approved ? "approvedAt" : "declinedAt").GetDateTimeOffset();
        var tenant = await labels.Tenant(tenantId);
        var terminal = await labels.Terminal(tenantId, terminalId);
        if (!_thresholdsRead.TryGetValue(tenantId, out var read) || clock.GetUtcNow() - read > ThresholdsFreshFor)
        {
            figures.SetThresholds(tenantId, await AlertSettings.Load(store, tenantId, ct));
            _thresholdsRead[tenantId] = clock.GetUtcNow();
        }
        return new PaymentFact(tenantId, terminalId, approved, approved ? null : e.GetProperty("declineCode").GetString(),
            e.GetProperty("amount").GetInt64(), receivedAt, committedAt, $"{tenant.Kind}/{terminal.Kind}");
    }

    /// <summary>Pushes fresh figures of every scope that changed to its followers: this host's pages, and the hub's group.</summary>
    public async Task Push(IEnumerable<string> scopes, CancellationToken ct = default)
    {
        foreach (var scope in scopes.Distinct())
        {
            var snapshot = figures.Snapshot(scope);
            var group = scope == LiveFigures.Platform ? LiveFigures.Platform : TenantGroup(scope);
            await Task.WhenAll(feed.Publish(scope, snapshot), hub.Clients.Group(group).SendAsync("figures", snapshot, ct));
        }
    }
}
