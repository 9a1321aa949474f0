using SceneFinance.Platform.Idempotency;

namespace SceneFinance.Scenes.Hospital.Patients;

[GenerateSerializer, Immutable]
public sealed record OrderSpec(
    [property: Id(0)] string HisOrderId, [property: Id(1)] string VisitId, [property: Id(2)] string Kind, [property: Id(3)] string Description,
    [property: Id(4)] long Amount, [property: Id(5)] long InsuredAmount, [property: Id(6)] string? InsurerId);

[GenerateSerializer, Immutable]
public sealed record TenderView([property: Id(0)] string Tender, [property: Id(1)] string? Channel, [property: Id(2)] string? IntentId,
    [property: Id(3)] long Amount, [property: Id(4)] long RefundedAmount);

[GenerateSerializer, Immutable]
public sealed record OrderView(
    [property: Id(0)] string Id, [property: Id(1)] string HisOrderId, [property: Id(2)] string VisitId, [property: Id(3)] string Kind,
    [property: Id(4)] string Description, [property: Id(5)] long Amount, [property: Id(6)] long InsuredAmount, [property: Id(7)] string? InsurerId,
    [property: Id(8)] long SelfPayAmount, [property: Id(9)] long DueAmount, [property: Id(10)] long PaidAmount, [property: Id(11)] long RefundedAmount,
    [property: Id(12)] string Status, [property: Id(13)] string Insurance, [property: Id(14)] DateTimeOffset PostedAt,
    [property: Id(15)] IReadOnlyList<TenderView> Tenders);

[GenerateSerializer, Immutable]
public sealed record RefundLineView([property: Id(0)] int No, [property: Id(1)] string Tender, [property: Id(2)] string? Channel,
    [property: Id(3)] string? IntentId, [property: Id(4)] long Amount, [property: Id(5)] string Status);

[GenerateSerializer, Immutable]
public sealed record HospitalRefundView(
    [property: Id(0)] string Id, [property: Id(1)] string PatientId, [property: Id(2)] string Kind, [property: Id(3)] string? OrderId,
    [property: Id(4)] long Amount, [property: Id(5)] string Reason, [property: Id(6)] string Status, [property: Id(7)] string RequestedBy,
    [property: Id(8)] string? ApprovedBy, [property: Id(9)] IReadOnlyList<RefundLineView> Lines, [property: Id(10)] DateTimeOffset RequestedAt);

[GenerateSerializer, Immutable]
public sealed record DepositView([property: Id(0)] long Balance, [property: Id(1)] long RefundableAmount, [property: Id(2)] IReadOnlyList<TenderView> Tenders);

[GenerateSerializer, Immutable]
public sealed record CreditView([property: Id(0)] long Limit, [property: Id(1)] long Outstanding, [property: Id(2)] long Available,
    [property: Id(3)] string? LinkedChannel, [property: Id(4)] bool Overdue, [property: Id(5)] string? LastSettlementDate);

[GenerateSerializer, Immutable]
public sealed record PatientAccountView(
    [property: Id(0)] string PatientId, [property: Id(1)] string Name, [property: Id(2)] string MedicalCardNumber,
    [property: Id(3)] long DueAmount, [property: Id(4)] DepositView Deposit, [property: Id(5)] CreditView? Credit,
    [property: Id(6)] IReadOnlyList<OrderView> Orders, [property: Id(7)] IReadOnlyList<HospitalRefundView> Refunds, [property: Id(8)] bool Discharged);

/// <summary>Money a channel confirmed for this patient: <see cref="Kind"/> says what for (orders, the deposit, open credit).</summary>
[GenerateSerializer, Immutable]
public sealed record ChannelMoney(
    [property: Id(0)] string Kind, [property: Id(1)] string IntentId, [property: Id(2)] string Channel, [property: Id(3)] long Amount,
    [property: Id(4)] IReadOnlyList<string> OrderIds, [property: Id(5)] string Source, [property: Id(6)] DateTimeOffset Now);

[GenerateSerializer, Immutable]
public sealed record RefundAsk(
    [property: Id(0)] string Kind, [property: Id(1)] string? OrderId, [property: Id(2)] long Amount, [property: Id(3)] string Reason,
    [property: Id(4)] string RequestedBy, [property: Id(5)] long ApprovalThreshold, [property: Id(6)] IdempotencyTicket Ticket, [property: Id(7)] DateTimeOffset Now);

