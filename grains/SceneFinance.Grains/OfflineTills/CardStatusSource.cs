using Marten;
using SceneFinance.Grains.Cards;

namespace SceneFinance.Grains.OfflineTills;

/// <summary>
/// The card office's part of the offline list: lost cards (reported lost, or replaced: a retired card is refused for good)
/// and frozen holders' current cards. Pushed by the card holder's grain after each change (<see cref="Sync"/>); read whole
/// from the assignments and listings for reconciliation.
/// </summary>
public sealed class CardStatusSource(IDocumentStore store) : IOfflineListSource
{
    public IReadOnlyCollection<string> Reasons { get; } = [OfflineListReasons.Lost, OfflineListReasons.Frozen];

    public async Task<IReadOnlyCollection<ListedCard>> Current(string tenantId, CancellationToken ct)
    {
        await using var session = store.QuerySession(tenantId);
        var statuses = (await session.Query<CardHolderListing>().Where(l => l.Status == "frozen" || l.Status == "lost" || l.Status == "closed")
            .Select(l => new { l.Id, l.Status }).ToListAsync(ct)).ToDictionary(l => l.Id, l => l.Status == "closed" ? OfflineListReasons.Frozen : l.Status);
        var ids = statuses.Keys.ToArray();
        // The tills' keys are made from card numbers (assignments are keyed by the keyed digest): the numbers are in the events.
        var replaced = await session.Events.QueryRawEventDataOnly<CardHolders.CardReplaced>().ToListAsync(ct);
        var registered = await session.Events.QueryRawEventDataOnly<CardHolders.CardHolderRegistered>()
            .Where(e => ids.Contains(e.CardHolderId)).Select(e => new { e.CardHolderId, e.CardNumber }).ToListAsync(ct);
        var current = registered.ToDictionary(e => e.CardHolderId, e => e.CardNumber);
        foreach (var r in replaced.OrderBy(r => r.ReplacedAt)) if (current.ContainsKey(r.CardHolderId)) current[r.CardHolderId] = r.NewCardNumber;
        var retired = replaced.Select(r => r.OldCardNumber).ToHashSet();
        return [.. retired.Select(n => new ListedCard(CardKeys.ForTill(n), OfflineListReasons.Lost)),
            .. current.Where(c => !retired.Contains(c.Value)).Select(c => new ListedCard(CardKeys.ForTill(c.Value), statuses[c.Key]))];
    }

    /// <summary>The reasons a card of a holder is listed for: a card that is not the holder's current one is retired (lost).</summary>
    public static IEnumerable<string> ReasonsOf(CardHolders.CardHolder holder, string cardNumber)
    {
        if (cardNumber != holder.CardNumber || holder.Status == CardHolders.CardStatus.Lost) yield return OfflineListReasons.Lost;
        else if (holder.Status is CardHolders.CardStatus.Frozen or CardHolders.CardStatus.Closed) yield return OfflineListReasons.Frozen; // a leaver's card: refused like a frozen one
    }

    /// <summary>Pushes what a holder's change did to its cards (the old and the new one) onto the tenant's list.</summary>
    public static async Task Sync(IGrainFactory grains, string tenantId, CardHolders.CardHolder before, CardHolders.CardHolder after, DateTimeOffset now)
    {
        var list = grains.GetGrain<IOfflineCardListGrain>(tenantId);
        foreach (var card in new[] { before.CardNumber, after.CardNumber }.Distinct())
        {
            var was = ReasonsOf(before, card).ToHashSet();
            var now_ = ReasonsOf(after, card).ToHashSet();
            foreach (var reason in now_.Except(was)) await list.Set(CardKeys.ForTill(card), reason, true, now);
            foreach (var reason in was.Except(now_)) await list.Set(CardKeys.ForTill(card), reason, false, now);
        }
    }
}
