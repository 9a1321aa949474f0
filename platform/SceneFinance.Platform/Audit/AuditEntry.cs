namespace SceneFinance.Platform.Audit;

/// <summary>
/// One line of the audit log: who (actor id and role, their tenant), did what (action), to what (target), in which tenant,
/// what it was before and after (JSON of the fields that changed, personal data masked), why (reason), from where, when.
/// Platform-wide: the platform administrator reads every tenant's; a tenant's auditor reads the lines of their tenant.
/// Append-only: nothing in the product updates or deletes one, and PostgreSQL refuses it (<see cref="AuditTrigger"/>).
/// </summary>
public sealed class AuditEntry
{
    public string Id { get; set; } = "";
    public DateTimeOffset At { get; set; }
    public string ActorId { get; set; } = "";
    public string ActorRole { get; set; } = "";
    public string? ActorTenantId { get; set; }

    /// <summary>The tenant the action was about (null: the platform's own, such as a platform administrator's sign-in).</summary>
    public string? TenantId { get; set; }

    /// <summary>What was done, in words of the code: an event's name (<c>CardFrozen</c>) or a named action (<c>user.disabled</c>).</summary>
    public string Action { get; set; } = "";

    /// <summary>What it was done to: a stream or document id (<c>ch_...</c>, <c>user:li.lei</c>).</summary>
    public string Target { get; set; } = "";

    public string? Before { get; set; }
    public string? After { get; set; }
    public string? Reason { get; set; }
    public string? Ip { get; set; }
}
