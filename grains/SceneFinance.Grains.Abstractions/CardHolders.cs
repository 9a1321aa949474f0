using Orleans.Concurrency;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Outcomes;

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

/// <summary>The name and class a school's roster gives the holder now (a re-import).</summary>
[GenerateSerializer, Immutable]
public sealed record RenameCardHolder([property: Id(0)] string Name, [property: Id(1)] string? Class, [property: Id(2)] DateTimeOffset Now);

/// <summary>Closes the holder for good (a leaver): <see cref="Reason"/> as the roster or office says it.</summary>
[GenerateSerializer, Immutable]
public sealed record CloseCardHolder([property: Id(0)] string Reason, [property: Id(1)] DateTimeOffset Now);

/// <summary>A closed holder's cash handed back at the counter, once per ticket (the approval's).</summary>
[GenerateSerializer, Immutable]
public sealed record PayOutCash(
    [property: Id(0)] string PayoutId, [property: Id(1)] long Amount, [property: Id(2)] string Reason, [property: Id(3)] string PaidBy,
    [property: Id(4)] IdempotencyTicket Ticket, [property: Id(5)] DateTimeOffset Now);

/// <summary>The receipt of a cash payout (退款凭证): what was handed back, why, by whom, when, and the balance after.</summary>
[GenerateSerializer, Immutable]
public sealed record CashPayout(
    [property: Id(0)] string PayoutId, [property: Id(1)] long Amount, [property: Id(2)] string Reason, [property: Id(3)] string PaidBy,
    [property: Id(4)] DateTimeOffset PaidOutAt, [property: Id(5)] Balance BalanceAfter);

[GenerateSerializer, Immutable]
public sealed record TopUpCard(
    [property: Id(0)] string TopUpId,
    [property: Id(1)] long Amount,
    [property: Id(2)] string Channel,
    [property: Id(3)] string Purse,
    [property: Id(4)] IdempotencyTicket Ticket,
    [property: Id(5)] DateTimeOffset Now,
    [property: Id(6)] string? By = null);

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

/// <summary>
/// A card payment as the wallet decides it: the tap, and what its terminal and tenant say about it (active, the single-payment
/// cap, the tap's local day in the tenant's zone, and its facts for the risk rules), with the time of the request passed in.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record Pay(
    [property: Id(0)] string PaymentId,
    [property: Id(1)] string TerminalId,
    [property: Id(11)] string MerchantId,
    [property: Id(2)] string CardNumber,
    [property: Id(3)] long Amount,
    [property: Id(4)] DateTimeOffset OccurredAt,
    [property: Id(5)] DateOnly LocalDay,
    [property: Id(6)] bool TenantActive,
    [property: Id(7)] bool TerminalActive,
    [property: Id(8)] long SinglePaymentCap,
    [property: Id(9)] IdempotencyTicket Ticket,
    [property: Id(10)] DateTimeOffset Now,
    [property: Id(12)] TapFacts? Risk = null,
    [property: Id(20)] CanteenTerms? Canteen = null);

/// <summary>The answer to a card payment: the body of api-v1.md's terminal payment, and what is replayed for its key.</summary>
[GenerateSerializer, Immutable]
public sealed record PaymentResult(
    [property: Id(0)] string? PaymentId,
    [property: Id(1)] string Status,
    [property: Id(2)] string? DeclineCode,
    [property: Id(3)] long Amount,
    [property: Id(4)] long? BalanceAfter,
    [property: Id(10)] long? Paid = null,
    [property: Id(11)] string? CampaignId = null,
    [property: Id(12)] long? Arrears = null,
    [property: Id(13)] string? OfflineException = null)
{
    // Beyond the contract's fields: paid (what the holder paid, less than amount when a campaign paid the rest), campaignId,
    // arrears (an offline tap honoured beyond the purses) and offlineException (an offline tap recorded, not charged).
    public bool Approved => Status == "approved";
}

