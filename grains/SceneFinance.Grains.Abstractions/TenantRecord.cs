namespace SceneFinance.Grains.Tenants;

/// <summary>A tenant's profile; platform-wide (not itself tenanted). Written by its grain only, read by the tenant list (the tenants module).</summary>
public sealed class TenantRecord
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Status { get; set; } = "active";
    public string TimeZone { get; set; } = Platform.Time.Zones.Default;

    /// <summary>Card payments above this many fen are declined with <c>risk_rejected</c>; 0 means no cap.</summary>
    public long SinglePaymentCap { get; set; } = DefaultSinglePaymentCap;

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>5,000 yuan: far above a meal or a clinic charge, well below what a stolen card could drain at once.</summary>
    public const long DefaultSinglePaymentCap = 500_000;

    public TenantView View() => new(Id, Name, Kind, Status, TimeZone);
}
