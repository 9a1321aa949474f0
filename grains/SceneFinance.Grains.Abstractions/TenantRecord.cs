namespace SceneFinance.Grains.Tenants;

/// <summary>A tenant's profile; platform-wide (not itself tenanted). Written by its grain only, read by the tenant list (the tenants module).</summary>
public sealed class TenantRecord
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Status { get; set; } = "active";
    public string TimeZone { get; set; } = Platform.Time.Zones.Default;

    /// <summary><c>sandbox</c> (simulated channels, test money) or <c>live</c> (real channels only); a tenant stored before modes existed reads as sandbox.</summary>
    public string? Mode { get; set; }

    /// <summary>Card payments above this many fen are declined with <c>risk_rejected</c>; 0 means no cap.</summary>
    public long SinglePaymentCap { get; set; } = DefaultSinglePaymentCap;

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>5,000 yuan: far above a meal or a clinic charge, well below what a stolen card could drain at once.</summary>
    public const long DefaultSinglePaymentCap = 500_000;

    public bool Live => Mode == TenantModes.Live;

    public TenantView View() => new(Id, Name, Kind, Status, TimeZone, Live ? TenantModes.Live : TenantModes.Sandbox);
}

/// <summary>
/// Like a payment provider's test mode: a sandbox tenant's online payments go to the simulated channels (anyone may test
/// with them, and the money is not real); a live tenant's go only to channels configured with real credentials.
/// </summary>
public static class TenantModes
{
    public const string Sandbox = "sandbox", Live = "live";
    public static readonly string[] All = [Sandbox, Live];
}
