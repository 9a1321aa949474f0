using SceneFinance.Platform.Idempotency;

namespace SceneFinance.Scenes.Campus.Billing;

[GenerateSerializer, Immutable]
public sealed record BillLine([property: Id(0)] string Item, [property: Id(1)] string Category, [property: Id(2)] long Amount);

[GenerateSerializer, Immutable]
public sealed record BillInstallment([property: Id(0)] int No, [property: Id(1)] DateOnly DueDate, [property: Id(2)] long Amount);

[GenerateSerializer, Immutable]
public sealed record InstallmentShare([property: Id(0)] DateOnly DueDate, [property: Id(1)] int ShareBp);

[GenerateSerializer, Immutable]
public sealed record IssueBill(
    [property: Id(0)] string PlanId, [property: Id(1)] string PlanName, [property: Id(2)] string Term, [property: Id(3)] string StudentNumber,
    [property: Id(4)] string CardHolderId, [property: Id(5)] string StudentName, [property: Id(6)] string Grade, [property: Id(7)] string Class,
    [property: Id(8)] IReadOnlyList<BillLine> Lines, [property: Id(9)] int DiscountBp, [property: Id(10)] IReadOnlyList<InstallmentShare> Installments,
    [property: Id(11)] long LateFeeFixed, [property: Id(12)] int LateFeeBp, [property: Id(13)] DateTimeOffset Now);

/// <summary>Money received outside the gateway: at the counter, or from a loan or subsidy programme (marked as such).</summary>
[GenerateSerializer, Immutable]
public sealed record PayBillOffline(
    [property: Id(0)] string PaymentId, [property: Id(1)] string Method, [property: Id(2)] long Amount, [property: Id(3)] string? Provider,
    [property: Id(4)] string? Reference, [property: Id(5)] long MinimumPartial, [property: Id(6)] string PaidBy, [property: Id(7)] IdempotencyTicket Ticket,
    [property: Id(8)] DateTimeOffset Now);

/// <summary>Money a channel confirmed for the bill (once per intent).</summary>
[GenerateSerializer, Immutable]
public sealed record PayBillOnline(
    [property: Id(0)] string IntentId, [property: Id(1)] string Channel, [property: Id(2)] long Amount, [property: Id(3)] string PaidBy, [property: Id(4)] DateTimeOffset Now);

[GenerateSerializer, Immutable]
public sealed record RefundBill(
    [property: Id(0)] string RefundId, [property: Id(1)] string IntentId, [property: Id(2)] string Channel, [property: Id(3)] long Amount, [property: Id(4)] DateTimeOffset Now);

[GenerateSerializer, Immutable]
public sealed record ApplyWaiver(
    [property: Id(0)] string WaiverId, [property: Id(1)] string Kind, [property: Id(2)] long Amount, [property: Id(3)] string RequestedBy,
    [property: Id(4)] string ApprovedBy, [property: Id(5)] DateTimeOffset Now);

/// <summary>The name, grade and class the roster gives the bill's student now.</summary>
[GenerateSerializer, Immutable]
public sealed record RenameStudent(
    [property: Id(0)] string StudentName, [property: Id(1)] string Grade, [property: Id(2)] string Class, [property: Id(3)] DateTimeOffset Now);

/// <summary>Cash handed back at the counter for a counter payment, under the request's ticket.</summary>
[GenerateSerializer, Immutable]
public sealed record RefundCounterPayment(
    [property: Id(0)] string RefundId, [property: Id(1)] string PaymentId, [property: Id(2)] long Amount, [property: Id(3)] string Reason,
    [property: Id(4)] string RefundedBy, [property: Id(5)] IdempotencyTicket Ticket, [property: Id(6)] DateTimeOffset Now);

/// <summary>A counter refund as its receipt (退款凭证): the answer to <c>POST .../bills/{id}/payments/{paymentId}/refunds</c>.</summary>
[GenerateSerializer, Immutable]
public sealed record CounterRefund(
    [property: Id(0)] string RefundId, [property: Id(1)] string PaymentId, [property: Id(2)] long Amount, [property: Id(3)] string Reason,
    [property: Id(4)] string RefundedBy, [property: Id(5)] DateTimeOffset RefundedAt, [property: Id(6)] BillView Bill);

[GenerateSerializer, Immutable]
public sealed record InstallmentView(
    [property: Id(0)] int No, [property: Id(1)] DateOnly DueDate, [property: Id(2)] long Amount, [property: Id(3)] long PaidAmount,
    [property: Id(4)] string Status);

