namespace SceneFinance.Platform.Operations;

/// <summary>
/// Kept in memory only, and only a few minutes after its last call (the windows are minutes long): so many keys at once (a
/// guesser trying usernames) cost memory for minutes, not for the life of the silo. Not deactivated from inside a call:
/// concurrent sign-ins queued for it would fail to be forwarded.
/// </summary>
[CollectionAgeLimit(Minutes = 10)]
public sealed class FailureWindowGrain : Grain, IFailureWindowGrain
{
    int _count;
    DateTimeOffset _since;

    Task<int> IFailureWindowGrain.Failures(DateTimeOffset now, TimeSpan window) => Task.FromResult(now - _since < window ? _count : 0);

    Task IFailureWindowGrain.Failed(DateTimeOffset now, TimeSpan window)
    {
        (_count, _since) = now - _since >= window ? (1, now) : (_count + 1, _since);
        return Task.CompletedTask;
    }

    Task IFailureWindowGrain.Reset()
    {
        _count = 0;
        return Task.CompletedTask;
    }
}
