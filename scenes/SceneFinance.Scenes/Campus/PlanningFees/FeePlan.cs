namespace SceneFinance.Scenes.Campus.PlanningFees;

/// <summary>One charge of a plan (收费项目): tuition, books, accommodation...</summary>
public sealed record FeeItem(string Name, string Category, long Amount);

/// <summary>When a share of the bill is due (分期). Shares are basis points of the bill and add up to 10000.</summary>
public sealed record InstallmentRule(DateOnly DueDate, int ShareBp);

/// <summary>
/// What a term costs a grade (or one class of it) (收费方案). Bills are generated from it; editing a plan later does not
/// change bills already issued.
/// </summary>
public sealed class FeePlan
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string Term { get; set; } = "";
    public string Grade { get; set; } = "";
    /// <summary>Null: the whole grade.</summary>
    public string? Class { get; set; }
    public List<FeeItem> Items { get; set; } = [];
    public List<InstallmentRule> Installments { get; set; } = [];
    /// <summary>Discount for the second and later child of a family, in basis points of the bill (rounded down to whole fen).</summary>
    public int SiblingDiscountBp { get; set; }
    /// <summary>Late fee per overdue installment: a fixed amount plus basis points of the installment (rounded down to whole fen).</summary>
    public long LateFeeFixed { get; set; }
    public int LateFeeBp { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }

    public long Total => Items.Sum(i => i.Amount);
}

/// <summary>The school's own rules for paying bills (per tenant, one document).</summary>
public sealed class CampusSettings
{
    public const string DocumentId = "campus-settings";
    public string Id { get; set; } = DocumentId;
    /// <summary>The smallest part payment accepted (部分缴费下限), unless it settles the bill. 0: any amount.</summary>
    public long MinimumPartialPayment { get; set; }
    /// <summary>How many days before a due date the reminder goes out.</summary>
    public int ReminderDaysBefore { get; set; } = 3;
}
