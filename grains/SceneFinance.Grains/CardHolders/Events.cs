using SceneFinance.Platform.Ledger;

namespace SceneFinance.Grains.CardHolders;

// The card holder stream's events: past tense, the stream id first, fen, and when.
// Money events carry their own balanced journal entry (IJournalled).

/// <remarks>
/// <see cref="IdNumber"/> and <see cref="Phone"/> are sealed (<see cref="SceneFinance.Platform.Security.Sealer"/>); events written
/// before sealing hold them clear. What the API shows of them (<see cref="IdNumberShown"/>, <see cref="PhoneShown"/>) and the ID
/// number's keyed digest (the risk lists') and the phone's (a patient signing in by phone) are kept beside them, so nothing needs them opened.
/// </remarks>
public sealed record CardHolderRegistered(
    string CardHolderId, string ExternalId, string Name, string Kind, string CardNumber,
    string? IdNumber, string? Phone, long? DailyLimit, DateTimeOffset RegisteredAt,
    string? IdNumberShown = null, string? PhoneShown = null, string? IdNumberDigest = null, string? PhoneDigest = null);

/// <summary>Money into a purse; <see cref="By"/> is the user id of the cashier who took it (null for a channel's confirmation).</summary>
public sealed record CardToppedUp(
    string CardHolderId, string TopUpId, long Amount, string Purse, string Channel,
    long CashAfter, long SubsidyAfter, DateTimeOffset ToppedUpAt, IReadOnlyList<Posting> Postings, string? By = null) : IJournalled;

/// <summary>A refund of an online top-up took money from the cash purse; it is held until the channel pays it out.</summary>
public sealed record CardRefundDebited(
    string CardHolderId, string RefundId, string IntentId, long Amount, string Channel,
    long CashAfter, long SubsidyAfter, DateTimeOffset DebitedAt, IReadOnlyList<Posting> Postings) : IJournalled;

/// <summary>The channel could not pay a refund out: its money is back in the cash purse.</summary>
public sealed record CardRefundReleased(
    string CardHolderId, string RefundId, string IntentId, long Amount, string Channel,
    long CashAfter, long SubsidyAfter, DateTimeOffset ReleasedAt, IReadOnlyList<Posting> Postings) : IJournalled;

/// <summary>What the wallet decided about a card payment: approved or declined, never anything else.</summary>
public interface IPaymentDecision
{
    string PaymentId { get; }
}

/// <summary>
/// An approved card payment. <see cref="MerchantId"/> is the merchant the terminal belonged to then (null on events from before
/// merchants: the tenant's first merchant). Canteen taps also say which purses paid (<see cref="Parts"/>; null on older events:
/// <see cref="FromSubsidy"/> is the general subsidy purse), their meal, the campaign's <see cref="Discount"/> and, for an offline
/// tap honoured beyond the purses, the <see cref="Shortfall"/> that became arrears. Amount = purses + discount + shortfall.
/// </summary>
public sealed record PaymentApproved(
    string CardHolderId, string PaymentId, string TerminalId, long Amount, long FromSubsidy, long FromCash,
    long BalanceAfter, DateOnly LocalDay, DateTimeOffset OccurredAt, DateTimeOffset ApprovedAt, IReadOnlyList<Posting> Postings,
    string? MerchantId = null, IReadOnlyList<PursePart>? Parts = null, MealSlot? Meal = null, string? CampaignId = null,
    long Discount = 0, long Shortfall = 0, bool Offline = false)
    : IJournalled, IPaymentDecision
{
    /// <summary>What the holder paid (the limits count this), as opposed to the campaign.</summary>
    public long HolderPaid => Amount - Discount;
}

/// <summary>
/// A declined card payment; <see cref="MerchantId"/> as on the approval (null on declines from before the risk rules). An offline
/// tap that was recorded instead of charged says why (<see cref="OfflineException"/>).
/// </summary>
public sealed record PaymentDeclined(
    string CardHolderId, string PaymentId, string TerminalId, long Amount, string DeclineCode,
    long BalanceAfter, DateTimeOffset OccurredAt, DateTimeOffset DeclinedAt, string? MerchantId = null, string? OfflineException = null) : IPaymentDecision;

public sealed record CardFrozen(string CardHolderId, DateTimeOffset FrozenAt);

public sealed record CardUnfrozen(string CardHolderId, DateTimeOffset UnfrozenAt);

public sealed record CardReportedLost(string CardHolderId, DateTimeOffset ReportedAt);

public sealed record CardReplaced(string CardHolderId, string OldCardNumber, string NewCardNumber, DateTimeOffset ReplacedAt);

/// <summary>
/// The school's roster renamed the holder or moved them to another class (a re-import): lists and tills show the new name from
/// now on; what was recorded before (payments, bills already paid) keeps the name it was made with.
/// </summary>
public sealed record CardHolderRenamed(string CardHolderId, string Name, string? Class, DateTimeOffset RenamedAt);

/// <summary>
/// The holder left (a school's roster marked the student as left): their cards are refused from now on (declined <c>card_frozen</c>,
/// listed as frozen for the offline tills), nothing more is credited, and what is left in the cash purse waits for its refund.
/// </summary>
public sealed record CardHolderClosed(string CardHolderId, string Reason, DateTimeOffset ClosedAt);

/// <summary>
/// A closed holder's cash handed back at the counter (a leaver's refund, approved by a second person), with a receipt: the cash
/// purse's money leaves through the counter's till (<c>clearing:counter</c>).
/// </summary>
public sealed record CardCashPaidOut(
    string CardHolderId, string PayoutId, long Amount, string Reason, string PaidBy, long CashAfter, long SubsidyAfter, DateTimeOffset PaidOutAt,
    IReadOnlyList<Posting> Postings) : IJournalled;
