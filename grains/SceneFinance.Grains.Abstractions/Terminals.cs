using System.Text;
using Orleans.Concurrency;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Outcomes;
using SceneFinance.Platform.Security;

namespace SceneFinance.Grains;

[GenerateSerializer, Immutable]
public sealed record TerminalView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Kind,
    [property: Id(3)] string Status,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset? LastSeenAt,
    [property: Id(6)] string MerchantId,
    [property: Id(7)] DateTimeOffset? PreviousSecretUntil = null);

/// <summary>A new terminal, or a terminal's new secret: the only time the secret is shown.</summary>
[GenerateSerializer, Immutable]
public sealed record TerminalRegistered([property: Id(0)] TerminalView Terminal, [property: Id(1)] string Secret);

/// <summary>
/// The shared secrets a terminal signs with, as kept at rest (sealed, <see cref="Sealer"/>): opened only by the checks of a
/// signature or a kiosk's sign-in, through <see cref="Secrets"/>. After a rotation the previous secret verifies until
/// <see cref="PreviousUntil"/>.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TerminalCredentials(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string TerminalId,
    [property: Id(2)] string SealedSecret,
    [property: Id(3)] string? SealedPrevious = null,
    [property: Id(4)] DateTimeOffset? PreviousUntil = null)
{
    /// <summary>The secrets that verify at <paramref name="now"/>, opened: the current one, and the previous one during its grace.</summary>
    public IReadOnlyList<byte[]> Secrets(Sealer sealer, DateTimeOffset now) =>
        SealedPrevious is { } previous && PreviousUntil > now
            ? [Open(sealer, SealedSecret), Open(sealer, previous)]
            : [Open(sealer, SealedSecret)];

    static byte[] Open(Sealer sealer, string sealedSecret) => Encoding.UTF8.GetBytes(sealer.Open(sealedSecret)!);
}

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

    /// <summary>A disabled terminal's payments are taken again.</summary>
    Task<Outcome<TerminalView>> Enable(DateTimeOffset now);

    /// <summary>
    /// Issues a new secret (returned once); the current one keeps verifying until <paramref name="now"/> + <paramref name="grace"/>.
    /// A secret replaced earlier and still in its grace is refused from now on: only the last two secrets ever verify.
    /// </summary>
    Task<Outcome<TerminalRegistered>> RotateSecret(DateTimeOffset now, TimeSpan grace);

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
