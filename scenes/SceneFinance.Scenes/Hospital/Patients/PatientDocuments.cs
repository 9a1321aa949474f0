namespace SceneFinance.Scenes.Hospital.Patients;

/// <summary>An HIS order id claimed for one patient's order (per tenant): cancel and look-ups by the HIS's own id.</summary>
public sealed class HisOrderClaim
{
    public string Id { get; set; } = "";
    public string PatientId { get; set; } = "";
    public string OrderId { get; set; } = "";
}

/// <summary>A patient's hospital account for lists, the nightly job and the janitor; rewritten with every change.</summary>
public sealed class PatientAccountListing
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public long Deposit { get; set; }
    public long Due { get; set; }
    public int UnpaidOrders { get; set; }
    public bool CreditCare { get; set; }
    public long CreditOutstanding { get; set; }
    public bool Overdue { get; set; }
    public bool HeldRefunds { get; set; }
    public bool Discharged { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public static PatientAccountListing Of(string tenantId, PatientAccount s, DateTimeOffset now) => new()
    {
        Id = s.PatientId, TenantId = tenantId, Deposit = s.Deposit, Due = s.Unpaid.Sum(o => o.Due), UnpaidOrders = s.Unpaid.Count(),
        CreditCare = s.Credit is not null, CreditOutstanding = s.CreditOutstanding, Overdue = s.Overdue,
        HeldRefunds = s.Refunds.Values.Any(r => r.Awaiting), Discharged = s.Discharged, UpdatedAt = now,
    };
}
