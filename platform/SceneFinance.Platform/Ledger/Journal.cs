namespace SceneFinance.Platform.Ledger;

/// <summary>One side of a journal entry. Exactly one of debit and credit is non-zero, in fen.</summary>
public sealed record Posting(string Account, long Debit, long Credit);

/// <summary>
/// A money event is its own journal entry: it carries balanced postings and is appended in the same
/// commit as everything else about the movement, so the ledger can never disagree with the wallets.
/// The trial balance sums the postings of every such event.
/// </summary>
public interface IJournalled
{
    IReadOnlyList<Posting> Postings { get; }
}

public static class Journal
{
    /// <summary>Moves <paramref name="amount"/> from the credited account to the debited one.</summary>
    public static IReadOnlyList<Posting> Transfer(string debit, string credit, long amount) =>
        Balanced([new Posting(debit, amount, 0), new Posting(credit, 0, amount)]);

    /// <summary>The postings without empty lines; throws unless they are well formed and debits equal credits.</summary>
    public static IReadOnlyList<Posting> Balanced(IReadOnlyList<Posting> postings)
    {
        var lines = postings.Where(p => p.Debit != 0 || p.Credit != 0).ToArray();
        if (lines.Length < 2 || lines.Any(p => p.Debit < 0 || p.Credit < 0 || (p.Debit != 0 && p.Credit != 0)))
            throw new InvalidOperationException("A journal entry needs at least two postings, each a positive debit or credit.");
        if (lines.Sum(p => p.Debit) != lines.Sum(p => p.Credit))
            throw new InvalidOperationException("A journal entry must balance.");
        return lines;
    }
}

/// <summary>The names of ledger accounts. Card holder purses are liabilities of the bank to the holder.</summary>
public static class Accounts
{
    public static string Purse(string cardHolderId, string purse) => $"cardholder:{cardHolderId}:{purse}";
    /// <summary>What the bank owes a merchant for card payments at its terminals, until settlement pays it out.</summary>
    public static string MerchantReceivable(string merchantId) => $"merchant-receivable:{merchantId}";
    public static string Clearing(string channel) => $"clearing:{channel}";

    /// <summary>Money a payment channel confirmed that is not yet applied to what it paid for (a purse, a bill).</summary>
    public static string GatewayUnapplied(string channel) => $"gateway-unapplied:{channel}";

    /// <summary>Money taken back from a purse or bill for a refund that the channel has not yet paid out.</summary>
    public static string RefundsPending(string channel) => $"refunds-pending:{channel}";
}