/// <summary>A refund line waiting for the gateway to take it to its channel.</summary>
[GenerateSerializer, Immutable]
public sealed record HeldLine([property: Id(0)] string RefundId, [property: Id(1)] int No, [property: Id(2)] string IntentId,
    [property: Id(3)] string Channel, [property: Id(4)] long Amount);

[GenerateSerializer, Immutable]
public sealed record SettlementOutcome([property: Id(0)] bool Ran, [property: Id(1)] long FromDeposit, [property: Id(2)] long Remaining,
    [property: Id(3)] string? LinkedChannel);

/// <summary>
/// One patient's hospital money: charge orders, the inpatient deposit, the credit care line and refunds. Key:
/// <c>"{tenantId}/{patientId}"</c> (the patient is a card holder of kind <c>patient</c>). The single writer of the
/// patient's hospital stream; every answer is given after the commit. It never calls the gateway itself (the gateway
/// calls back into it), so refunds to channels are driven from outside by <c>RefundRunner</c>.
/// </summary>
public interface IPatientAccountGrain : IGrainWithStringKey
{
    /// <summary>The account; <c>not_found</c> when there is no such patient.</summary>
    Task<PatientAccountView> Get();

    /// <summary>Records an HIS charge order; the answer (<c>201</c>) is stored under the ticket (the HIS order id), so a repeat replays it.</summary>
    Task<Reply> PostOrder(OrderSpec spec, string postedBy, IdempotencyTicket ticket, DateTimeOffset now);

    /// <summary>Cancels an unpaid order (a paid one is refunded instead).</summary>
    Task<OrderView> CancelOrder(string orderId, string reason, DateTimeOffset now);

    /// <summary>Pays orders from the deposit or the credit line; the receipt is stored under the ticket.</summary>
    Task<Reply> Pay(IReadOnlyList<string> orderIds, string tender, string source, IdempotencyTicket ticket, DateTimeOffset now);

    /// <summary>Before a channel payment: the orders are open and due exactly <paramref name="amount"/> (none: the patient exists).</summary>
    Task Check(IReadOnlyList<string> orderIds, long amount);

    /// <summary>Applies money a channel confirmed, once per intent.</summary>
    Task ApplyChannelMoney(ChannelMoney money);

    /// <summary>The gateway takes a refund line's money (once per gateway refund); a decline code when no line waits for it.</summary>
    Task<string?> FundRefund(string gatewayRefundId, string intentId, string channel, long amount, DateTimeOffset now);

    /// <summary>A refund the channel could not pay out: its money goes back to the order or deposit (once).</summary>
    Task ReleaseRefund(string gatewayRefundId, DateTimeOffset now);

    /// <summary>A held line the gateway refused outright: its money goes back (once).</summary>
    Task AbandonRefundLine(string refundId, int lineNo, string reason, DateTimeOffset now);

    /// <summary>Asks for a refund of an order or of the deposit; above the threshold it waits for a second person.</summary>
    Task<Reply> RequestRefund(RefundAsk ask);

    /// <summary>A second person approves; the refund is executed at once (or refused if the money is no longer there).</summary>
    Task<HospitalRefundView> ApproveRefund(string refundId, string approver, DateTimeOffset now);

    Task<HospitalRefundView> GetRefund(string refundId);

    /// <summary>Refund lines still waiting for the gateway.</summary>
    Task<IReadOnlyList<HeldLine>> HeldLines();

    /// <summary>Discharge settlement: the deposit's remainder back to the channels that paid it, most recent first; once.</summary>
    Task<Reply> Discharge(string by, IdempotencyTicket ticket, DateTimeOffset now);

    Task<PatientAccountView> EnrollCreditCare(long limit, string? linkedChannel, DateTimeOffset now);

    /// <summary>The insurer's word on its part of an order: settled (it pays) or rejected (the patient owes it).</summary>
    Task<OrderView> Insurance(string orderId, bool settled, string reason, DateTimeOffset now);

    /// <summary>The nightly credit settlement for a local date; running it again for the same date changes nothing.</summary>
    Task<SettlementOutcome> SettleCredit(string localDate, DateTimeOffset now);
}
