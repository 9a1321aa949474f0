namespace SceneFinance.AdminUi.Live;

/// <summary>One committed payment decision as the dashboards count it.</summary>
/// <param name="ReceivedAt">When the API received the request (the event's decision time, taken from the request's clock reading).</param>
/// <param name="CommittedAt">When PostgreSQL committed it (the event's database timestamp).</param>
public sealed record PaymentFact(
    string TenantId, string TerminalId, bool Approved, string? DeclineCode, long Amount,
    DateTimeOffset ReceivedAt, DateTimeOffset CommittedAt, string Scene);

/// <summary>A tenant's alert thresholds (a document per tenant, set by its tenant admin).</summary>
public sealed class AlertThresholds
{
    public const string DocumentId = "alert-thresholds";
    public string Id { get; set; } = DocumentId;

    /// <summary>Alert when more than this share of payments (percent, 1-100) is declined; null: never.</summary>
    public int? DeclineRatePercent { get; set; } = 30;

    /// <summary>Alert when p99 latency exceeds this many milliseconds; null: never.</summary>
    public int? P99LatencyMs { get; set; } = 2000;

    /// <summary>No alert on fewer payments than this in the window (two declines in a quiet hour are not a spike).</summary>
    public int MinPayments { get; set; } = 5;
}

// What the dashboards receive (SignalR, camelCase JSON): whole snapshots, so a missed message heals with the next.

public sealed record MinutePoint(string Label, int Payments, int Approved, long Amount);
public sealed record Ranked(string Key, string Label, int Payments, long Amount);
public sealed record Alert(string TenantId, string TenantName, string Kind, int Value, int Threshold);

public sealed record Figures(
    string Scope,
    DateTimeOffset At,
    IReadOnlyList<MinutePoint> Minutes,
    int Payments,
    int Approved,
    int Declined,
    long Amount,
    int? ApprovalPermille,
    IReadOnlyList<Ranked> DeclineReasons,
    int? P50Ms,
    int? P99Ms,
    IReadOnlyList<Ranked> TopTerminals,
    IReadOnlyList<Ranked> Scenes,
    IReadOnlyList<Alert> Alerts)
{
    public static Figures Empty(string scope, DateTimeOffset at) => new(scope, at, [], 0, 0, 0, 0, null, [], null, null, [], [], []);
}
