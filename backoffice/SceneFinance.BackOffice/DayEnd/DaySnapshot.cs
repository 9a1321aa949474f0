using SceneFinance.BackOffice.Ledger;

namespace SceneFinance.BackOffice.DayEnd;

/// <summary>An account over a closed day: where it started, what moved, where it ended (balance = debits − credits).</summary>
public sealed record AccountDay(string Account, long Opening, long Debit, long Credit, long Closing);

/// <summary>
/// A closed day's trial balance, stored once with its close and never changed: each account's opening (the previous day's
/// closing), movements and closing. Id: <c>"{tenantId}:{yyyy-MM-dd}"</c>.
/// </summary>
public sealed class DaySnapshot
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public DateOnly Day { get; set; }
    public DateTimeOffset From { get; set; }
    public DateTimeOffset Cut { get; set; }
    public long MoneyEvents { get; set; }
    public long TotalDebit { get; set; }
    public long TotalCredit { get; set; }
    public List<AccountDay> Accounts { get; set; } = [];

    public static string IdOf(string tenantId, DateOnly day) => $"{tenantId}:{day:yyyy-MM-dd}";

    /// <summary>
    /// The day's snapshot from the previous day's (its closings are this day's openings; null before the first close) and the
    /// movements committed in [<paramref name="from"/>, <paramref name="cut"/>). Accounts that did not move carry their balance.
    /// </summary>
    public static DaySnapshot Build(string tenantId, DateOnly day, DateTimeOffset from, DateTimeOffset cut, DaySnapshot? previous,
        IReadOnlyList<AccountMovement> movements, long moneyEvents)
    {
        var opening = previous?.Accounts.ToDictionary(a => a.Account, a => a.Closing) ?? [];
        var moved = movements.ToDictionary(m => m.Account);
        var accounts = opening.Keys.Union(moved.Keys).Order(StringComparer.Ordinal).Select(account =>
        {
            var open = opening.GetValueOrDefault(account);
            var (debit, credit) = moved.TryGetValue(account, out var m) ? (m.Debit, m.Credit) : (0L, 0L);
            return new AccountDay(account, open, debit, credit, open + debit - credit);
        }).Where(a => a.Opening != 0 || a.Debit != 0 || a.Credit != 0 || a.Closing != 0).ToList();
        return new DaySnapshot
        {
            Id = IdOf(tenantId, day), TenantId = tenantId, Day = day, From = from, Cut = cut, MoneyEvents = moneyEvents,
            TotalDebit = accounts.Sum(a => a.Debit), TotalCredit = accounts.Sum(a => a.Credit), Accounts = accounts,
        };
    }
}
