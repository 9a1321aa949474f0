namespace SceneFinance.Grains;

/// <summary>
/// What the canteen says about one tap, beside the tap itself (<see cref="Pay.Canteen"/>): the merchant's category and the
/// meal period the tap falls in (where subsidies may be spent), the tenant's limit rules, a campaign that may price the tap,
/// and, for a tap a till took offline, what the till knew. Null on a <see cref="Pay"/>: a plain card payment as before.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CanteenTerms(
    [property: Id(0)] string MerchantCategory,
    [property: Id(1)] MealSlot? Meal,
    [property: Id(2)] IReadOnlyList<LimitRule> Limits,
    [property: Id(3)] CampaignCandidate? Campaign = null,
    [property: Id(4)] OfflineTap? Offline = null,
    [property: Id(5)] CampaignDiscount? Discount = null);

/// <summary>The meal period a tap falls in and the day that meal belongs to (a late-night window after midnight counts for the day it opened).</summary>
[GenerateSerializer, Immutable]
public sealed record MealSlot([property: Id(0)] string Period, [property: Id(1)] DateOnly Day);

/// <summary>
/// A tenant's limit for a set of holders: <see cref="Target"/> is <c>all</c>, <c>kind:{kind}</c> (students, staff) or
/// <c>group:{group}</c> (a grade, a department). Per field, the holder's own value wins, then the group's, the kind's, all's.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LimitRule(
    [property: Id(0)] string Target,
    [property: Id(1)] long? PerMealAmount = null,
    [property: Id(2)] int? PerMealTaps = null,
    [property: Id(3)] long? DailyAmount = null);

/// <summary>
/// A campaign that prices taps at this merchant in this meal period today: the holder pays <see cref="Price"/> (when the tap
/// costs more), the bank's marketing account the difference, at most <see cref="PerHolderDailyCap"/> times a day per holder,
/// for holders of <see cref="Kinds"/> or <see cref="Groups"/> (both empty: everyone), while its budget lasts.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CampaignCandidate(
    [property: Id(0)] string CampaignId,
    [property: Id(1)] long Price,
    [property: Id(2)] int PerHolderDailyCap,
    [property: Id(3)] IReadOnlyList<string> Kinds,
    [property: Id(4)] IReadOnlyList<string> Groups);

/// <summary>The part of a tap the campaign's budget pays (reserved by the campaign's single writer before the wallet decides).</summary>
[GenerateSerializer, Immutable]
public sealed record CampaignDiscount([property: Id(0)] string CampaignId, [property: Id(1)] long Amount);

/// <summary>
/// A tap a till accepted while offline, as the server judges it: the refuse list version the till held, the reason the card
/// was on that version of the list (null: it was not), and the till's offline totals of that local day before this tap.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record OfflineTap(
    [property: Id(0)] long ListVersion,
    [property: Id(1)] string? ListedReason,
    [property: Id(2)] long TillDayTotal,
    [property: Id(3)] long TillHolderDayTotal,
    [property: Id(4)] long TillCap,
    [property: Id(5)] long HolderCap);

/// <summary>Where a part of a payment came from (or a refund went back to): <c>cash</c>, <c>subsidy</c> (the general subsidy purse) or <c>program</c> (a subsidy program's purse).</summary>
[GenerateSerializer, Immutable]
public sealed record PursePart(
    [property: Id(0)] string Purse,
    [property: Id(1)] long Amount,
    [property: Id(2)] string? ProgramId = null,
    [property: Id(3)] string? PurseKey = null)
{
    public const string Cash = "cash";
    public const string Subsidy = "subsidy";
    public const string Program = "program";

    /// <summary>How reports name the purse: cash, subsidy, or subsidy:{programId}.</summary>
    public string Label => Purse == Program ? $"subsidy:{ProgramId}" : Purse;
}

/// <summary>Why an offline tap was not charged to the holder: it stays on the canteen's exceptions list, at the merchant's risk.</summary>
public static class OfflineExceptionReasons
{
    public const string ListedCard = "listed_card";
    public const string OverHolderCap = "over_holder_cap";
    public const string OverTillCap = "over_till_cap";
    public const string UnknownCard = "unknown_card";
    public const string TenantSuspended = "tenant_suspended";
    public const string TerminalDisabled = "terminal_disabled";

    /// <summary>An honoured tap the holder's purses could not cover: the shortfall is arrears on the holder.</summary>
    public const string Arrears = "arrears";
}
