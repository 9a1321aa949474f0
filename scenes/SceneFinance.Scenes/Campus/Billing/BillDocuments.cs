namespace SceneFinance.Scenes.Campus.Billing;

/// <summary>A bill for lists, reports and the jobs (per tenant). Rewritten by the bill grain with every change, in the same commit.</summary>
public sealed class BillListing
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string PlanId { get; set; } = "";
    public string Term { get; set; } = "";
    public string StudentNumber { get; set; } = "";
    public string StudentName { get; set; } = "";
    public string Grade { get; set; } = "";
    public string Class { get; set; } = "";
    public string Status { get; set; } = "";
    public long Amount { get; set; }
    public long LateFees { get; set; }
    public long PaidOnline { get; set; }
    public long PaidAtCounter { get; set; }
    public long PaidExternally { get; set; }
    public long Paid { get; set; }
    public long Waived { get; set; }
    public long Refunded { get; set; }
    public long Outstanding { get; set; }
    public long HeldForRefund { get; set; }
    /// <summary>The earliest due date not yet covered (null when nothing is owed): what the reminder job looks at.</summary>
    public DateOnly? NextDueDate { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public static BillListing Of(string tenantId, Bill b) => new()
    {
        Id = b.Id, TenantId = tenantId, PlanId = b.PlanId, Term = b.Term, StudentNumber = b.StudentNumber, StudentName = b.StudentName, Grade = b.Grade, Class = b.Class,
        Status = b.Status, Amount = b.Amount, LateFees = b.LateFees, PaidOnline = b.CollectedOnline, PaidAtCounter = b.CollectedCounter,
        PaidExternally = b.CollectedExternal, Paid = b.Collected, Waived = b.Waived, Refunded = b.Refunded, Outstanding = b.Outstanding,
        HeldForRefund = b.ExcessHeld, NextDueDate = b.NextInstallment()?.Installment.DueDate, IssuedAt = b.IssuedAt, UpdatedAt = b.UpdatedAt,
    };
}

/// <summary>One line of the collections journal (收款流水): a payment applied to a bill, or a refund of one (negative). Id: the payment or refund id.</summary>
public sealed class CollectionEntry
{
    public string Id { get; set; } = "";
    public string BillId { get; set; } = "";
    public string StudentNumber { get; set; } = "";
    public string StudentName { get; set; } = "";
    public string Grade { get; set; } = "";
    public string Class { get; set; } = "";
    public string Method { get; set; } = "";
    public string? Channel { get; set; }
    public string? Provider { get; set; }
    public string? Reference { get; set; }
    /// <summary>Why cash was handed back (a counter refund's reason).</summary>
    public string? Reason { get; set; }
    public long Amount { get; set; }
    public long Excess { get; set; }
    public string By { get; set; } = "";
    public DateTimeOffset At { get; set; }
}

/// <summary>An online payment's excess that is to go back to the payer: the refund job picks it up until it is done.</summary>
public sealed class ExcessRefund
{
    /// <summary>The intent id.</summary>
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string BillId { get; set; } = "";
    public long Amount { get; set; }
    public bool Done { get; set; }
    public string? Outcome { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
