using Orleans.Concurrency;
using SceneFinance.Platform.Idempotency;

namespace SceneFinance.Grains;

/// <summary>One grant of a subsidy program's period to a holder: credited once per (program, period), whatever the number of runs.</summary>
[GenerateSerializer, Immutable]
public sealed record GrantSubsidy(
    [property: Id(0)] string ProgramId,
    [property: Id(1)] string PeriodKey,
    [property: Id(2)] long Amount,
    [property: Id(3)] DateTimeOffset? ExpiresAt,
    [property: Id(4)] bool ResetAtEnd,
    [property: Id(5)] IReadOnlyList<string> Categories,
    [property: Id(6)] IReadOnlyList<string> MealPeriods,
    [property: Id(7)] DateTimeOffset Now);

/// <summary>The end of a program's period (or, with no period, of the whole program): what is left goes back to the funder, once.</summary>
[GenerateSerializer, Immutable]
public sealed record EndSubsidy([property: Id(0)] string ProgramId, [property: Id(1)] string? PeriodKey, [property: Id(2)] DateTimeOffset Now);

/// <summary>What a grant or an end did to this holder: <see cref="Changed"/> is false when it had been done before.</summary>
[GenerateSerializer, Immutable]
public sealed record SubsidyMovement([property: Id(0)] bool Changed, [property: Id(1)] long Amount, [property: Id(2)] long ArrearsRecovered);

/// <summary>A payment as it was approved (read from its <see cref="Canteen.Sale"/> by the holder's grain), for a void or refund.</summary>
[GenerateSerializer, Immutable]
public sealed record RefundablePayment(
    [property: Id(0)] string PaymentId,
    [property: Id(1)] long Amount,
    [property: Id(2)] IReadOnlyList<PursePart> Parts,
    [property: Id(3)] string? CampaignId,
    [property: Id(4)] long Discount,
    [property: Id(5)] long Shortfall,
    [property: Id(6)] string TerminalId,
    [property: Id(7)] string MerchantId,
    [property: Id(8)] DateOnly LocalDay,
    [property: Id(9)] string? MealPeriod);

/// <summary>
/// A void (<c>void</c>: the whole payment, at the till that took it, on the same business day) or a refund (<c>refund</c>:
/// part or all, later; <see cref="Amount"/> is ignored for a void). <see cref="TerminalId"/> is the till asking for a void;
/// <see cref="Today"/> the tenant's business day now.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RefundPayment(
    [property: Id(0)] string RefundId,
    [property: Id(1)] string Kind,
    [property: Id(2)] string PaymentId,
    [property: Id(3)] long Amount,
    [property: Id(4)] string Reason,
    [property: Id(5)] string By,
    [property: Id(6)] string? TerminalId,
    [property: Id(7)] DateOnly Today,
    [property: Id(8)] IdempotencyTicket Ticket,
    [property: Id(9)] DateTimeOffset Now)
{
    public const string Void = "void";
    public const string Refund = "refund";
}

/// <summary>Where a void's or refund's money went: back to purses, to the programs' funders (program over), to the campaign, or clearing arrears.</summary>
[GenerateSerializer, Immutable]
public sealed record RefundResult(
    [property: Id(0)] string RefundId,
    [property: Id(1)] string PaymentId,
    [property: Id(2)] string Kind,
    [property: Id(3)] long Amount,
    [property: Id(4)] IReadOnlyList<PursePart> ToPurses,
    [property: Id(5)] long ToFunders,
    [property: Id(6)] long ToMarketing,
    [property: Id(7)] long ArrearsCleared,
    [property: Id(8)] long RefundedSoFar,
    [property: Id(9)] Balance Balance);

/// <summary>An audited change of the daily limit: who, why, when.</summary>
[GenerateSerializer, Immutable]
public sealed record ChangeDailyLimit([property: Id(0)] long? DailyLimit, [property: Id(1)] string Reason, [property: Id(2)] string By, [property: Id(3)] DateTimeOffset Now);

/// <summary>The holder's canteen profile: its limit group and own limits (null: the group's or tenant's rule applies).</summary>
[GenerateSerializer, Immutable]
public sealed record SetCanteenProfile(
    [property: Id(0)] string? Group,
    [property: Id(1)] long? PerMealAmount,
    [property: Id(2)] int? PerMealTaps,
    [property: Id(3)] long? OfflineCap,
    [property: Id(4)] string By,
    [property: Id(5)] DateTimeOffset Now);

[GenerateSerializer, Immutable]
public sealed record ProgramPurseView(
    [property: Id(0)] string ProgramId,
    [property: Id(1)] string PeriodKey,
    [property: Id(2)] long Balance,
    [property: Id(3)] DateTimeOffset? ExpiresAt,
    [property: Id(4)] IReadOnlyList<string> Categories,
    [property: Id(5)] IReadOnlyList<string> MealPeriods);

[GenerateSerializer, Immutable]
public sealed record DailyLimitChange(
    [property: Id(0)] long? From, [property: Id(1)] long? To, [property: Id(2)] string Reason, [property: Id(3)] string By, [property: Id(4)] DateTimeOffset At);

/// <summary>A holder's wallet as the canteen sees it: every purse, arrears, limits and the audit of daily limit changes.</summary>
[GenerateSerializer, Immutable]
public sealed record CanteenWalletView(
    [property: Id(0)] string CardHolderId,
    [property: Id(1)] long Cash,
    [property: Id(2)] long Subsidy,
    [property: Id(3)] IReadOnlyList<ProgramPurseView> Programs,
    [property: Id(4)] long Arrears,
    [property: Id(5)] string? Group,
    [property: Id(6)] long? DailyLimit,
    [property: Id(7)] long? PerMealAmount,
    [property: Id(8)] int? PerMealTaps,
    [property: Id(9)] long? OfflineCap,
    [property: Id(10)] IReadOnlyList<DailyLimitChange> DailyLimitChanges);

/// <summary>
/// The canteen's side of a card holder's wallet: subsidy program purses, arrears, limits, voids and refunds. The same grain
/// (and activation, key <c>"{tenantId}/{cardHolderId}"</c>) as <see cref="ICardHolderGrain"/>, the single writer of the holder's stream.
/// </summary>
public interface ICanteenWalletGrain : IGrainWithStringKey
{
    /// <summary>Credits the program's purse for the period, once; recovers arrears from it first.</summary>
    Task<Outcome<SubsidyMovement>> GrantSubsidy(GrantSubsidy command);

    /// <summary>Returns what is left of the program's purse for the period (all of the program's purses without one) to its funder, once.</summary>
    Task<Outcome<SubsidyMovement>> EndSubsidy(EndSubsidy command);

    /// <summary>Voids or refunds a payment back to where it came from; never more than was paid; stored under the ticket.</summary>
    Task<Outcome<RefundResult>> Refund(RefundPayment command);

    Task<Outcome<CardHolderView>> ChangeDailyLimit(ChangeDailyLimit command);

    Task<Outcome<CanteenWalletView>> SetCanteenProfile(SetCanteenProfile command);

    /// <summary><c>not_found</c> for a holder that does not exist.</summary>
    [ReadOnly] Task<Outcome<CanteenWalletView>> Canteen();
}
