using System.Security.Cryptography;
using System.Text;

namespace SceneFinance.Platform.Operations;

/// <summary>
/// Failures counted per key across the cluster (one activation per key, whichever silo a request reached): a sign-in
/// throttle holds the same count behind a balancer as on one host. The window starts at the first failure; a failure after
/// it has passed starts a new one. Kept in memory: a silo's crash forgets its counts, which only ever lets a guesser in sooner.
/// </summary>
public interface IFailureWindowGrain : IGrainWithStringKey
{
    /// <summary>Failures in the current window (0 once it has passed).</summary>
    Task<int> Failures(DateTimeOffset now, TimeSpan window);

    Task Failed(DateTimeOffset now, TimeSpan window);

    Task Reset();
}

public static class FailureWindows
{
    /// <summary>The grain for <paramref name="key"/> (a username and an address): keys are digests, so no grain id names a person.</summary>
    public static IFailureWindowGrain For(this IGrainFactory grains, string purpose, string key) =>
        grains.GetGrain<IFailureWindowGrain>(purpose + "/" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)), 0, 16));
}
