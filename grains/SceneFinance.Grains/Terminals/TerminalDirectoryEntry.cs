namespace SceneFinance.Grains.Terminals;

/// <summary>Terminal id to tenant, platform-wide: a signed request names only its terminal.</summary>
public sealed class TerminalDirectoryEntry
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
}
