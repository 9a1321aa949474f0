using SceneFinance.Grains.CardHolders;

namespace SceneFinance.Grains.Risk;

/// <summary>One tap as the risk windows remember it. <see cref="Card"/> counts the holder's cards (0: the first).</summary>
public readonly record struct TrailTap(DateTimeOffset At, string TerminalId, long Amount, bool Approved, int Card);

/// <summary>
/// The card holder's recent taps for the risk windows, folded from the holder's own payment events (so a reactivated
/// grain, and a backtest reading the stream, see exactly what the live grain saw). Kept for a day, at most
/// <see cref="MaxTaps"/> taps.
/// <para>
/// Immutable to its readers, but not built like the rest of the wallet's state: every tap replaces the holder's state,
/// and whatever a tap allocates for it outlives the young generation, because the grain holds it. Those survivors are
/// what a garbage collection's pause is made of (BENCHMARKS.md). So trails share one array: a trail owns the slots
/// [start, end), and a tap added to the newest trail (a grain's current state) is written into the slot after it, which
/// no older trail reads. A tap added to an older trail (a decision whose commit failed is decided again on the state
/// before it), an offline tap that goes before newer ones, or a full array copies. Not thread-safe for adding: one
/// grain's turns, or one backtest.
/// </para>
/// </summary>
public sealed class RiskTrail
{
    public const int MaxTaps = 256;
    public static readonly TimeSpan Kept = TimeSpan.FromSeconds(RiskCondition.MaxWindowSeconds);
    public static readonly RiskTrail Empty = new(new Slots([]), 0, 0, 0, true);

    /// <summary>The shared array, and how far the newest trail on it has written.</summary>
    sealed class Slots(TrailTap[] taps)
    {
        public readonly TrailTap[] Taps = taps;
        public int Written;
    }

    readonly Slots _slots;
    readonly int _start, _end;

    RiskTrail(Slots slots, int start, int end, int card, bool usedSinceReplacement) =>
        (_slots, _start, _end, Card, UsedSinceReplacement) = (slots, start, end, card, usedSinceReplacement);

    public int Card { get; }
    public bool UsedSinceReplacement { get; }

    /// <summary>The taps kept, oldest first (a copy: the array is shared).</summary>
    public IReadOnlyList<TrailTap> Taps => Live.ToArray();

    ReadOnlySpan<TrailTap> Live => _slots.Taps.AsSpan(_start, _end - _start);

    /// <summary>Wraps the wallet's fold so its state carries the trail (the wallet itself never reads it).</summary>
    public static Func<CardHolder?, object, CardHolder?> Following(Func<CardHolder?, object, CardHolder?> fold) =>
        (state, e) => fold(state, e) is { } next ? next with { Risk = next.Risk.Fold(e) } : null;

    public RiskTrail Fold(object e) => e switch
    {
        PaymentApproved a => Tapped(a.OccurredAt, a.TerminalId, a.Amount, true),
        PaymentDeclined d => Tapped(d.OccurredAt, d.TerminalId, d.Amount, false),
        CardReplaced => new RiskTrail(_slots, _start, _end, Card + 1, false),
        _ => this,
    };

    public RiskTrail Tapped(DateTimeOffset at, string terminalId, long amount, bool approved) =>
        Add(new TrailTap(at, terminalId, amount, approved, Card), approved || UsedSinceReplacement);

    RiskTrail Add(TrailTap tap, bool usedSinceReplacement)
    {
        var kept = Live;
        // Mostly in time order; an offline upload may bring older taps, which go where they belong.
        var index = kept.Length;
        while (index > 0 && kept[index - 1].At > tap.At) index--;
        // The taps with this one in its place, and how many of the oldest fall out.
        TrailTap At(int i) => i < index ? _slots.Taps[_start + i] : i == index ? tap : _slots.Taps[_start + i - 1];
        var count = kept.Length + 1;
        var newest = At(count - 1).At;
        var drop = 0;
        while (drop < count && (count - drop > MaxTaps || newest - At(drop).At > Kept)) drop++;

        if (index == kept.Length && _end == _slots.Written && _end < _slots.Taps.Length)
        {
            _slots.Taps[_end] = tap;
            _slots.Written = _end + 1;
            return new RiskTrail(_slots, _start + drop, _end + 1, Card, usedSinceReplacement);
        }
        var copy = new Slots(new TrailTap[Math.Clamp((count - drop) * 2, 8, MaxTaps * 2)]);
        for (var i = drop; i < count; i++) copy.Taps[i - drop] = At(i);
        copy.Written = count - drop;
        return new RiskTrail(copy, 0, count - drop, Card, usedSinceReplacement);
    }

    public bool FirstUseAfterReplacement => Card > 0 && !UsedSinceReplacement;

