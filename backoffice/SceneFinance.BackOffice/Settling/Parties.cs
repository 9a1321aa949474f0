using SceneFinance.BackOffice.Ledger;
using SceneFinance.Platform.Ledger;

namespace SceneFinance.BackOffice.Settling;

/// <summary>Who settlement pays: a merchant (a canteen operator, a shop) or the institution itself (the school, the hospital).</summary>
public static class PartyKinds
{
    public const string Merchant = "merchant";
    public const string School = "school";
    public const string Hospital = "hospital";

    /// <summary>The tenant's own institution's party id (one per campus or hospital tenant).</summary>
    public const string InstitutionId = "institution";

    /// <summary>The institution a tenant of this scene settles to, or null (a canteen operator has only merchants).</summary>
    public static string? InstitutionOf(string tenantKind) => tenantKind switch { "campus" => School, "hospital" => Hospital, _ => null };
}

/// <summary>The ledger accounts settlement moves money through (beside the parties' own).</summary>
public static class SettlementAccounts
{
    /// <summary>What the bank owes a party after settlement, until it is paid out; a debit balance is a negative carried forward.</summary>
    public static string Payable(string partyId) => $"settlement-payable:{partyId}";

    /// <summary>Payouts instructed to the bank's batch transfer and not yet confirmed paid or returned.</summary>
    public const string PayoutClearing = "payout-clearing";

    /// <summary>The bank's own account the batch transfers leave from.</summary>
    public const string SettlementBank = "settlement-bank";

    /// <summary>The bank's settlement fees.</summary>
    public const string FeeIncome = "fee-income:settlement";

    /// <summary>The school's collections taken into settlement (the campus accounts' counterpart).</summary>
    public const string CampusSettled = "campus-settled";

    /// <summary>A hospital's payable, as the hospital scene names it.</summary>
    public const string HospitalPayable = "hospital-payable";

    /// <summary>Accounts of funders (subsidy programmes, the bank's marketing budget) that pay merchants: their credits are funding.</summary>
    public static readonly string[] FunderPrefixes = ["funder:", "subsidy-fund:", "subsidy-program:", "marketing:", "campaign:"];
}

/// <summary>The statement categories of a line.</summary>
public static class LineCategories
{
    public const string Gross = "gross";
    public const string RefundsAndVoids = "refunds-and-voids";
    public const string Funding = "funding";
}

/// <summary>One money event on a party's accounts, as its statement shows it (amount in fen, always positive).</summary>
[GenerateSerializer, Immutable]
public sealed record StatementLine(
    [property: Id(0)] long Seq,
    [property: Id(1)] string Type,
    [property: Id(2)] string Source,
    [property: Id(3)] string Category,
    [property: Id(4)] long Amount,
    [property: Id(5)] DateTimeOffset HappenedAt,
    [property: Id(6)] DateTimeOffset CommittedAt,
    [property: Id(7)] bool Late);

/// <summary>
/// Which ledger accounts are a party's and what a money event on them means for its statement. Lines are derived from the
/// postings, not from a list of event types: whatever posts to a party's accounts shows up (a void, a campaign's funding,
/// an adjustment), classified by the direction of its net movement and by who paid it.
/// </summary>
public static class Parties
{
    /// <summary>Settlement's own entries move the parties' money onward; they are not statement lines.</summary>
    public static readonly HashSet<string> OwnTypes = ["party_day_settled", "payout_instructed", "payout_paid", "payout_returned"];

    /// <summary>Whether the account is one of the party's: a merchant's receivable, the hospital's payable, the school's campus accounts.</summary>
    public static bool Holds(string kind, string partyId, string account) => kind switch
    {
        PartyKinds.Merchant => account == Accounts.MerchantReceivable(partyId),
        PartyKinds.Hospital => account == SettlementAccounts.HospitalPayable,
        // The campus ledger keeps the school's books: bills receivable, fee income, counter cash, waivers. Their sum moves
        // only when money passes through the bank (a channel's payment applied, a refund taken); that sum is the school's.
        PartyKinds.School => account.StartsWith("campus-", StringComparison.Ordinal),
        _ => false,
    };

    /// <summary>The account settlement debits to take the day's money out of the party's accounts.</summary>
    public static string SourceAccount(string kind, string partyId) => kind switch
    {
        PartyKinds.Merchant => Accounts.MerchantReceivable(partyId),
        PartyKinds.Hospital => SettlementAccounts.HospitalPayable,
        PartyKinds.School => SettlementAccounts.CampusSettled,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a party kind."),
    };

    /// <summary>The event as a line of the party's statement, or null when it does not move the party's money.</summary>
    public static StatementLine? Classify(string kind, string partyId, MoneyEvent e, DateTimeOffset dayFrom)
    {
        if (OwnTypes.Contains(e.Type)) return null;
        var net = e.Postings.Where(p => Holds(kind, partyId, p.Account)).Sum(p => p.Credit - p.Debit);
        if (net == 0) return null;
        var funded = e.Postings.Any(p => p.Debit > 0 && !Holds(kind, partyId, p.Account)
                                         && SettlementAccounts.FunderPrefixes.Any(f => p.Account.StartsWith(f, StringComparison.Ordinal)));
        var category = net < 0 ? LineCategories.RefundsAndVoids : funded ? LineCategories.Funding : LineCategories.Gross;
        return new StatementLine(e.Seq, e.Type, e.StreamKey, category, Math.Abs(net), e.HappenedAt, e.CommittedAt, e.HappenedAt < dayFrom);
    }
}
