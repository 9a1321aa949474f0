using Marten;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Grains.Cards;

/// <summary>Card number to holder, cached after one read; the holder refreshes it when it changes the assignment.</summary>
public sealed class CardGrain(IDocumentStore store) : Grain, ICardGrain
{
    string? _holderId;

    public override Task OnActivateAsync(CancellationToken ct) => Load(ct);

    async Task Load(CancellationToken ct)
    {
        var (tenantId, cardKey) = GrainKeys.Parse(this.GetPrimaryKeyString());
        await using var session = store.QuerySession(tenantId);
        _holderId = (await session.LoadAsync<CardAssignment>(cardKey, ct))?.CardHolderId;
    }

    Task<string?> ICardGrain.Holder() => Task.FromResult(_holderId);

    Task ICardGrain.Refresh() => Load(CancellationToken.None);
}
