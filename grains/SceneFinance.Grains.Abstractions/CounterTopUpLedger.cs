namespace SceneFinance.Grains;

/// <summary>One person's counter top-ups (counter and bank-transfer, credited by hand) in a span of time.</summary>
public sealed record CashierTopUps(string CashierId, int Count, long Amount);

/// <summary>
/// The top-ups people credited by hand, per person who credited them, read from the card holders' top-up events (each its own
/// balanced journal entry): what the counter limit counts and the till report shows.
/// </summary>
public interface ICounterTopUpLedger
{
    /// <summary>Each person's top-ups from <paramref name="from"/> (inclusive) to <paramref name="to"/>, only <paramref name="userId"/>'s when given; largest first.</summary>
    Task<IReadOnlyList<CashierTopUps>> Totals(string tenantId, DateTimeOffset from, DateTimeOffset to, string? userId = null);
}
