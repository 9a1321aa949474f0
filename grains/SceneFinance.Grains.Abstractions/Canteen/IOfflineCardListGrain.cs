using Orleans.Concurrency;

namespace SceneFinance.Grains;

/// <summary>Why a card is on the offline refuse list.</summary>
public static class OfflineListReasons
{
    public const string Lost = "lost";
    public const string Frozen = "frozen";

    /// <summary>On a blacklist of the risk rules (the tenant's or the platform's), read through <c>IRiskBlacklist</c>.</summary>
    public const string Blacklisted = "blacklisted";
}

/// <summary>A card on the list: its key (<see cref="CardKeys.ForTill"/>, the hex digest a till computes from the number it reads) and why.</summary>
[GenerateSerializer, Immutable]
public sealed record ListedCard([property: Id(0)] string CardKey, [property: Id(1)] string Reason);

/// <summary>One change of the list: a card added (listed for at least one reason) or removed (for none any more).</summary>
[GenerateSerializer, Immutable]
public sealed record OfflineListEntry(
    [property: Id(0)] string CardKey,
    [property: Id(1)] bool Listed,
    [property: Id(2)] IReadOnlyList<string> Reasons,
    [property: Id(3)] long Version);

/// <summary>
/// The list at <see cref="Version"/>: the whole of it (<see cref="Full"/>: every listed card) or the changes after the version
/// the till asked from (added and removed cards, each at its latest state).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record OfflineCardListView(
    [property: Id(0)] long Version,
    [property: Id(1)] bool Full,
    [property: Id(2)] IReadOnlyList<OfflineListEntry> Entries);

/// <summary>
/// The cards tills must refuse while offline, per tenant (key: the tenant id): lost (and replaced), frozen and blacklisted
/// cards, versioned so a till fetches only what changed since the version it holds. The single writer of its stream; the
/// version is the stream's, so every change has its own number and a till's upload can say which list it knew.
/// </summary>
public interface IOfflineCardListGrain : IGrainWithStringKey
{
    /// <summary>Lists (or unlists) the card for one reason; a card stays listed while any reason holds. Nothing changes when it already is so.</summary>
    Task Set(string cardKey, string reason, bool listed, DateTimeOffset now);

    /// <summary>The changes after <paramref name="sinceVersion"/>, or the whole list when it is null (or from before the list's start).</summary>
    [ReadOnly] Task<OfflineCardListView> Since(long? sinceVersion);

    /// <summary>Why the card was listed in the list's <paramref name="version"/>, or null when it was not.</summary>
    [ReadOnly] Task<string?> ListedAt(string cardKey, long version);

    /// <summary>Brings the list in line with what every <see cref="IOfflineListSource"/> says now (after a crash between a card's change and its listing).</summary>
    Task Reconcile(DateTimeOffset now);
}

/// <summary>
/// A source of listed cards (the seam the risk rules' blacklist plugs into): the reasons it owns and every card it lists now.
/// Sources push changes with <see cref="IOfflineCardListGrain.Set"/> as they happen; the list also asks each source for its
/// whole truth now and then (<see cref="IOfflineCardListGrain.Reconcile"/>), so a change lost in a crash is listed all the same.
/// Register implementations in DI as <see cref="IOfflineListSource"/>.
/// </summary>
public interface IOfflineListSource
{
    IReadOnlyCollection<string> Reasons { get; }

    Task<IReadOnlyCollection<ListedCard>> Current(string tenantId, CancellationToken ct);

    /// <summary>
    /// A cheap mark that changes when the source's cards may have (read from memory), so the list follows it within seconds
    /// instead of at the next whole reconciliation; null when the source has none (it pushes its changes itself).
    /// </summary>
    Task<string?> Stamp(string tenantId, CancellationToken ct) => Task.FromResult<string?>(null);
}
