using SceneFinance.Platform.Ledger;

namespace SceneFinance.Grains.CardHolders;

// The canteen's events on the card holder stream (beside Events.cs): subsidy purses, arrears, refunds, limits.
// Money events carry their own balanced journal entry (IJournalled).

/// <summary>A subsidy program's period credited to the holder's purse of it (<see cref="PurseKey"/>: the program, or program and period when it resets at the end).</summary>
public sealed record SubsidyGranted(
    string CardHolderId, string ProgramId, string PeriodKey, string PurseKey, long Amount, DateTimeOffset? ExpiresAt, bool ResetAtEnd,
    IReadOnlyList<string> Categories, IReadOnlyList<string> MealPeriods, DateTimeOffset GrantedAt, IReadOnlyList<Posting> Postings) : IJournalled;

/// <summary>What was left of a program's purse at the end of its period went back to the funder (the purse is gone).</summary>
public sealed record SubsidyReturned(
    string CardHolderId, string ProgramId, string PeriodKey, string PurseKey, long Amount, DateTimeOffset ReturnedAt, IReadOnlyList<Posting> Postings) : IJournalled;

/// <summary>Money that came in (a top-up, a grant) paid off arrears first, from <see cref="From"/>.</summary>
public sealed record ArrearsRecovered(
    string CardHolderId, long Amount, PursePart From, DateTimeOffset RecoveredAt, IReadOnlyList<Posting> Postings) : IJournalled;

/// <summary>A funder's part of a refund: the program's purse was over, so it went back to whoever paid for it.</summary>
public sealed record FunderPart(string ProgramId, long Amount);

/// <summary>
/// A void or refund of a payment: the merchant gives back <see cref="Amount"/>, which goes back where it came from (purses,
/// funders, the campaign's marketing account, or clearing arrears). <see cref="HolderPart"/> is what counted against the holder's limits.
/// </summary>
public sealed record PaymentRefunded(
    string CardHolderId, string RefundId, string PaymentId, string Kind, long Amount, IReadOnlyList<PursePart> ToPurses,
    IReadOnlyList<FunderPart> ToFunders, long ToMarketing, string? CampaignId, long ArrearsCleared, long HolderPart,
    DateOnly PaymentDay, MealSlot? Meal, string Reason, string By, DateTimeOffset RefundedAt, IReadOnlyList<Posting> Postings) : IJournalled;

/// <summary>The daily limit changed after registration: audited with who and why.</summary>
public sealed record DailyLimitChanged(string CardHolderId, long? From, long? To, string Reason, string By, DateTimeOffset ChangedAt);

public sealed record CanteenProfileSet(
    string CardHolderId, string? Group, long? PerMealAmount, int? PerMealTaps, long? OfflineCap, string By, DateTimeOffset SetAt);
