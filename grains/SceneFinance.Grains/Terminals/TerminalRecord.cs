namespace SceneFinance.Grains.Terminals;

/// <summary>A merchant terminal of a tenant, with the HMAC secret it signs with.</summary>
public sealed class TerminalRecord
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Status { get; set; } = "active";
    public string Secret { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }

    public TerminalView View(DateTimeOffset? lastSeenAt) => new(Id, Name, Kind, Status, CreatedAt, lastSeenAt);
}

/// <summary>When a terminal was last heard from: a hint for operators, kept apart from the terminal so it never overwrites a status change.</summary>
public sealed class TerminalActivity
{
    public string Id { get; set; } = "";
    public DateTimeOffset LastSeenAt { get; set; }
}

/// <summary>Terminal id to tenant, platform-wide: a signed request names only its terminal.</summary>
public sealed class TerminalDirectoryEntry
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
}
