namespace SceneFinance.Platform.Storage;

/// <summary>
/// A grain asked about an id with nothing stored (a made-up id, a typo) leaves memory a little later, not at once. Deactivating
/// at once made the calls already queued for it fail ("Forwarding failed ... DeactivateOnIdle was called", a 500) when several
/// arrived together; lingering a while answers them all <c>not found</c> and still keeps made-up ids from piling up.
/// </summary>
public static class UnknownIds
{
    public static readonly TimeSpan Linger = TimeSpan.FromSeconds(30);

    /// <summary>Once per activation: after <see cref="Linger"/>, deactivates the grain if its id is <paramref name="stillUnknown"/>.</summary>
    /// <returns>The timer, kept by the grain so a second unknown call starts none.</returns>
    public static Orleans.Runtime.IGrainTimer ForgetLater(this IGrainBase grain, Orleans.Runtime.IGrainTimer? pending, Func<bool> stillUnknown) =>
        pending ?? grain.RegisterGrainTimer(() =>
        {
            if (stillUnknown()) grain.DeactivateOnIdle();
            return Task.CompletedTask;
        }, Linger, Timeout.InfiniteTimeSpan);
}
