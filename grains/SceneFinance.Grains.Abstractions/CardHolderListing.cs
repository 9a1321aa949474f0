namespace SceneFinance.Grains.Cards;

/// <summary>
/// A card holder as lists and searches see it (no balance, no full card number): written by the holder's grain on the
/// rare changes only, read by the card holder search (the card holders slice).
/// </summary>
public sealed class CardHolderListing
{
    public string Id { get; set; } = "";

    /// <summary>The tenant (also Marten's), for "which hospitals know this phone" across tenants; empty in listings written before it was kept.</summary>
    public string TenantId { get; set; } = "";
    public string ExternalId { get; set; } = "";
    public string Name { get; set; } = "";
    public string Kind { get; set; } = "";
    public string CardLast4 { get; set; } = "";
    public string Status { get; set; } = "";

    /// <summary>The student's class as the roster names it (null for other holders).</summary>
    public string? Class { get; set; }

    /// <summary>The holder's limit group (a grade, a department), for limits, subsidy and campaign eligibility; null: none.</summary>
    public string? Group { get; set; }

    /// <summary>The phone's keyed digest (never the phone): who signs in by phone with a one-time code (a patient) is found by it.</summary>
    public string? PhoneDigest { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
