using System.Security.Claims;
using Microsoft.Extensions.Logging;

namespace SceneFinance.AdminUi.Live;

/// <summary>
/// Live figures inside this host: a page's circuit follows a scope (<see cref="LiveFigures.Platform"/> or a tenant id)
/// after the same check the hub makes (<see cref="DashboardAccess.GroupOf"/>), and the figures' reader of committed events
/// (<see cref="CommittedPayments"/>, the risk panels' <c>RiskLive</c>) publishes every fresh snapshot of that scope to it. The
/// page re-renders in place; nothing goes through the browser and nothing polls. The SignalR hub stays for clients outside
/// the server (a wall screen).
/// </summary>
public sealed class LiveFeed<T>(Func<string, T> snapshot, LiveLabels labels, ILogger<LiveFeed<T>> log)
{
    readonly Lock _lock = new();
    readonly Dictionary<string, List<Func<T, Task>>> _followers = new();

    /// <summary>
    /// Follows a scope: <paramref name="show"/> receives each snapshot pushed from now on (on the publisher's thread: a page
    /// hands it to its own circuit with <c>InvokeAsync</c>). Dispose the answer to stop. Throws the access check's problem.
    /// </summary>
    public async Task<Following<T>> Follow(ClaimsPrincipal user, string scope, Func<T, Task> show)
    {
        DashboardAccess.GroupOf(user, scope);
        if (scope != LiveFigures.Platform) await labels.Tenant(scope); // its zone, for the chart's minutes
        lock (_lock)
        {
            if (!_followers.TryGetValue(scope, out var list)) _followers[scope] = list = [];
            list.Add(show);
        }
        return new Following<T>(scope, snapshot(scope), () => Unfollow(scope, show));
    }

    void Unfollow(string scope, Func<T, Task> show)
    {
        lock (_lock)
        {
            if (_followers.TryGetValue(scope, out var list) && list.Remove(show) && list.Count == 0) _followers.Remove(scope);
        }
    }

    /// <summary>Hands a snapshot to the scope's followers, all at once; one failing (a circuit gone) is logged and does not hold up the others.</summary>
    public Task Publish(string scope, T snapshot)
    {
        Func<T, Task>[] followers;
        lock (_lock) followers = _followers.TryGetValue(scope, out var list) ? [.. list] : [];
        return followers.Length == 0 ? Task.CompletedTask : Task.WhenAll(followers.Select(show => Deliver(show, scope, snapshot)));
    }

    /// <summary>Whether anyone in this host follows the scope (a reader need not build a snapshot nobody sees).</summary>
    public bool Followed(string scope)
    {
        lock (_lock) return _followers.ContainsKey(scope);
    }

    async Task Deliver(Func<T, Task> show, string scope, T snapshot)
    {
        try
        {
            await show(snapshot);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "A live panel of scope {Scope} could not be updated", scope);
        }
    }
}

/// <summary>A page's following of a scope: the snapshot at the start, and the end of it (dispose).</summary>
public sealed class Following<T>(string scope, T current, Action stop) : IDisposable
{
    public string Scope { get; } = scope;
    public T Current { get; } = current;

    public void Dispose() => stop();
}
