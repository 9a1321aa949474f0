using System.Text.Json.Serialization;

namespace SceneFinance.Grains.Terminals;

/// <summary>
/// A merchant terminal of a tenant: written by its grain only, read by the terminal list (the terminals slice). The HMAC
/// secret it signs with stays inside the grains (internal), so no reader of the list can reach it.
/// </summary>
public sealed class TerminalRecord
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Status { get; set; } = "active";
    /// <summary>Sealed at rest (<c>sealed:v1:...</c>, Sealer); a secret from before sealing is sealed at startup (SealSecretsAtRest).</summary>
    [JsonInclude] internal string Secret { get; set; } = "";

    /// <summary>The secret before the last rotation, sealed; it verifies until <see cref="PreviousSecretUntil"/>.</summary>
    [JsonInclude] internal string? PreviousSecret { get; set; }

    public DateTimeOffset? PreviousSecretUntil { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The merchant the terminal belongs to; null for terminals from before merchants: they are the tenant's first merchant's.</summary>
    public string? MerchantId { get; set; }

    public string MerchantOf(string tenantId) => MerchantId ?? MerchantIds.DefaultId(tenantId);

    public TerminalView View(string tenantId, DateTimeOffset? lastSeenAt) => new(Id, Name, Kind, Status, CreatedAt, lastSeenAt, MerchantOf(tenantId), PreviousSecretUntil);
}

/// <summary>When a terminal was last heard from: a hint for operators, kept apart from the terminal so it never overwrites a status change.</summary>
public sealed class TerminalActivity
{
    public string Id { get; set; } = "";
    public DateTimeOffset LastSeenAt { get; set; }
}
