using System.Collections.Immutable;
using SceneFinance.Platform.Storage;

namespace SceneFinance.Grains.OfflineTills;

/// <summary>A card was put on the tenant's offline refuse list for a reason.</summary>
public sealed record OfflineCardListed(string CardKey, string Reason, DateTimeOffset ListedAt);

/// <summary>A reason for a card to be on the list ended (it stays listed while another reason holds).</summary>
public sealed record OfflineCardUnlisted(string CardKey, string Reason, DateTimeOffset UnlistedAt);

/// <summary>The reasons a card was listed for from <see cref="Version"/> on (none: not listed).</summary>
public sealed record ListState(long Version, ImmutableSortedSet<string> Reasons);

/// <summary>
/// The offline refuse list as its events made it: every event is a version (the stream's), and each card keeps its history,
/// so what a till knew at any version can be told. Immutable; evolved one event at a time.
/// </summary>
public sealed record OfflineCardList(long Version, ImmutableDictionary<string, ImmutableList<ListState>> Cards)
{
    public static readonly OfflineCardList Empty = new(0, ImmutableDictionary<string, ImmutableList<ListState>>.Empty);

    public static OfflineCardList? Fold(OfflineCardList? state, object e) => (state ?? Empty).Apply(e);

    OfflineCardList Apply(object e) => e switch
    {
        OfflineCardListed l => Change(l.CardKey, Now(l.CardKey).Add(l.Reason)),
        OfflineCardUnlisted u => Change(u.CardKey, Now(u.CardKey).Remove(u.Reason)),
        _ => this with { Version = Version + 1 },
    };

    OfflineCardList Change(string cardKey, ImmutableSortedSet<string> reasons) => this with
    {
        Version = Version + 1,
        Cards = Cards.SetItem(cardKey, Cards.GetValueOrDefault(cardKey, []).Add(new ListState(Version + 1, reasons))),
    };

    /// <summary>The card's reasons now.</summary>
    public ImmutableSortedSet<string> Now(string cardKey) =>
        Cards.TryGetValue(cardKey, out var history) ? history[^1].Reasons : ImmutableSortedSet<string>.Empty;

    /// <summary>The card's reasons in <paramref name="version"/> of the list.</summary>
    public ImmutableSortedSet<string> At(string cardKey, long version) =>
        Cards.TryGetValue(cardKey, out var history) ? history.LastOrDefault(h => h.Version <= version)?.Reasons ?? [] : [];

    public OfflineCardListView Since(long? since)
    {
        var full = since is null or <= 0 || since > Version;
        var entries = Cards
            .Select(c => (Key: c.Key, Last: c.Value[^1]))
            .Where(c => full ? c.Last.Reasons.Count > 0 : c.Last.Version > since && Changed(c.Key, since!.Value))
            .OrderBy(c => c.Last.Version)
            .Select(c => new OfflineListEntry(c.Key, c.Last.Reasons.Count > 0, [.. c.Last.Reasons], c.Last.Version))
            .ToList();
        return new OfflineCardListView(Version, full, entries);
    }

    // A card listed then unlisted again (or the other way) since the till's version: the till's copy is right already only
    // if its reasons are the same; reasons matter for what it shows, so any change is sent.
    bool Changed(string cardKey, long since) => !At(cardKey, since).SetEquals(Now(cardKey));
}

/// <summary>Deciding list changes: a reason added or removed only when that changes something. Pure.</summary>
public static class OfflineListDecisions
{
    public static Decided Set(OfflineCardList? state, string cardKey, string reason, bool listed, DateTimeOffset now)
    {
        var reasons = (state ?? OfflineCardList.Empty).Now(cardKey);
        if (reasons.Contains(reason) == listed) return Decided.Nothing;
        return Decided.To(listed ? new OfflineCardListed(cardKey, reason, now) : new OfflineCardUnlisted(cardKey, reason, now));
    }

    /// <summary>
    /// Brings the cards of a source's <paramref name="reasons"/> in line with what the source lists now: adds what is missing,
    /// removes what the source no longer lists.
    /// </summary>
    public static Decided Reconcile(OfflineCardList? state, IReadOnlyCollection<string> reasons, IReadOnlyCollection<ListedCard> current, DateTimeOffset now)
    {
        state ??= OfflineCardList.Empty;
        var truth = current.Where(c => reasons.Contains(c.Reason)).Select(c => (c.CardKey, c.Reason)).ToHashSet();
        var listed = state.Cards.Keys.SelectMany(k => state.Now(k).Where(reasons.Contains).Select(r => (CardKey: k, Reason: r))).ToHashSet();
        var events = truth.Except(listed).OrderBy(c => c.CardKey, StringComparer.Ordinal).Select(c => (object)new OfflineCardListed(c.CardKey, c.Reason, now))
            .Concat(listed.Except(truth).OrderBy(c => c.CardKey, StringComparer.Ordinal).Select(c => new OfflineCardUnlisted(c.CardKey, c.Reason, now)));
        return Decided.To([.. events]);
    }
}
