using Marten;
using SceneFinance.Grains.CardHolders;

namespace SceneFinance.Grains.Cards;

/// <summary>
/// The card numbers a tenant's holders were given, read from their events (registration and replacements): the one place a
/// number is kept, so a key made from it (a till's key, a digest under another key) can be made again.
/// </summary>
public static class CardNumbers
{
    /// <summary>Every card number of the session's tenant (or of one holder), current and retired.</summary>
    public static async Task<IReadOnlyList<string>> All(IQuerySession session, string? holderId = null, CancellationToken ct = default)
    {
        var registered = session.Events.QueryRawEventDataOnly<CardHolderRegistered>();
        var replaced = session.Events.QueryRawEventDataOnly<CardReplaced>();
        var numbers = holderId is null
            ? [.. await registered.Select(e => e.CardNumber).ToListAsync(ct), .. await replaced.Select(e => e.NewCardNumber).ToListAsync(ct)]
            : (List<string>)[.. await registered.Where(e => e.CardHolderId == holderId).Select(e => e.CardNumber).ToListAsync(ct),
                .. await replaced.Where(e => e.CardHolderId == holderId).Select(e => e.NewCardNumber).ToListAsync(ct)];
        return [.. numbers.Distinct()];
    }

    /// <summary>The tills' key of the holder's card whose keyed digest is <paramref name="cardKey"/>, or null.</summary>
    public static async Task<string?> TillKeyOf(IQuerySession session, string holderId, string cardKey, CancellationToken ct = default) =>
        (await All(session, holderId, ct)).Where(n => CardKeys.Of(n) == cardKey).Select(CardKeys.ForTill).FirstOrDefault();
}
