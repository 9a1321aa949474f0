using Orleans.Concurrency;
using SceneFinance.Platform.Idempotency;

namespace SceneFinance.Grains;

[GenerateSerializer, Immutable]
public sealed record Balance([property: Id(0)] long Cash, [property: Id(1)] long Subsidy);

/// <summary>A card holder as the API shows it, personal data masked; <see cref="CardNumber"/> is full only in the answer to registration.</summary>
[GenerateSerializer, Immutable]
public sealed record CardHolderView(
    [property: Id(0)] string Id,
    [property: Id(1)] string ExternalId,
    [property: Id(2)] string Name,
    [property: Id(3)] string Kind,
    [property: Id(4)] string CardNumber,
    [property: Id(5)] string Status,
    [property: Id(6)] long? DailyLimit,
    [property: Id(7)] Balance Balance,
    [property: Id(8)] string? IdNumber,
    [property: Id(9)] string? Phone);

[GenerateSerializer, Immutable]
public sealed record RegisterCardHolder(
    [property: Id(0)] string ExternalId,
    [property: Id(1)] string Name,
    [property: Id(2)] string Kind,
    [property: Id(3)] string CardNumber,
    [property: Id(4)] string? IdNumber,
    [property: Id(5)] string? Phone,
    [property: Id(6)] long? DailyLimit,
    [property: Id(7)] DateTimeOffset Now);

[GenerateSerializer, Immutable]
public sealed record TopUpCard(
    [property: Id(0)] string TopUpId,
    [property: Id(1)] long Amount,
    [property: Id(2)] string Channel,
    [property: Id(3)] string Purse,
    [property: Id(4)] IdempotencyTicket Ticket,
    [property: Id(5)] DateTimeOffset Now);

/// <summary>Money a payment channel confirmed for this holder's cash purse (an online top-up), applied once per intent.</summary>
[GenerateSerializer, Immutable]
public sealed record GatewayCredit(
    [property: Id(0)] string IntentId,
    [property: Id(1)] string Channel,
    [property: Id(2)] long Amount,
    [property: Id(3)] DateTimeOffset Now);

/// <summary>A refund of an online top-up back to its channel, taken from (or given back to) the cash purse once per refund.</summary>
[GenerateSerializer, Immutable]
public sealed record GatewayRefund(
    [property: Id(0)] string RefundId,
    [property: Id(1)] string IntentId,
    [property: Id(2)] string Channel,
    [property: Id(3)] long Amount,
    [property: Id(4)] DateTimeOffset Now);

/// <summary>A card payment as a terminal sends it, after its signature was checked.</summary>
[GenerateSerializer, Immutable]
public sealed record PayByCard(
    [property: Id(0)] string PaymentId,
    [property: Id(1)] string TerminalId,
    [property: Id(2)] string CardNumber,
    [property: Id(3)] long Amount,
    [property: Id(4)] DateTimeOffset OccurredAt,
    [property: Id(5)] IdempotencyTicket Ticket,
    [property: Id(6)] DateTimeOffset Now);

/// <summary>What a terminal or its tenant says about a payment before the wallet decides.</summary>
[GenerateSerializer, Immutable]
public sealed record PaymentContext(
    [property: Id(0)] bool TenantActive,
    [property: Id(1)] bool TerminalActive,
    [property: Id(2)] string TimeZone,
    [property: Id(3)] long SinglePaymentCap);

/// <summary>The body of a payment answer (api-v1.md, terminal payments).</summary>
public sealed record PaymentResult(string? PaymentId, string Status, string? DeclineCode, long Amount, long? BalanceAfter);

[GenerateSerializer, Immutable]
public sealed record TransactionItem(
    [property: Id(0)] string Id,
    [property: Id(1)] string Type,
    [property: Id(2)] long Amount,
    [property: Id(3)] long BalanceAfter,
    [property: Id(4)] DateTimeOffset At,
    [property: Id(5)] string? TerminalId,
    [property: Id(6)] string Status);

/// <summary>
/// A card holder's wallet (cash and subsidy purses) and card. Key: <c>"{tenantId}/{cardHolderId}"</c>.
/// The single writer of its event stream: every answer is given after the events are committed.
/// </summary>
public interface ICardHolderGrain : IGrainWithStringKey
{
    /// <summary>Opens the wallet; <c>conflict</c> when the external id or card number is taken in the tenant.</summary>
    Task<CardHolderView> Register(RegisterCardHolder command);

    /// <summary>The holder with current balances, or null when there is none.</summary>
    Task<CardHolderView?> Get();

    /// <summary>Credits a purse; the reply is stored under the idempotency ticket in the same commit.</summary>
    Task<Reply> TopUp(TopUpCard command);

    /// <summary>Approves or declines a card payment; the reply is stored under the idempotency ticket in the same commit.</summary>
    Task<Reply> Pay(PayByCard command, PaymentContext context);

    /// <summary>Whether <paramref name="cardNumber"/> is the holder's current card and not reported lost (views show only its last 4).</summary>
    [ReadOnly] Task<bool> IsCurrentCard(string cardNumber);

    /// <summary>Credits the cash purse with money a channel confirmed; once per intent, whatever the number of calls.</summary>
    Task<Balance> CreditFromGateway(GatewayCredit command);

    /// <summary>Takes a refund's money from the cash purse (once per refund); a decline code when the purse holds too little.</summary>
    Task<string?> DebitForRefund(GatewayRefund command);

    /// <summary>Gives a failed refund's money back to the cash purse (once per refund).</summary>
    Task ReleaseRefund(GatewayRefund command);

    Task<CardHolderView> Freeze(DateTimeOffset now);
    Task<CardHolderView> Unfreeze(DateTimeOffset now);
    Task<CardHolderView> ReportLost(DateTimeOffset now);

    /// <summary>Moves the holder (and balance) to a new card; the old card stops working at once.</summary>
    Task<CardHolderView> ReplaceCard(string newCardNumber, DateTimeOffset now);

    /// <summary>Newest first, committed movements only.</summary>
    Task<IReadOnlyList<TransactionItem>> Transactions(int limit);
}

/// <summary>
/// Card numbers are personal data: grain ids and document ids (which Orleans and PostgreSQL may log)
/// carry a digest of the number, never the number itself.
/// </summary>
public static class CardKeys
{
    public static string Of(string cardNumber) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(cardNumber)), 0, 16).ToLowerInvariant();

    public static string Grain(string tenantId, string cardNumber) => SceneFinance.Platform.Tenancy.GrainKeys.For(tenantId, Of(cardNumber));
}

/// <summary>Card number to card holder, per tenant. Key: <see cref="CardKeys.Grain"/>. A replaced card still points at its holder, who declines it.</summary>
public interface ICardGrain : IGrainWithStringKey
{
    /// <summary>The card holder id, or null for an unknown card.</summary>
    Task<string?> Holder();

    /// <summary>Forgets the cached assignment after the holder changed it.</summary>
    Task Refresh();
}
