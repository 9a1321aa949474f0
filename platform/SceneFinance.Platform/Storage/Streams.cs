using Marten;

namespace SceneFinance.Platform.Storage;

public static class Streams
{
    /// <summary>
    /// A single writer's state as its stream made it: every event folded in order, and the stream's version
    /// (0 when the stream does not exist), which the next append expects.
    /// </summary>
    public static async Task<(TState? State, long Version)> Load<TState>(
        IDocumentStore store, string tenantId, string streamKey, Func<TState?, object, TState?> fold, CancellationToken ct = default)
        where TState : class
    {
        await using var session = store.QuerySession(tenantId);
        var events = await session.Events.FetchStreamAsync(streamKey, token: ct);
        TState? state = null;
        long version = 0;
        foreach (var e in events)
        {
            state = fold(state, e.Data);
            version = e.Version;
        }
        return (state, version);
    }
}