/// <summary>A bill as the API shows it. Amounts in fen; <c>paidAmount</c> is what was collected (online, counter, loans and subsidies).</summary>
[GenerateSerializer, Immutable]
public sealed record BillView(
    [property: Id(0)] string Id, [property: Id(1)] string Status, [property: Id(2)] string StudentNumber, [property: Id(3)] string StudentName,
    [property: Id(4)] string Grade, [property: Id(5)] string Class, [property: Id(6)] string Term, [property: Id(7)] string PlanId, [property: Id(8)] string PlanName,
    [property: Id(9)] IReadOnlyList<BillLine> Items, [property: Id(10)] long GrossAmount, [property: Id(11)] long DiscountAmount, [property: Id(12)] long Amount,
    [property: Id(13)] long LateFees, [property: Id(14)] long PaidAmount, [property: Id(15)] long PaidOnline, [property: Id(16)] long PaidAtCounter,
    [property: Id(17)] long PaidExternally, [property: Id(18)] long WaivedAmount, [property: Id(19)] long RefundedAmount, [property: Id(20)] long OutstandingAmount,
    [property: Id(21)] long HeldForRefund, [property: Id(22)] IReadOnlyList<InstallmentView> Installments, [property: Id(23)] InstallmentView? NextInstallment,
    [property: Id(24)] string Currency, [property: Id(25)] DateTimeOffset IssuedAt, [property: Id(26)] DateTimeOffset UpdatedAt);

[GenerateSerializer, Immutable]
public sealed record OverdueMarked([property: Id(0)] BillView Bill, [property: Id(1)] int Marked);

/// <summary>The bill after <see cref="IBillGrain.Issue"/>, and whether this call issued it (false: it existed already).</summary>
[GenerateSerializer, Immutable]
public sealed record IssuedBill([property: Id(0)] BillView Bill, [property: Id(1)] bool Issued);

/// <summary>A payment at the counter, or by a loan or subsidy, as its receipt: the answer to <c>POST .../bills/{id}/payments</c>.</summary>
[GenerateSerializer, Immutable]
public sealed record BillPayment(
    [property: Id(0)] string PaymentId, [property: Id(1)] string Status, [property: Id(2)] string Method, [property: Id(3)] long Amount,
    [property: Id(4)] BillView Bill);

/// <summary>What a channel's confirmed payment did to the bill: <see cref="Applied"/> to it, <see cref="Excess"/> held for the automatic refund.</summary>
[GenerateSerializer, Immutable]
public sealed record OnlinePaymentApplied([property: Id(0)] string IntentId, [property: Id(1)] long Applied, [property: Id(2)] long Excess);

/// <summary>What a refund took from the bill (and whether it was given back since, the channel having failed to pay it out).</summary>
[GenerateSerializer, Immutable]
public sealed record RefundTakenFromBill(
    [property: Id(0)] string RefundId, [property: Id(1)] long FromExcess, [property: Id(2)] long FromCollected, [property: Id(3)] bool Released);

/// <summary>
/// One student's bill for one fee plan (账单). Key: <c>"{tenantId}/{billId}"</c>. The single writer of the bill's stream: two payments
/// at the same moment are decided one after the other, so a bill is never collected beyond its amount. Answers after commit, with a
/// typed outcome: the value, or a refusal carrying the campus code (<c>exceeds_outstanding</c>, <c>bill_cancelled</c>...).
/// </summary>
public interface IBillGrain : IGrainWithStringKey
{
    /// <summary>Issues the bill; a bill that exists already is answered as it is (generating twice issues nothing twice).</summary>
    Task<Outcome<IssuedBill>> Issue(IssueBill command);

    /// <summary>The bill, or null.</summary>
    Task<BillView?> Get();

    /// <summary>
    /// Counter, loan or subsidy money; refused above the outstanding amount or below the school's minimum part payment. The answer
    /// is kept under the request's ticket, and a request answered before gets that answer again (even if the bill would refuse it now).
    /// </summary>
    Task<Outcome<BillPayment>> PayOffline(PayBillOffline command);

    /// <summary>Applies a channel's confirmed payment once: up to the outstanding amount; the rest is held and refunded automatically.</summary>
    Task<Outcome<OnlinePaymentApplied>> PayOnline(PayBillOnline command);

    /// <summary>Takes a refund's money from the bill (once per refund); a refusal (its code says why) when it cannot.</summary>
    Task<Outcome<RefundTakenFromBill>> FundRefund(RefundBill command);

    /// <summary>Gives a failed refund's money back to the bill (once per refund).</summary>
    Task<Outcome<RefundTakenFromBill>> ReleaseRefund(RefundBill command);

    /// <summary>Applies an approved waiver or scholarship (once per waiver); refused above the outstanding amount.</summary>
    Task<Outcome<BillView>> Waive(ApplyWaiver command);

    /// <summary>Marks installments due before <paramref name="today"/> and not covered as overdue, with their late fee, once each; says how many it marked now.</summary>
    Task<Outcome<OverdueMarked>> MarkOverdue(DateOnly today, DateTimeOffset now);

    /// <summary>Hands cash back for a counter payment (once per ticket and refund id); refused beyond what that payment kept.</summary>
    Task<Outcome<CounterRefund>> RefundCounter(RefundCounterPayment command);

    /// <summary>Shows the roster's new name and class on an open bill; a paid or cancelled bill, or the same again, records nothing.</summary>
    Task<Outcome<BillView>> Rename(RenameStudent command);

    /// <summary>Cancels the bill: nothing more is asked; money paid stays until refunded.</summary>
    Task<Outcome<BillView>> Cancel(string reason, string cancelledBy, DateTimeOffset now);
}
