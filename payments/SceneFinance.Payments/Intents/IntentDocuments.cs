namespace SceneFinance.Payments.Intents;

/// <summary>A channel's order number to our tenant and intent (platform-wide: notifications arrive without a tenant).</summary>
public sealed class ChannelOrder
{
    /// <summary><c>"{channel}:{orderNo}"</c></summary>
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string IntentId { get; set; } = "";

    /// <summary>A live tenant's order: only the channel's live adapter may speak for it.</summary>
    public bool Live { get; set; }

    public static string Key(string channel, string orderNo) => $"{channel}:{orderNo}";
}

/// <summary>A notification we processed (platform-wide), kept so a duplicate is answered without work and for audit.</summary>
public sealed class ReceivedNotification
{
    /// <summary><c>"{channel}:{notificationId}"</c></summary>
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string IntentId { get; set; } = "";
    public string Status { get; set; } = "";
    public DateTimeOffset ReceivedAt { get; set; }
}

/// <summary>An intent for lists and for the janitor's search (per tenant). Rewritten with every change of the intent.</summary>
public sealed class IntentListing
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string Channel { get; set; } = "";
    public string OrderNo { get; set; } = "";
    public long Amount { get; set; }
    public long RefundedAmount { get; set; }
    public string Status { get; set; } = "";
    public string PurposeKind { get; set; } = "";
    public string TargetId { get; set; } = "";
    public bool NeedsAttention { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? SucceededAt { get; set; }

    public static IntentListing Of(string tenantId, Intent s) => new()
    {
        Id = s.Id, TenantId = tenantId, Channel = s.Channel, OrderNo = s.OrderNo, Amount = s.Amount, RefundedAmount = s.Refunded,
        Status = s.Status, PurposeKind = s.Purpose.Kind, TargetId = s.Purpose.TargetId, NeedsAttention = s.NeedsAttention,
        CreatedAt = s.CreatedAt, UpdatedAt = s.UpdatedAt, SucceededAt = s.SucceededAt,
    };
}
