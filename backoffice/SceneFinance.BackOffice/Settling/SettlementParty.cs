using System.Collections.Immutable;
using SceneFinance.Platform.Ledger;

namespace SceneFinance.BackOffice.Settling;

// A settlement party's stream: its settlement account and fees, each business day settled, each payout and its fate.
// Past tense, the party first, fen, and when. The money moments carry their journal entries.

public sealed record PartyOpened(string PartyId, string Kind, string Name, DateTimeOffset OpenedAt);

/// <summary>The account payouts go to. The number is only ever stored encrypted (<see cref="ProtectedNumber"/>) and shown by its last 4.</summary>
public sealed record SettlementAccountSet(
    string PartyId, string BankName, string AccountName, string ProtectedNumber, string NumberLast4, string By, DateTimeOffset SetAt);

public sealed record FeeScheduleSet(string PartyId, int BasisPoints, long? MinPerTransaction, long? MinPerSettlement, string By, DateTimeOffset SetAt);

/// <summary>
/// A business day settled for the party: the day's movement on its accounts leaves them (receivable → payable), less the fee; a
/// negative carried in (or a returned payout) is part of what is payable now. One per party and day.
/// </summary>
public sealed record PartyDaySettled(
    string PartyId, DateOnly Day, int GrossCount, long Gross, int RefundCount, long Refunds, int FundingCount, long Funding,
    int LateCount, long Fee, long Net, long CarriedIn, long Payout, long CarriedOut, DateTimeOffset SettledAt,
    IReadOnlyList<Posting> Postings) : IJournalled;

/// <summary>A payout sent to the bank's batch transfer: payable → payout clearing until the bank confirms it.</summary>
public sealed record PayoutInstructed(
    string PartyId, string PayoutId, DateOnly Day, long Amount, string BankName, string AccountName, string ProtectedNumber,
    string NumberLast4, DateTimeOffset InstructedAt, IReadOnlyList<Posting> Postings) : IJournalled;

public sealed record PayoutPaid(string PartyId, string PayoutId, long Amount, string? BankReference, string By, DateTimeOffset PaidAt, IReadOnlyList<Posting> Postings) : IJournalled;

/// <summary>The transfer came back (a wrong account): the money is payable again and goes with the next run.</summary>
public sealed record PayoutReturned(string PartyId, string PayoutId, long Amount, string Reason, string By, DateTimeOffset ReturnedAt, IReadOnlyList<Posting> Postings) : IJournalled;

public static class PayoutStatus
{
    public const string Instructed = "instructed";
    public const string Paid = "paid";
    public const string Returned = "returned";
}

public sealed record SettlementAccount(string BankName, string AccountName, string ProtectedNumber, string NumberLast4)
{
    public string Masked => "****" + NumberLast4;
}

public sealed record Payout(
    string Id, DateOnly Day, long Amount, string Status, SettlementAccount Account, DateTimeOffset InstructedAt, DateTimeOffset UpdatedAt,
    string? BankReference = null, string? Reason = null);

/// <summary>A party as its events made it. <see cref="Payable"/> is the balance of its payable account, credit positive (what is owed).</summary>
public sealed record SettlementParty(
    string Id, string Kind, string Name, SettlementAccount? Account, FeeSchedule Fees, long Payable,
    ImmutableSortedSet<DateOnly> SettledDays, ImmutableDictionary<string, Payout> Payouts, DateTimeOffset UpdatedAt)
{
    public static SettlementParty? Fold(SettlementParty? state, object e) => (state, e) switch
    {
        (null, PartyOpened o) => new SettlementParty(o.PartyId, o.Kind, o.Name, null, FeeSchedule.None, 0, [], ImmutableDictionary<string, Payout>.Empty, o.OpenedAt),
        (null, _) => null,
        ({ } s, SettlementAccountSet a) => s with { Account = new SettlementAccount(a.BankName, a.AccountName, a.ProtectedNumber, a.NumberLast4), UpdatedAt = a.SetAt },
        ({ } s, FeeScheduleSet f) => s with { Fees = new FeeSchedule(f.BasisPoints, f.MinPerTransaction, f.MinPerSettlement), UpdatedAt = f.SetAt },
        ({ } s, PartyDaySettled d) => s with { Payable = s.Payable + d.Net, SettledDays = s.SettledDays.Add(d.Day), UpdatedAt = d.SettledAt },
        ({ } s, PayoutInstructed p) => s with
        {
            Payable = s.Payable - p.Amount, UpdatedAt = p.InstructedAt,
            Payouts = s.Payouts.SetItem(p.PayoutId, new Payout(p.PayoutId, p.Day, p.Amount, PayoutStatus.Instructed,
                new SettlementAccount(p.BankName, p.AccountName, p.ProtectedNumber, p.NumberLast4), p.InstructedAt, p.InstructedAt)),
        },
        ({ } s, PayoutPaid p) => s with
        {
            UpdatedAt = p.PaidAt,
            Payouts = s.Payouts.SetItem(p.PayoutId, s.Payouts[p.PayoutId] with { Status = PayoutStatus.Paid, BankReference = p.BankReference, UpdatedAt = p.PaidAt }),
        },
        ({ } s, PayoutReturned r) => s with
        {
            Payable = s.Payable + r.Amount, UpdatedAt = r.ReturnedAt,
            Payouts = s.Payouts.SetItem(r.PayoutId, s.Payouts[r.PayoutId] with { Status = PayoutStatus.Returned, Reason = r.Reason, UpdatedAt = r.ReturnedAt }),
        },
        ({ } s, _) => s,
    };
}
