using Orleans.Concurrency;
using SceneFinance.Platform.Idempotency;

namespace SceneFinance.BackOffice.Settling;

/// <summary>A party as the API shows it: the account number only masked (its last 4).</summary>
[GenerateSerializer, Immutable]
public sealed record PartyView(
    [property: Id(0)] string PartyId, [property: Id(1)] string Kind, [property: Id(2)] string Name,
    [property: Id(3)] string? BankName, [property: Id(4)] string? AccountName, [property: Id(5)] string? AccountNumber,
    [property: Id(6)] FeeSchedule Fees, [property: Id(7)] long Payable, [property: Id(8)] DateOnly? LastSettledDay);

[GenerateSerializer, Immutable]
public sealed record PayoutView(
    [property: Id(0)] string PayoutId, [property: Id(1)] string PartyId, [property: Id(2)] string PartyName, [property: Id(3)] DateOnly Day,
    [property: Id(4)] long Amount, [property: Id(5)] string Status, [property: Id(6)] string BankName, [property: Id(7)] string AccountName,
    [property: Id(8)] string AccountNumber, [property: Id(9)] string? BankReference, [property: Id(10)] string? Reason,
    [property: Id(11)] DateTimeOffset InstructedAt, [property: Id(12)] DateTimeOffset UpdatedAt);

/// <summary>
/// A settlement party of a tenant (a merchant, the school, the hospital), the single writer of its settlement stream: its account,
/// its fees, its payable balance, each day settled once, each payout. Key: <c>"{tenantId}/{partyId}"</c>.
/// </summary>
public interface ISettlementPartyGrain : IGrainWithStringKey
{
    /// <summary>Opens the party when it is not open yet (settlement runs and account changes call this first).</summary>
    Task<PartyView> Open(string kind, string name, DateTimeOffset now);

    [ReadOnly] Task<PartyView?> Get();

    /// <summary>Sets where payouts go; <paramref name="protectedNumber"/> is the number already encrypted.</summary>
    Task<Outcome<PartyView>> SetAccount(string bankName, string accountName, string protectedNumber, string numberLast4, string by, DateTimeOffset now);

    Task<Outcome<PartyView>> SetFees(FeeSchedule fees, string by, DateTimeOffset now);

    /// <summary>Settles the business day from its lines: once per day (again: the statement as settled); null when there was nothing to settle.</summary>
    Task<Outcome<Statement?>> Settle(DateOnly day, IReadOnlyList<StatementLine> lines, DateTimeOffset now);

    Task<Outcome<PayoutView>> ConfirmPaid(string payoutId, string? bankReference, string by, IdempotencyTicket ticket, DateTimeOffset now);

    /// <summary>The transfer came back: the amount is payable again and goes with the next run.</summary>
    Task<Outcome<PayoutView>> Returned(string payoutId, string reason, string by, IdempotencyTicket ticket, DateTimeOffset now);
}