/// <summary>The answer to a counter top-up (api-v1.md).</summary>
[GenerateSerializer, Immutable]
public sealed record TopUpResult([property: Id(0)] string Id, [property: Id(1)] string Status, [property: Id(2)] Balance Balance);

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
    Task<Outcome<CardHolderView>> Register(RegisterCardHolder command);

    /// <summary>The holder with current balances, or null when there is none.</summary>
    Task<CardHolderView?> Get();

    /// <summary>The holder's own phone, unmasked, for telling them something through the notifier (never for an answer); null when none.</summary>
    [ReadOnly] Task<string?> ContactPhone();

    /// <summary>Credits a purse; the outcome is stored under the idempotency ticket in the same commit.</summary>
    Task<Outcome<TopUpResult>> TopUp(TopUpCard command);

    /// <summary>Approves or declines a card payment (a decline is an answer, not a refusal); stored under the ticket in the same commit.</summary>
    Task<Outcome<PaymentResult>> Pay(Pay command);

    /// <summary>Whether <paramref name="cardNumber"/> is the holder's current card and not reported lost (views show only its last 4).</summary>
    [ReadOnly] Task<bool> IsCurrentCard(string cardNumber);

    /// <summary>Credits the cash purse with money a channel confirmed; once per intent, whatever the number of calls.</summary>
    Task<Outcome<Balance>> CreditFromGateway(GatewayCredit command);

    /// <summary>Takes a refund's money from the cash purse (once per refund); refused <c>insufficient_funds</c> when the purse holds too little.</summary>
    Task<Outcome<Balance>> DebitForRefund(GatewayRefund command);

    /// <summary>Gives a failed refund's money back to the cash purse (once per refund).</summary>
    Task<Outcome<Balance>> ReleaseRefund(GatewayRefund command);

    /// <summary>The roster's name and class for the holder (lists and tills show them); the same again records nothing.</summary>
    Task<Outcome<CardHolderView>> Rename(RenameCardHolder command);

    /// <summary>Closes the holder (a leaver): cards refused <c>card_frozen</c>, no more credits; closed already: nothing recorded.</summary>
    Task<Outcome<CardHolderView>> Close(CloseCardHolder command);

    /// <summary>Hands a closed holder's cash back at the counter (once per ticket); refused beyond the cash purse or for an open holder.</summary>
    Task<Outcome<CashPayout>> PayOut(PayOutCash command);

    Task<Outcome<CardHolderView>> Freeze(DateTimeOffset now);
    Task<Outcome<CardHolderView>> Unfreeze(DateTimeOffset now);
    Task<Outcome<CardHolderView>> ReportLost(DateTimeOffset now);

    /// <summary>Moves the holder (and balance) to a new card; the old card stops working at once.</summary>
    Task<Outcome<CardHolderView>> ReplaceCard(string newCardNumber, DateTimeOffset now);

    /// <summary>Newest first, committed movements only; <c>not_found</c> for a holder that does not exist.</summary>
    Task<Outcome<IReadOnlyList<TransactionItem>>> Transactions(int limit);
}

/// <summary>
/// Card numbers are personal data: grain ids and document ids (which Orleans and PostgreSQL may log)
/// carry a digest of the number, never the number itself.
/// </summary>
/// <summary>
/// What a card number is kept as. <see cref="Of"/>, the keyed digest (<see cref="SceneFinance.Platform.Security.Digests"/>), is the
/// card's grain id, its assignment's document id and the risk lists' key: a dump or a log cannot be brute-forced back to numbers.
/// <see cref="ForTill"/> is the offline card list's <c>cardKey</c>, which tills compute themselves from the number they read
/// (SHA-256, the published contract), so it stays unkeyed and is only ever kept for the few cards on that list.
/// </summary>
public static class CardKeys
{
    public static string Of(string cardNumber) =>
        SceneFinance.Platform.Security.Digests.Of(SceneFinance.Platform.Security.Digests.Card, cardNumber);

    /// <summary>The offline card list's key for a card (also the key every card was kept by before digests were keyed).</summary>
    public static string ForTill(string cardNumber) =>
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
