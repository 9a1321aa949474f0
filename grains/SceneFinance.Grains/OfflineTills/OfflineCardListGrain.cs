using Microsoft.Extensions.Logging;
using SceneFinance.Platform.Storage;

namespace SceneFinance.Grains.OfflineTills;

/// <summary>
/// The tenant's offline refuse list, on the single writer (stream <c>offline-card-list</c>). Card changes are pushed by their
/// sources as they commit; on activation and every few minutes after, the list is reconciled with each source's whole truth,
/// so a push lost between a card's commit and its listing (a crash) is repaired by itself.
/// </summary>
public sealed class OfflineCardListGrain(StreamWriters writers, IEnumerable<IOfflineListSource> sources, TimeProvider clock, ILogger<OfflineCardListGrain> log)
    : Grain, IOfflineCardListGrain
{
    public const string StreamKey = "offline-card-list";
    static readonly TimeSpan ReconcileEvery = TimeSpan.FromMinutes(5);
    static readonly TimeSpan FollowEvery = TimeSpan.FromSeconds(2);
    readonly Dictionary<IOfflineListSource, string> _stamps = [];
    StreamWriter<OfflineCardList> _list = null!;

    public override async Task OnActivateAsync(CancellationToken ct)
    {
        _list = writers.For<OfflineCardList>(this.GetPrimaryKeyString(), StreamKey, OfflineCardList.Fold, Refusal.NotFound("The list"));
        await _list.Load(ct);
        this.RegisterGrainTimer(() => Reconcile(clock.GetUtcNow()), TimeSpan.FromSeconds(1), ReconcileEvery);
        this.RegisterGrainTimer(FollowStamps, FollowEvery, FollowEvery);
    }

    /// <summary>A source whose stamp moved (a card blacklisted or taken off) is reconciled now, not at the next whole reconciliation.</summary>
    async Task FollowStamps()
    {
        foreach (var source in sources)
        {
            try
            {
                if (await source.Stamp(_list.TenantId, CancellationToken.None) is not { } stamp || _stamps.GetValueOrDefault(source) == stamp) continue;
                await ReconcileWith(source, clock.GetUtcNow());
                _stamps[source] = stamp;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                log.LogWarning(e, "The offline card list of tenant {TenantId} could not follow {Source}", _list.TenantId, source.GetType().Name);
            }
        }
    }

    Task IOfflineCardListGrain.Set(string cardKey, string reason, bool listed, DateTimeOffset now) =>
        Write(s => OfflineListDecisions.Set(s, cardKey, reason, listed, now));

    /// <summary>Commits what the decider says; nothing to say (already so) writes nothing, also before the list's first change.</summary>
    Task Write(Func<OfflineCardList?, Decided> decide) =>
        decide(_list.State).Events.Count == 0 ? Task.CompletedTask : _list.Start(decide, (_, _) => true);

    Task<OfflineCardListView> IOfflineCardListGrain.Since(long? sinceVersion) =>
        Task.FromResult((_list.State ?? OfflineCardList.Empty).Since(sinceVersion));

    Task<string?> IOfflineCardListGrain.ListedAt(string cardKey, long version) =>
        Task.FromResult((_list.State ?? OfflineCardList.Empty).At(cardKey, version).FirstOrDefault());

    Task IOfflineCardListGrain.Reconcile(DateTimeOffset now) => Reconcile(now);

    async Task Reconcile(DateTimeOffset now)
    {
        foreach (var source in sources)
        {
            try
            {
                await ReconcileWith(source, now);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                log.LogWarning(e, "The offline card list of tenant {TenantId} could not be reconciled with {Source}", _list.TenantId, source.GetType().Name);
            }
        }
    }

    async Task ReconcileWith(IOfflineListSource source, DateTimeOffset now)
    {
        var current = await source.Current(_list.TenantId, CancellationToken.None);
        await Write(s => OfflineListDecisions.Reconcile(s, source.Reasons, current, now));
    }
}
