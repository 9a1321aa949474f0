namespace SceneFinance.Payments.Ledger;

/// <summary>One side of a journal entry. Exactly one of debit and credit is non-zero, in fen.</summary>
public sealed record Posting(string Account, long Debit, long Credit);

/// <summary>
/// A balanced double entry for one money movement. Immutable and appended in the same
/// transaction as the movement's event, so the ledger never disagrees with the wallets.
/// </summary>
public sealed record JournalEntry(string Id, string Kind, string Reference, IReadOnlyList<Posting> Postings, DateTimeOffset At)
{
    /// <summary>Moves <paramref name="amount"/> from the credited account to the debited one.</summary>
    public static JournalEntry Transfer(string id, string kind, string reference, string debit, string credit, long amount, DateTimeOffset at) =>
        Balanced(id, kind, reference, at, [new Posting(debit, amount, 0), new Posting(credit, 0, amount)]);

    public static JournalEntry Balanced(string id, string kind, string reference, DateTimeOffset at, IReadOnlyList<Posting> postings)
    {
        var lines = postings.Where(p => p.Debit != 0 || p.Credit != 0).ToArray();
        if (lines.Length < 2 || lines.Any(p => p.Debit < 0 || p.Credit < 0 || (p.Debit != 0 && p.Credit != 0)))
            throw new InvalidOperationException($"Journal entry {id} has malformed postings.");
        if (lines.Sum(p => p.Debit) != lines.Sum(p => p.Credit))
            throw new InvalidOperationException($"Journal entry {id} is not balanced.");
        return new JournalEntry(id, kind, reference, lines, at);
    }
}

/// <summary>The names of ledger accounts. Card holder purses are liabilities of the bank to the holder.</summary>
public static class Accounts
{
    public static string Purse(string cardHolderId, string purse) => $"cardholder:{cardHolderId}:{purse}";
    public static string MerchantReceivable(string terminalId) => $"merchant-receivable:{terminalId}";
    public static string Clearing(string channel) => $"clearing:{channel}";
}
