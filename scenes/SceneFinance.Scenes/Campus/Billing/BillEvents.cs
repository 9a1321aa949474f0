using SceneFinance.Platform.Ledger;

namespace SceneFinance.Scenes.Campus.Billing;

// A bill's stream: issued, paid (online, at the counter, by a loan or subsidy), waived, overdue, refunded, cancelled.
// Past tense, the bill id first, fen, and when. Every money event is its own balanced journal entry.

public sealed record BillIssued(
    string BillId, string PlanId, string PlanName, string Term, string StudentNumber, string CardHolderId, string StudentName, string Grade, string Class,
    IReadOnlyList<BillLine> Lines, long Gross, long Discount, long Amount, IReadOnlyList<BillInstallment> Installments,
    long LateFeeFixed, int LateFeeBp, DateTimeOffset IssuedAt, IReadOnlyList<Posting> Postings) : IJournalled;

/// <summary>
/// Money received for the bill. <see cref="Applied"/> went to the bill; <see cref="Excess"/> (only online: two payers at once,
/// or a bill settled meanwhile) is held for the automatic refund and never counts as collected.
/// </summary>
public sealed record BillPaid(
    string BillId, string PaymentId, string Method, string? Channel, string? Provider, string? Reference, long Amount, long Applied, long Excess,
    string PaidBy, DateTimeOffset PaidAt, IReadOnlyList<Posting> Postings) : IJournalled;

public sealed record BillWaived(
    string BillId, string WaiverId, string Kind, long Amount, string RequestedBy, string ApprovedBy, DateTimeOffset WaivedAt, IReadOnlyList<Posting> Postings) : IJournalled;

/// <summary>An installment's due date passed without it being covered; its late fee (maybe 0) is added once.</summary>
public sealed record BillOverdue(string BillId, int InstallmentNo, DateOnly DueDate, long LateFee, DateTimeOffset MarkedAt, IReadOnlyList<Posting> Postings) : IJournalled;

/// <summary>A refund to the payer's channel took money from the bill: first the payment's excess, then (a cancelled bill only) what it paid.</summary>
public sealed record BillRefundDebited(
    string BillId, string RefundId, string IntentId, string Channel, long FromExcess, long FromCollected, DateTimeOffset DebitedAt, IReadOnlyList<Posting> Postings) : IJournalled;

/// <summary>The channel could not pay the refund out: the money is back where it was taken from.</summary>
public sealed record BillRefundReleased(
    string BillId, string RefundId, string IntentId, string Channel, long FromExcess, long FromCollected, DateTimeOffset ReleasedAt, IReadOnlyList<Posting> Postings) : IJournalled;

/// <summary>
/// Cash handed back at the counter for (part of) a counter payment, with a receipt and a reason. On a live bill the family owes it
/// again (the receivable grows back); on a cancelled bill it comes out of the fee income that kept it.
/// </summary>
public sealed record BillCounterRefunded(
    string BillId, string RefundId, string PaymentId, long Amount, string Reason, string RefundedBy, DateTimeOffset RefundedAt, IReadOnlyList<Posting> Postings) : IJournalled;

/// <summary>The bill no longer asks for anything: what was outstanding is written off against the fee income.</summary>
public sealed record BillCancelled(string BillId, string Reason, long WrittenOff, string CancelledBy, DateTimeOffset CancelledAt, IReadOnlyList<Posting> Postings) : IJournalled;

/// <summary>
/// The roster renamed the student or moved them to another class while the bill was still open: it shows (and is filtered by) the
/// new name and class. A paid or cancelled bill keeps what it was issued with; no money moves.
/// </summary>
public sealed record BillStudentRenamed(string BillId, string StudentName, string Grade, string Class, DateTimeOffset RenamedAt);

/// <summary>The campus ledger accounts (beside the gateway's own).</summary>
public static class CampusAccounts
{
    /// <summary>What the family owes on one bill: its balance is the bill's outstanding amount.</summary>
    public static string Receivable(string billId) => $"campus-receivable:{billId}";
    public static string FeeIncome(string planId) => $"campus-fee-income:{planId}";
    public static string LateFeeIncome => "campus-late-fee-income";
    public static string Waivers(string kind) => $"campus-waivers:{kind}";
    public static string CounterCash => "campus-counter-cash";
    /// <summary>Money a lender or subsidy programme owes the school for bills it covered.</summary>
    public static string External(string method, string provider) => $"campus-{method}-receivable:{provider}";
    /// <summary>Money received beyond a bill's amount, held until it is refunded to the payer.</summary>
    public static string Overpaid(string billId) => $"campus-overpaid:{billId}";
}
