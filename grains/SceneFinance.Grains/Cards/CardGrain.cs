using Marten;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Grains.Cards;

/// <summary>
/// Card number to holder, cached after one read; the holder refreshes it when it changes the assignment. Kept as long as its
/// holder's grain, so that a meal's first tap does not read it again.
/// </summary>
[CollectionAgeLimit(Minutes = CardHolders.CardHolderGrain.KeptIdleMinutes)]
public sealed class CardGrain(IDocumentStore store, TimeProvider clock) : Grain, ICardGrain
{
    // "Nobody holds this card" is only believed for a few seconds: a card registered meanwhile starts working
    // soon, without a read per tap for cards that stay unknown.
    static readonly TimeSpan UnknownFor = TimeSpan.FromSeconds(5);
    string? _holderId;
    DateTimeOffset _loadedAt;

    public override Task OnActivateAsync(CancellationToken ct) => Load(ct);

    async Task Load(CancellationToken ct)
    {
        var (tenantId, cardKey) = GrainKeys.Parse(this.GetPrimaryKeyString());
        await using var session = store.QuerySession(tenantId);
        _holderId = (await session.LoadAsync<CardAssignment>(cardKey, ct))?.CardHolderId;
        _loadedAt = clock.GetUtcNow();
    }

    async Task<string?> ICardGrain.Holder()
    {
        if (_holderId is null && clock.GetUtcNow() - _loadedAt > UnknownFor) await Load(CancellationToken.None);
        return _holderId;
    }

    Task ICardGrain.Refresh() => Load(CancellationToken.None);
}
