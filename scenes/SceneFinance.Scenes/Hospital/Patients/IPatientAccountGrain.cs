using SceneFinance.Platform.Idempotency;
using SceneFinance.Scenes.Hospital.PayingOrders;

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
    [property: Id(15)] IReadOnlyList<TenderView> Tenders, [property: Id(16)] long InsurerApprovedAmount = 0);

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
    [property: Id(4)] string RequestedBy, [property: Id(5)] long ApprovalThreshold, [property: Id(6)] IdempotencyTicket Ticket, [property: Id(7)] DateTimeOffset Now,
    [property: Id(8)] string RequestedById, [property: Id(9)] string? Tender = null, [property: Id(10)] string? ShiftId = null);

/// <summary>A refund line waiting for the gateway to take it to its channel.</summary>
[GenerateSerializer, Immutable]
public sealed record HeldLine([property: Id(0)] string RefundId, [property: Id(1)] int No, [property: Id(2)] string IntentId,
    [property: Id(3)] string Channel, [property: Id(4)] long Amount);

[GenerateSerializer, Immutable]
public sealed record SettlementOutcome([property: Id(0)] bool Ran, [property: Id(1)] long FromDeposit, [property: Id(2)] long Remaining,
    [property: Id(3)] string? LinkedChannel);

/// <summary>The discharge settlement's answer: what went back to the channels and what the deposit still holds.</summary>
[GenerateSerializer, Immutable]
public sealed record DischargeView([property: Id(0)] string PatientId, [property: Id(1)] string Status, [property: Id(2)] long RefundedAmount,
    [property: Id(3)] long DepositLeft, [property: Id(4)] HospitalRefundView? Refund);

/// <summary>The account's money after a movement the gateway asked for.</summary>
[GenerateSerializer, Immutable]
public sealed record AccountBalance([property: Id(0)] long Deposit, [property: Id(1)] long DueAmount, [property: Id(2)] long CreditOutstanding);

// Commands: imperative, the request's ticket and time passed in.

[GenerateSerializer, Immutable]
public sealed record PostHisOrder([property: Id(0)] OrderSpec Spec, [property: Id(1)] string PostedBy, [property: Id(2)] IdempotencyTicket Ticket,
    [property: Id(3)] DateTimeOffset Now);

[GenerateSerializer, Immutable]
public sealed record PayOrders([property: Id(0)] IReadOnlyList<string> OrderIds, [property: Id(1)] string Tender, [property: Id(2)] string Source,
    [property: Id(3)] IdempotencyTicket Ticket, [property: Id(4)] DateTimeOffset Now, [property: Id(5)] string? ShiftId = null);

[GenerateSerializer, Immutable]
public sealed record FundRefundLine([property: Id(0)] string GatewayRefundId, [property: Id(1)] string IntentId, [property: Id(2)] string Channel,
    [property: Id(3)] long Amount, [property: Id(4)] DateTimeOffset Now);

/// <summary>The insurer's word on an order; with <see cref="ApprovedAmount"/>, the amount it approved of its part (all, none or part of it).</summary>
[GenerateSerializer, Immutable]
public sealed record RecordInsurance([property: Id(0)] string OrderId, [property: Id(1)] bool Settled, [property: Id(2)] string Reason,
    [property: Id(3)] DateTimeOffset Now, [property: Id(4)] long? ApprovedAmount = null);

/// <summary>
/// One patient's hospital money: charge orders, the inpatient deposit, the credit care line and refunds. Key:
/// <c>"{tenantId}/{patientId}"</c> (the patient is a card holder of kind <c>patient</c>; anyone else has no account:
/// <c>not_found</c>). The single writer of the patient's hospital stream; every answer is given after the commit, and a
/// refusal moves nothing. It never calls the gateway itself (the gateway calls back into it), so refunds to channels are
/// driven from outside by <c>RefundRunner</c>.
/// </summary>
public interface IPatientAccountGrain : IGrainWithStringKey
{
    /// <summary>The account.</summary>
    Task<Outcome<PatientAccountView>> Get();

    /// <summary>Records an HIS charge order, claiming its HIS order id in the tenant; the order is stored under the ticket, so a repeat replays it.</summary>
    Task<Outcome<OrderView>> PostOrder(PostHisOrder command);

    /// <summary>Cancels an unpaid order (a paid one is refunded instead: <c>conflict</c>).</summary>
    Task<Outcome<OrderView>> CancelOrder(string orderId, string reason, DateTimeOffset now);

    /// <summary>Pays orders from the deposit, the credit line or with cash (into the shift's drawer); the receipt is stored under the ticket.</summary>
    Task<Outcome<Receipt>> Pay(PayOrders command);

    /// <summary>Before a channel payment: the orders are open and due exactly <paramref name="amount"/> (none named: the patient exists).</summary>
    Task<Refusal?> Check(IReadOnlyList<string> orderIds, long amount);

    /// <summary>Applies money a channel confirmed, once per intent (a repeat replays the first answer).</summary>
    Task<Outcome<AccountBalance>> ApplyChannelMoney(ChannelMoney money);

    /// <summary>The gateway takes a held refund line's money (once per gateway refund); <c>not_refundable</c> when no line waits for it.</summary>
    Task<Outcome<AccountBalance>> FundRefund(FundRefundLine command);

    /// <summary>A refund the channel could not pay out: its money goes back to the order or deposit (once).</summary>
    Task<Outcome<AccountBalance>> ReleaseRefund(string gatewayRefundId, DateTimeOffset now);

    /// <summary>A held line the gateway refused outright: its money goes back (once).</summary>
    Task<Outcome<AccountBalance>> AbandonRefundLine(string refundId, int lineNo, string reason, DateTimeOffset now);

    /// <summary>Asks for a refund of an order or of the deposit, executed at once up to the threshold; above it, it waits for a second person.</summary>
    Task<Outcome<HospitalRefundView>> RequestRefund(RefundAsk ask);

    /// <summary>A second person approves; the refund is executed at once (or refused if the money is no longer there).</summary>
    Task<Outcome<HospitalRefundView>> ApproveRefund(string refundId, string approverId, string approver, DateTimeOffset now);

    Task<Outcome<HospitalRefundView>> GetRefund(string refundId);

    /// <summary>Refund lines still waiting for the gateway.</summary>
    Task<Outcome<IReadOnlyList<HeldLine>>> HeldLines();

    /// <summary>Discharge settlement: the deposit's remainder back to the channels that paid it, most recent first; once.</summary>
    Task<Outcome<DischargeView>> Discharge(string byId, string by, long approvalThreshold, IdempotencyTicket ticket, DateTimeOffset now);

    Task<Outcome<PatientAccountView>> EnrollCreditCare(long limit, string? linkedChannel, DateTimeOffset now);

    /// <summary>The insurer's word on its part of an order: settled (it pays), rejected (the patient owes it), or with an approved amount, partly settled (the patient owes the rest).</summary>
    Task<Outcome<OrderView>> Insurance(RecordInsurance command);

    /// <summary>The nightly credit settlement for a local date; running it again for the same date changes nothing.</summary>
    Task<Outcome<SettlementOutcome>> SettleCredit(string localDate, DateTimeOffset now);
}
