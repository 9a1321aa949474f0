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
    public DateTimeOffset? LastSeenAt { get; set; }

    public TerminalView View() => new(Id, Name, Kind, Status, CreatedAt, LastSeenAt);
}

/// <summary>Terminal id to tenant, platform-wide: a signed request names only its terminal.</summary>
public sealed class TerminalDirectoryEntry
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
}
