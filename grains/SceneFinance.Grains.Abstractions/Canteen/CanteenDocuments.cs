namespace SceneFinance.Grains.Canteen;

/// <summary>
/// An approved card payment as the canteen's reports, voids and refunds read it (id = the payment id). Written by the card
/// holder's grain in the very commit of the payment, and again with each of its refunds, so it never disagrees with the wallet.
/// </summary>
public sealed class Sale
{
    public string Id { get; set; } = "";
    public string CardHolderId { get; set; } = "";
    public string CardLast4 { get; set; } = "";
    public string TerminalId { get; set; } = "";
    public string MerchantId { get; set; } = "";
    public DateOnly LocalDay { get; set; }
    public string? MealPeriod { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public DateTimeOffset ApprovedAt { get; set; }

    /// <summary>What the merchant is owed: the price of the meal.</summary>
    public long Amount { get; set; }

    /// <summary>The purses the holder paid from.</summary>
    public List<PursePart> Parts { get; set; } = [];

    public string? CampaignId { get; set; }

    /// <summary>What the campaign's budget (the bank's marketing account) paid.</summary>
    public long Discount { get; set; }

    /// <summary>An offline tap honoured beyond the purses: the holder owes this (arrears).</summary>
    public long Shortfall { get; set; }

    public bool Offline { get; set; }
    public long Refunded { get; set; }
    public bool Voided { get; set; }

    /// <summary>What the holder paid (purses and arrears), not the campaign.</summary>
    public long Paid => Amount - Discount;
}

/// <summary>A void or refund of a <see cref="Sale"/>, on the local day it was made (daily reports count it there).</summary>
public sealed class SaleRefund
{
    public string Id { get; set; } = "";
    public string PaymentId { get; set; } = "";
    public string CardHolderId { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Reason { get; set; } = "";
    public string By { get; set; } = "";
    public string TerminalId { get; set; } = "";
    public string MerchantId { get; set; } = "";
    public string? MealPeriod { get; set; }
    public DateOnly LocalDay { get; set; }
    public long Amount { get; set; }
    public List<PursePart> ToPurses { get; set; } = [];
    public long ToFunders { get; set; }
    public long ToMarketing { get; set; }
    public long ArrearsCleared { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>
/// An offline tap that was not charged as taken (id derived from the till's key for it, so an upload sent twice records it
/// once): a listed card, above an offline cap, an unknown card, or honoured with a shortfall (<see cref="OfflineExceptionReasons.Arrears"/>).
/// </summary>
public sealed class OfflineException
{
    public string Id { get; set; } = "";
    public string Reason { get; set; } = "";
    public string? DeclineCode { get; set; }
    public string TerminalId { get; set; } = "";
    public string MerchantId { get; set; } = "";
    public string? CardHolderId { get; set; }
    public string CardLast4 { get; set; } = "";
    public string? PaymentId { get; set; }
    public long Amount { get; set; }

    /// <summary>For arrears: what the purses could not cover.</summary>
    public long Shortfall { get; set; }

    public long ListVersion { get; set; }
    public DateOnly LocalDay { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
}

/// <summary>A holder's outstanding arrears (id = the holder), kept by the holder's grain; recovered from the next top-up or subsidy.</summary>
public sealed class ArrearsListing
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string ExternalId { get; set; } = "";
    public long Outstanding { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The tenant-wide ledger accounts of the canteen (the holders' purses are in <c>Accounts.Purse</c>).</summary>
public static class CanteenAccounts
{
    /// <summary>Who pays a subsidy program: debited by grants, credited by resets and by refunds once the program is over.</summary>
    public static string Funder(string programId) => $"subsidy-funder:{programId}";

    /// <summary>A holder's purse of one subsidy program.</summary>
    public static string ProgramPurse(string holderId, string programId) => $"cardholder:{holderId}:subsidy:{programId}";

    /// <summary>What a holder owes for offline taps the purses could not cover (an asset of the bank).</summary>
    public static string Arrears(string holderId) => $"cardholder:{holderId}:arrears";

    /// <summary>The bank's marketing money behind one campaign: debited by each discounted tap.</summary>
    public static string Marketing(string campaignId) => $"bank-marketing:{campaignId}";
}
