using Orleans.Concurrency;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Outcomes;

namespace SceneFinance.Grains;

[GenerateSerializer, Immutable]
public sealed record TerminalView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Kind,
    [property: Id(3)] string Status,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset? LastSeenAt,
    [property: Id(6)] string MerchantId);

[GenerateSerializer, Immutable]
public sealed record TerminalRegistered([property: Id(0)] TerminalView Terminal, [property: Id(1)] string Secret);

/// <summary>The shared secret a terminal signs with, for the API's signature check.</summary>
[GenerateSerializer, Immutable]
public sealed record TerminalCredentials(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string TerminalId,
    [property: Id(2)] byte[] Secret);

/// <summary>One card payment of a terminal, before it is routed to the card holder.</summary>
[GenerateSerializer, Immutable]
public sealed record TerminalPayment(
    [property: Id(0)] string CardNumber,
    [property: Id(1)] long Amount,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] IdempotencyTicket Ticket);

/// <summary>
/// A merchant terminal (POS, kiosk, gate). Key: <c>"{tenantId}/{terminalId}"</c>. Reentrant: it only
/// routes payments to card holders and must not serialize a busy till.
/// </summary>
public interface IMerchantTerminalGrain : IGrainWithStringKey
{
    /// <summary>Creates the terminal at a merchant (the tenant's first merchant when null) and returns its secret (the only time it is shown).</summary>
    Task<Outcome<TerminalRegistered>> Register(string name, string kind, string? merchantId, DateTimeOffset now);

    /// <summary>Moves the terminal to another open merchant of the tenant: its payments from now on are that merchant's.</summary>
    Task<Outcome<TerminalView>> MoveTo(string merchantId, DateTimeOffset now);

    [ReadOnly] Task<TerminalView?> Get();

    /// <summary>Null when the terminal does not exist.</summary>
    [ReadOnly] Task<TerminalCredentials?> Credentials();

    /// <summary>From now on, this terminal's payments are declined with <c>terminal_disabled</c>.</summary>
    Task<Outcome<TerminalView>> Disable(DateTimeOffset now);

    /// <summary>Routes a payment to the card's holder; unknown cards are declined with <c>not_found</c>.</summary>
    Task<Outcome<PaymentResult>> Pay(TerminalPayment payment, DateTimeOffset now);

    /// <summary>
    /// A tap the till took while offline, uploaded with the version of the refuse list it held: honoured when the till was
    /// entitled to accept it (shortfalls become arrears), else declined and recorded as an offline exception; an item uploaded
    /// again gets its first answer.
    /// </summary>
    Task<Outcome<PaymentResult>> PayOffline(TerminalPayment payment, long listVersion, DateTimeOffset now);
}

/// <summary>Terminal id to tenant id. Key: the terminal id (terminal ids are unique platform-wide).</summary>
public interface ITerminalDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The tenant of the terminal, or null for an unknown terminal.</summary>
    Task<string?> TenantOf();
}
