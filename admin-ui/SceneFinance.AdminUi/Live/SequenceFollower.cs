namespace SceneFinance.AdminUi.Live;

/// <summary>
/// Reads a sequence (PostgreSQL's <c>mt_events.seq_id</c>) that becomes visible out of order: numbers are taken
/// when a transaction writes and seen when it commits, so 7 may be visible before 6, and a rolled-back 6 never is.
/// Each number is let through once: a skipped number is a gap, asked for again until it shows up or
/// <see cref="Patience"/> passes (then it was rolled back, or is too late to matter for a live figure).
/// </summary>
public sealed class SequenceFollower(long start, TimeSpan patience)
{
    /// <summary>A jump wider than this is not waited for number by number (a burst of rolled-back batches, a restored database).</summary>
    public const int MaxGap = 10_000;

    readonly Dictionary<long, DateTimeOffset> _gaps = new();

    public TimeSpan Patience { get; } = patience;

    /// <summary>Everything at or below this was seen or is a gap.</summary>
    public long Last { get; private set; } = start;

    /// <summary>The numbers to ask for again besides those above <see cref="Last"/>; old gaps are given up.</summary>
    public long[] Gaps(DateTimeOffset now)
    {
        foreach (var expired in _gaps.Where(g => now - g.Value > Patience).Select(g => g.Key).ToList()) _gaps.Remove(expired);
        return [.. _gaps.Keys];
    }

    /// <summary>Takes one read's numbers (ascending); true for each number seen for the first time.</summary>
    public bool IsNew(long seq, DateTimeOffset now)
    {
        if (seq <= Last) return _gaps.Remove(seq);
        if (seq - Last <= MaxGap)
            for (var missing = Last + 1; missing < seq; missing++) _gaps[missing] = now;
        Last = seq;
        return true;
    }
}
