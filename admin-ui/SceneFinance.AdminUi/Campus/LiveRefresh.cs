namespace SceneFinance.AdminUi.Campus;

/// <summary>
/// A page's answer to news of a commit (<see cref="Scenes.Campus.CampusNews"/>): its refresh runs through the page's <c>InvokeAsync</c>, at most
/// once per <paramref name="interval"/>, so a burst of commits (a whole grade billed at once) is one refresh, not thousands.
/// </summary>
public sealed class LiveRefresh(Func<Func<Task>, Task> invoke, Func<Task> refresh, TimeSpan interval)
{
    int _pending;

    /// <summary>Something changed: refresh soon (a refresh already waiting covers this news too).</summary>
    public void Changed()
    {
        if (Interlocked.Exchange(ref _pending, 1) == 1) return;
        _ = Run();
    }

    async Task Run()
    {
        await Task.Delay(interval);
        Interlocked.Exchange(ref _pending, 0);
        try
        {
            await invoke(refresh);
        }
        catch (ObjectDisposedException)
        {
            // The page was closed while the refresh waited: there is nobody left to show it to.
        }
    }
}
