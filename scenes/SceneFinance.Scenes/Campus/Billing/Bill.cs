using System.Collections.Immutable;

namespace SceneFinance.Scenes.Campus.Billing;

public static class BillStatus
{
    public const string Issued = "issued", PartiallyPaid = "partially_paid", Paid = "paid", Overdue = "overdue", Cancelled = "cancelled", Refunded = "refunded";
}

/// <summary>What one online payment did to the bill, for its refunds.</summary>
public sealed record OnlineReceipt(string Channel, long Applied, long Excess, long ExcessRefunded, long AppliedRefunded)
{
    public long ExcessHeld => Excess - ExcessRefunded;
    public long AppliedKept => Applied - AppliedRefunded;
}

public sealed record RefundTaken(string IntentId, long FromExcess, long FromCollected, bool Released);

/// <summary>One counter payment and how much of it was handed back in cash since.</summary>
public sealed record CounterReceipt(long Amount, long Refunded)
{
    public long Kept => Amount - Refunded;
}

/// <summary>A bill as its events made it. Immutable; evolved one event at a time.</summary>
public sealed record Bill(
    string Id, string PlanId, string PlanName, string Term, string StudentNumber, string CardHolderId, string StudentName, string Grade, string Class,
    ImmutableList<BillLine> Lines, long Gross, long Discount, long Amount, ImmutableList<BillInstallment> Installments, long LateFeeFixed, int LateFeeBp,
    long LateFees, long CollectedOnline, long CollectedCounter, long CollectedExternal, long Waived, long Refunded, long WrittenOff, bool Cancelled,
    ImmutableSortedSet<int> OverdueInstallments, ImmutableDictionary<string, OnlineReceipt> Receipts, ImmutableDictionary<string, RefundTaken> Refunds,
    ImmutableHashSet<string> WaiverIds, DateTimeOffset IssuedAt, DateTimeOffset UpdatedAt)
{
    public long Collected => CollectedOnline + CollectedCounter + CollectedExternal;
    public long Due => Amount + LateFees;

    /// <summary>What the family still owes; never below 0, and 0 once cancelled.</summary>
    public long Outstanding => Cancelled ? 0 : Math.Max(0, Due - Collected - Waived);

    /// <summary>Paid or waived: what counts against the installments, earliest first.</summary>
    public long Covered => Collected + Waived;

    public long ExcessHeld => Receipts.Values.Sum(r => r.ExcessHeld);

    /// <summary>Counter payments by payment id (for their cash refunds), and the cash refunds taken, by refund id.</summary>
    public ImmutableDictionary<string, CounterReceipt> CounterPayments { get; init; } = ImmutableDictionary<string, CounterReceipt>.Empty;
    public ImmutableHashSet<string> CounterRefundIds { get; init; } = [];

    public string Status =>
        Cancelled ? (Refunded > 0 ? BillStatus.Refunded : BillStatus.Cancelled)
        : Outstanding == 0 ? BillStatus.Paid
        : OverdueInstallments.Count > 0 && !OverdueInstallments.All(InstallmentCovered) ? BillStatus.Overdue
        : Covered > 0 ? BillStatus.PartiallyPaid
        : BillStatus.Issued;

    /// <summary>Still asking for money: not cancelled, not paid (or waived) in full. Only an open bill follows the roster's renames.</summary>
    public bool Open => !Cancelled && Outstanding > 0;

    /// <summary>Everything due up to and including installment <paramref name="no"/>.</summary>
    public long DueThrough(int no) => Installments.Where(i => i.No <= no).Sum(i => i.Amount);

    public bool InstallmentCovered(int no) => Covered >= DueThrough(no);

    /// <summary>The earliest installment not yet covered, and what is left of it.</summary>
    public (BillInstallment Installment, long Remaining)? NextInstallment()
    {
        if (Outstanding == 0) return null;
        foreach (var i in Installments)
            if (!InstallmentCovered(i.No)) return (i, Math.Min(Outstanding, DueThrough(i.No) - Covered));
        return (Installments[^1], Outstanding); // only late fees are left
    }

    public static Bill? Fold(Bill? s, object e) => (s, e) switch
    {
        (null, BillIssued x) => new Bill(x.BillId, x.PlanId, x.PlanName, x.Term, x.StudentNumber, x.CardHolderId, x.StudentName, x.Grade, x.Class,
            [.. x.Lines], x.Gross, x.Discount, x.Amount, [.. x.Installments], x.LateFeeFixed, x.LateFeeBp, 0, 0, 0, 0, 0, 0, 0, false,
            [], ImmutableDictionary<string, OnlineReceipt>.Empty, ImmutableDictionary<string, RefundTaken>.Empty, [], x.IssuedAt, x.IssuedAt),
        (null, _) => null,
        ({ } b, BillPaid x) => x.Method switch
        {
            "online" => b with
            {
                CollectedOnline = b.CollectedOnline + x.Applied,
                Receipts = b.Receipts.SetItem(x.PaymentId, new OnlineReceipt(x.Channel!, x.Applied, x.Excess, 0, 0)),
                UpdatedAt = x.PaidAt,
            },
            "counter" => b with
            {
                CollectedCounter = b.CollectedCounter + x.Applied,
                CounterPayments = b.CounterPayments.SetItem(x.PaymentId, new CounterReceipt(x.Applied, 0)),
                UpdatedAt = x.PaidAt,
            },
            _ => b with { CollectedExternal = b.CollectedExternal + x.Applied, UpdatedAt = x.PaidAt },
        },
        ({ } b, BillWaived x) => b with { Waived = b.Waived + x.Amount, WaiverIds = b.WaiverIds.Add(x.WaiverId), UpdatedAt = x.WaivedAt },
        ({ } b, BillOverdue x) => b with { LateFees = b.LateFees + x.LateFee, OverdueInstallments = b.OverdueInstallments.Add(x.InstallmentNo), UpdatedAt = x.MarkedAt },
        ({ } b, BillRefundDebited x) => b with
        {
            CollectedOnline = b.CollectedOnline - x.FromCollected,
            Refunded = b.Refunded + x.FromCollected,
            Receipts = b.Receipts.SetItem(x.IntentId, b.Receipts[x.IntentId] is var r
                ? r with { ExcessRefunded = r.ExcessRefunded + x.FromExcess, AppliedRefunded = r.AppliedRefunded + x.FromCollected } : r),
            Refunds = b.Refunds.SetItem(x.RefundId, new RefundTaken(x.IntentId, x.FromExcess, x.FromCollected, false)),
            UpdatedAt = x.DebitedAt,
        },
        ({ } b, BillRefundReleased x) => b with
        {
            CollectedOnline = b.CollectedOnline + x.FromCollected,
            Refunded = b.Refunded - x.FromCollected,
            Receipts = b.Receipts.SetItem(x.IntentId, b.Receipts[x.IntentId] is var r
                ? r with { ExcessRefunded = r.ExcessRefunded - x.FromExcess, AppliedRefunded = r.AppliedRefunded - x.FromCollected } : r),
            Refunds = b.Refunds.SetItem(x.RefundId, b.Refunds[x.RefundId] with { Released = true }),
            UpdatedAt = x.ReleasedAt,
        },
        ({ } b, BillCounterRefunded x) => b with
        {
            CollectedCounter = b.CollectedCounter - x.Amount,
            Refunded = b.Refunded + x.Amount,
            CounterPayments = b.CounterPayments.SetItem(x.PaymentId, b.CounterPayments[x.PaymentId] is var r ? r with { Refunded = r.Refunded + x.Amount } : r),
            CounterRefundIds = b.CounterRefundIds.Add(x.RefundId),
            UpdatedAt = x.RefundedAt,
        },
        ({ } b, BillStudentRenamed x) => b with { StudentName = x.StudentName, Grade = x.Grade, Class = x.Class, UpdatedAt = x.RenamedAt },
        ({ } b, BillCancelled x) => b with { Cancelled = true, WrittenOff = x.WrittenOff, UpdatedAt = x.CancelledAt },
        ({ } b, _) => b,
    };
}
