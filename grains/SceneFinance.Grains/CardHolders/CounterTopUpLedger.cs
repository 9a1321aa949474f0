using Marten;

namespace SceneFinance.Grains.CardHolders;

public sealed class CounterTopUpLedger(IDocumentStore store) : ICounterTopUpLedger
{
    public async Task<IReadOnlyList<CashierTopUps>> Totals(string tenantId, DateTimeOffset from, DateTimeOffset to, string? userId = null)
    {
        await using var session = store.QuerySession(tenantId);
        var query = session.Events.QueryRawEventDataOnly<CardToppedUp>().Where(e => e.By != null && e.ToppedUpAt >= from && e.ToppedUpAt < to);
        if (userId is not null) query = query.Where(e => e.By == userId);
        var topUps = await query.ToListAsync();
        return topUps.GroupBy(t => t.By!)
            .Select(g => new CashierTopUps(g.Key, g.Count(), g.Sum(t => t.Amount)))
            .OrderByDescending(t => t.Amount).ThenBy(t => t.CashierId, StringComparer.Ordinal).ToList();
    }
}
