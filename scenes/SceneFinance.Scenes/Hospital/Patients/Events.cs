using SceneFinance.Platform.Ledger;

namespace SceneFinance.Scenes.Hospital.Patients;

// A patient's hospital account stream (stream key "hosp-{patientId}"): charge orders, the deposit, the credit line and
// refunds. Past tense, the patient id first, fen, and when. Money events carry their own balanced journal entry.

/// <summary>The HIS (or the kiosk, for a registration) charged the patient. Nothing moves until it is paid.</summary>
public sealed record OrderPosted(
    string PatientId, string OrderId, string HisOrderId, string VisitId, string Kind, string Description,
    long Amount, long InsuredAmount, string? InsurerId, string PostedBy, DateTimeOffset PostedAt);

public sealed record OrderCanceled(string PatientId, string OrderId, string Reason, DateTimeOffset CanceledAt);

/// <summary>What one payment paid of one order; <see cref="InsurerPart"/> became a receivable from the insurer with it.</summary>
public sealed record OrderShare(string OrderId, long Amount, long InsurerPart, string? InsurerId = null);

/// <summary>
/// Orders paid with one tender: <c>deposit</c>, <c>credit</c> (credit care), <c>channel</c> (a payment intent) or <c>cash</c>
/// at the window (into the drawer of cashier shift <see cref="ShiftId"/>). Money a channel brought beyond the orders' dues
/// (they were paid meanwhile) goes to the deposit, refundable to that channel.
/// </summary>
public sealed record OrdersPaid(
    string PatientId, string PaymentId, string Tender, string? Channel, string? IntentId, long Amount,
    IReadOnlyList<OrderShare> Orders, long ToDeposit, string Source, DateTimeOffset PaidAt, IReadOnlyList<Posting> Postings,
    string? ShiftId = null) : IJournalled;

/// <summary>Money a channel confirmed for the inpatient deposit.</summary>
public sealed record DepositPaidIn(
    string PatientId, string IntentId, string Channel, long Amount, string Source, DateTimeOffset PaidAt, IReadOnlyList<Posting> Postings) : IJournalled;

public sealed record InsuranceSettled(string PatientId, string OrderId, string InsurerId, long Amount, DateTimeOffset SettledAt, IReadOnlyList<Posting> Postings) : IJournalled;

/// <summary>The insurer refused its part: the charge is open again, now due from the patient.</summary>
public sealed record InsuranceRejected(string PatientId, string OrderId, string InsurerId, long Amount, string Reason, DateTimeOffset RejectedAt, IReadOnlyList<Posting> Postings) : IJournalled;

/// <summary>
/// The insurer approved less than it was claimed for: it pays <see cref="Approved"/>, and the rest of its part
/// (<see cref="Claimed"/> less <see cref="Approved"/>) is open again, now due from the patient.
/// </summary>
public sealed record InsurancePartlySettled(
    string PatientId, string OrderId, string InsurerId, long Claimed, long Approved, string Reason, DateTimeOffset SettledAt, IReadOnlyList<Posting> Postings) : IJournalled;

public sealed record CreditCareEnrolled(string PatientId, long Limit, string? LinkedChannel, DateTimeOffset EnrolledAt);

/// <summary>The nightly settlement for <see cref="LocalDate"/>: what the deposit covered; what is left is overdue.</summary>
public sealed record CreditSettlementRan(
    string PatientId, string LocalDate, long Outstanding, long FromDeposit, long Remaining, DateTimeOffset RanAt, IReadOnlyList<Posting> Postings) : IJournalled;

/// <summary>Open credit paid through a channel (the linked channel at night, or the patient at the kiosk).</summary>
public sealed record CreditRepaid(
    string PatientId, string IntentId, string Channel, long Amount, long ToDeposit, string Source, DateTimeOffset RepaidAt, IReadOnlyList<Posting> Postings) : IJournalled;

public sealed record RefundRequested(
    string PatientId, string RefundId, string Kind, string? OrderId, long Amount, string Reason, string RequestedBy,
    bool NeedsApproval, string TicketId, DateTimeOffset RequestedAt, string? RequestedById = null, string? Tender = null, string? ShiftId = null);

/// <summary>A second person approved: <see cref="ApprovedById"/> is their user id (never the asker's), <see cref="ApprovedBy"/> their name.</summary>
public sealed record RefundApproved(string PatientId, string RefundId, string ApprovedBy, DateTimeOffset ApprovedAt, string? ApprovedById = null);

public sealed record RefundRefused(string PatientId, string RefundId, string Reason, DateTimeOffset RefusedAt);

/// <summary>
/// One part of a refund, back to one tender. A channel line waits in <c>refund-hold</c> until the gateway takes it; a cash line
/// is paid out of the drawer of cashier shift <see cref="ShiftId"/>.
/// </summary>
public sealed record RefundLine(int No, string Tender, string? Channel, string? IntentId, long Amount, string? ShiftId = null);

/// <summary>The refund split over its tenders (newest first) and the money taken from the order or the deposit.</summary>
public sealed record RefundExecuted(
    string PatientId, string RefundId, string Kind, string? OrderId, IReadOnlyList<RefundLine> Lines, DateTimeOffset ExecutedAt, IReadOnlyList<Posting> Postings) : IJournalled;

/// <summary>The gateway took a channel line's money for its refund <see cref="GatewayRefundId"/>.</summary>
public sealed record RefundLineFunded(
    string PatientId, string RefundId, int LineNo, string GatewayRefundId, string Channel, long Amount, DateTimeOffset FundedAt, IReadOnlyList<Posting> Postings) : IJournalled;

/// <summary>The channel could not pay a line out (or the gateway refused it): its money is back where it was taken from.</summary>
public sealed record RefundLineReleased(
    string PatientId, string RefundId, int LineNo, string? GatewayRefundId, long Amount, string Reason, DateTimeOffset ReleasedAt, IReadOnlyList<Posting> Postings) : IJournalled;

public sealed record PatientDischarged(string PatientId, string RefundId, long DepositLeft, DateTimeOffset DischargedAt);
