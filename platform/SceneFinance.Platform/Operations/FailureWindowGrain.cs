namespace SceneFinance.Platform.Operations;

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
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
