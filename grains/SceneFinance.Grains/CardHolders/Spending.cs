using SceneFinance.Platform.Ledger;

namespace SceneFinance.Grains.CardHolders;

/// <summary>How a payment is split over the purses, and where each part is booked. Pure.</summary>
public static class Spending
{
    /// <summary>
    /// Subsidy before cash: first the program purses that may be spent here and now, the soonest-expiring first (those that
    /// never expire after, then by key so the order is stable), then the general subsidy purse, then cash. <see cref="Short"/>
    /// is what the purses could not cover.
    /// </summary>
    public static (IReadOnlyList<PursePart> Parts, long Short) Split(CardHolder s, long amount, string? category, string? mealPeriod, DateTimeOffset at)
    {
        var parts = new List<PursePart>();
        var left = amount;
        var programs = s.Canteen.Purses.Values
            .Where(p => p.SpendableAt(category, mealPeriod, at))
            .OrderBy(p => p.ExpiresAt ?? DateTimeOffset.MaxValue).ThenBy(p => p.Key, StringComparer.Ordinal);
        foreach (var purse in programs)
            left = Take(parts, new PursePart(PursePart.Program, purse.Balance, purse.ProgramId, purse.Key), left);
        left = Take(parts, new PursePart(PursePart.Subsidy, s.Subsidy), left);
        left = Take(parts, new PursePart(PursePart.Cash, s.Cash), left);
        return (parts, left);
    }

    /// <summary>What the purses could pay for a tap here and now.</summary>
    public static long Available(CardHolder s, string? category, string? mealPeriod, DateTimeOffset at) =>
        s.Cash + s.Subsidy + s.Canteen.Purses.Values.Where(p => p.SpendableAt(category, mealPeriod, at)).Sum(p => p.Balance);

    static long Take(List<PursePart> parts, PursePart purse, long left)
    {
        var take = Math.Min(Math.Max(0, purse.Amount), left);
        if (take > 0) parts.Add(purse with { Amount = take });
        return left - take;
    }

    /// <summary>The ledger account of a part of the holder's wallet.</summary>
    public static string Account(string holderId, PursePart part) => part.Purse switch
    {
        PursePart.Program => Canteen.CanteenAccounts.ProgramPurse(holderId, part.ProgramId!),
        var purse => Accounts.Purse(holderId, purse),
    };

    /// <summary>
    /// A payment's journal entry: the purses (liabilities to the holder) go down, the campaign's marketing account pays the
    /// discount, a shortfall is owed by the holder (arrears), and the bank owes the merchant behind the till the whole price.
    /// </summary>
    public static IReadOnlyList<Posting> Postings(string holderId, IReadOnlyList<PursePart> parts, long discount, string? campaignId, long shortfall,
        string merchantId, long amount)
    {
        var lines = parts.Select(p => new Posting(Account(holderId, p), p.Amount, 0)).ToList();
        if (discount > 0) lines.Add(new Posting(Canteen.CanteenAccounts.Marketing(campaignId!), discount, 0));
        if (shortfall > 0) lines.Add(new Posting(Canteen.CanteenAccounts.Arrears(holderId), shortfall, 0));
        lines.Add(new Posting(Accounts.MerchantReceivable(merchantId), 0, amount));
        return Journal.Balanced(lines);
    }
}
