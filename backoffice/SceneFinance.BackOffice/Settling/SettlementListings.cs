namespace SceneFinance.BackOffice.Settling;

/// <summary>A party for lists (per tenant; id <c>"{tenantId}:{partyId}"</c>), rewritten by its grain with every change.</summary>
public sealed class PartyListing
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string PartyId { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Name { get; set; } = "";
    public PartyView View { get; set; } = null!;
    public long Payable { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A payout for lists and the payout file (per tenant; id = the payout id). The number stays encrypted here too.</summary>
public sealed class PayoutListing
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string PartyId { get; set; } = "";
    public DateOnly Day { get; set; }
    public string Status { get; set; } = "";
    public long Amount { get; set; }
    public string ProtectedNumber { get; set; } = "";
    public PayoutView View { get; set; } = null!;
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A settlement run of a tenant's business day (id <c>"{tenantId}:{yyyy-MM-dd}"</c>): what its statements add up to.</summary>
public sealed class SettlementRunListing
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public DateOnly Day { get; set; }
    public SettlementRunView View { get; set; } = null!;
    public DateTimeOffset RanAt { get; set; }

    public static string IdOf(string tenantId, DateOnly day) => $"{tenantId}:{day:yyyy-MM-dd}";
}

/// <summary>A run's totals (fen): statements, payouts made, and what stays carried.</summary>
public sealed record SettlementRunView(
    string TenantId, DateOnly Day, int Statements, long Gross, long Refunds, long Funding, long Fees, long Net, int PayoutCount,
    long Payouts, long CarriedOut, DateTimeOffset RanAt, string RanBy);