    /// <summary>The window's figure for this tap at <paramref name="at"/> (taps in (at − window, at], then this tap added).</summary>
    public long Figure(string scope, string metric, int seconds, DateTimeOffset at, string terminalId, long amount)
    {
        var since = at - TimeSpan.FromSeconds(seconds);
        long count = 1, sum = amount, declines = 0;
        var terminals = metric == RiskMetrics.Terminals ? new HashSet<string> { terminalId } : null;
        var kept = Live;
        for (var i = kept.Length - 1; i >= 0; i--)
        {
            var t = kept[i];
            if (t.At > at) continue;
            if (t.At <= since) break;
            if (scope == RiskScopes.Card && t.Card != Card) continue;
            count++;
            if (t.Approved) sum += t.Amount; else declines++;
            terminals?.Add(t.TerminalId);
        }
        return Metric(metric, count, sum, declines, terminals?.Count ?? 1);
    }

    public static long Metric(string metric, long count, long sum, long declines, long terminals) => metric switch
    {
        RiskMetrics.Count => count, RiskMetrics.Sum => sum, RiskMetrics.Declines => declines, _ => terminals,
    };

    /// <summary>Seconds since the holder's latest earlier tap on another terminal (within the day kept); null when none.</summary>
    public long? SecondsSinceOtherTerminal(DateTimeOffset at, string terminalId)
    {
        var kept = Live;
        for (var i = kept.Length - 1; i >= 0; i--)
        {
            var t = kept[i];
            if (t.At > at || t.TerminalId == terminalId) continue;
            return (long)(at - t.At).TotalSeconds;
        }
        return null;
    }
}

/// <summary>
/// A terminal's recent taps, kept by its grain in memory (a busy till's day would not fit a tap's message): it answers the
/// figures of the windows the tenant's rules use, and learns each tap's outcome when the holder answers. Starts empty when
/// the terminal's grain activates. The hottest till must not pay for its own history: taps are kept in time order with
/// running totals, so a window's figure is two binary searches and a subtraction, whatever its length; old taps are
/// dropped in chunks. At most <see cref="MaxTaps"/> taps are remembered. Not thread-safe: one grain's turns, or one backtest.
/// </summary>
public sealed class TerminalTrail
{
    public const int MaxTaps = 100_000;

    // _at[i] ascending; _count/_sum/_declines[i] are the totals of taps [0, i) (so index 0 holds zeros), from _head on.
    readonly List<DateTimeOffset> _at = [];
    readonly List<long> _sum = [0];
    readonly List<int> _declines = [0];
    int _head;

    int Count => _at.Count - _head;

    public void Add(DateTimeOffset at, long amount, bool approved)
    {
        var approvedFen = approved ? amount : 0;
        var declined = approved ? 0 : 1;
        if (_at.Count == 0 || _at[^1] <= at)
        {
            _at.Add(at);
            _sum.Add(_sum[^1] + approvedFen);
            _declines.Add(_declines[^1] + declined);
        }
        else
        {
            // An offline upload's older tap: inserted where it belongs, the totals after it moved on (rare).
            var index = UpperBound(at);
            _at.Insert(index, at);
            _sum.Insert(index + 1, _sum[index] + approvedFen);
            _declines.Insert(index + 1, _declines[index] + declined);
            for (var i = index + 2; i < _sum.Count; i++) (_sum[i], _declines[i]) = (_sum[i] + approvedFen, _declines[i] + declined);
        }
        var oldest = _at[^1] - RiskTrail.Kept;
        while (_head < _at.Count && (Count > MaxTaps || _at[_head] < oldest)) _head++;
        if (_head > 4096 && _head > _at.Count / 2) Compact();
    }

    void Compact()
    {
        _at.RemoveRange(0, _head);
        _sum.RemoveRange(0, _head);
        _declines.RemoveRange(0, _head);
        _head = 0;
    }

    /// <summary>The first index from <see cref="_head"/> whose time is after <paramref name="at"/>.</summary>
    int UpperBound(DateTimeOffset at)
    {
        int lo = _head, hi = _at.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_at[mid] <= at) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    public WindowFigure[] Figures(IReadOnlyList<int> windows, DateTimeOffset at)
    {
        if (windows.Count == 0) return [];
        var figures = new WindowFigure[windows.Count];
        var end = UpperBound(at);
        for (var w = 0; w < windows.Count; w++)
        {
            var start = UpperBound(at - TimeSpan.FromSeconds(windows[w])); // a tap exactly the window's length ago is outside
            figures[w] = new WindowFigure(windows[w], end - start, _sum[end] - _sum[start], _declines[end] - _declines[start]);
        }
        return figures;
    }
}
