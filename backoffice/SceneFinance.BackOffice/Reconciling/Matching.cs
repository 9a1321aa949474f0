namespace SceneFinance.BackOffice.Reconciling;

/// <summary>What a difference between our record and the other side's is.</summary>
public static class ExceptionKinds
{
    /// <summary>We have it; the channel's statement (or the till's summary) does not.</summary>
    public const string MissingAtChannel = "missing_at_channel";

    /// <summary>The channel (or the till) has it; we do not.</summary>
    public const string MissingHere = "missing_here";

    public const string AmountDiffers = "amount_differs";

    /// <summary>The other side lists the same payment or refund more than once.</summary>
    public const string Duplicate = "duplicate";

    /// <summary>Both sides have it, in different business days (an offline upload after the day, a channel's statement a day early).</summary>
    public const string Late = "late";

    public static readonly string[] All = [MissingAtChannel, MissingHere, AmountDiffers, Duplicate, Late];
}

/// <summary>A payment or refund we recorded in the day (succeeded), with the channel's numbers for it.</summary>
public sealed record OurMovement(string Channel, string Kind, string OrderNo, string? RefundNo, long Amount);

/// <summary>A line of a channel's statement that belongs to the day (see <see cref="Reconciler"/>), and the statement's date.</summary>
public sealed record TheirMovement(string Channel, string Kind, string OrderNo, string? RefundNo, long Amount, DateOnly StatementDay);

/// <summary>A till's totals against ours for one terminal and business day; <see cref="LateCount"/> taps of the day were committed after it.</summary>
public sealed record TillComparison(string TerminalId, int ReportedCount, long ReportedAmount, int RecordedCount, long RecordedAmount, int LateCount, long LateAmount);

/// <summary>One difference found; <see cref="Subject"/> names what differs (an order, a refund, a till's day).</summary>
[GenerateSerializer, Immutable]
public sealed record Difference(
    [property: Id(0)] string Kind, [property: Id(1)] string Source, [property: Id(2)] string Subject, [property: Id(3)] long? Ours,
    [property: Id(4)] long? Theirs, [property: Id(5)] string Detail);

/// <summary>The matching itself: pure, so each rule is tested on its own.</summary>
public static class Matching
{
    /// <summary>
    /// The channel's lines of the day against ours: matched by order (and refund) number. A number listed twice is a duplicate;
    /// ours without a line is missing at the channel, a line without ours missing here; a line dated before the day's first
    /// statement date (<paramref name="firstStatementDay"/>) is late.
    /// </summary>
    public static IReadOnlyList<Difference> Channel(IReadOnlyList<OurMovement> ours, IReadOnlyList<TheirMovement> theirs, DateOnly firstStatementDay)
    {
        var differences = new List<Difference>();
        static string Key(string kind, string orderNo, string? refundNo) => kind == "refund" ? $"refund:{refundNo}" : $"payment:{orderNo}";
        var theirsByKey = theirs.GroupBy(t => Key(t.Kind, t.OrderNo, t.RefundNo)).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var (key, lines) in theirsByKey.Where(g => g.Value.Count > 1))
            differences.Add(new Difference(ExceptionKinds.Duplicate, lines[0].Channel, key, null, lines.Sum(l => l.Amount),
                $"The channel lists {key} {lines.Count} times."));
        var oursByKey = ours.GroupBy(o => Key(o.Kind, o.OrderNo, o.RefundNo)).ToDictionary(g => g.Key, g => g.First());
        foreach (var (key, our) in oursByKey)
        {
            if (!theirsByKey.TryGetValue(key, out var lines))
                differences.Add(new Difference(ExceptionKinds.MissingAtChannel, our.Channel, key, our.Amount, null, $"We recorded {key}; the channel's statement does not list it."));
            else if (lines[0].Amount != our.Amount)
                differences.Add(new Difference(ExceptionKinds.AmountDiffers, our.Channel, key, our.Amount, lines[0].Amount, $"{key}: ours and the channel's amounts differ."));
            else if (lines[0].StatementDay < firstStatementDay)
                differences.Add(new Difference(ExceptionKinds.Late, our.Channel, key, our.Amount, lines[0].Amount,
                    $"The channel settled {key} on {lines[0].StatementDay:yyyy-MM-dd}, before the business day we recorded it in."));
        }
        foreach (var (key, lines) in theirsByKey.Where(t => !oursByKey.ContainsKey(t.Key)))
            differences.Add(new Difference(ExceptionKinds.MissingHere, lines[0].Channel, key, null, lines[0].Amount, $"The channel settled {key}; we have not recorded it."));
        return differences;
    }

    /// <summary>A till's day summary against the taps recorded for it; taps of the day committed after it (uploaded late) explain a difference as late.</summary>
    public static Difference? Till(TillComparison c, DateOnly day)
    {
        var subject = $"{c.TerminalId}:{day:yyyy-MM-dd}";
        if ((c.ReportedCount, c.ReportedAmount) == (c.RecordedCount, c.RecordedAmount)) return null;
        if (c.LateCount > 0 && (c.ReportedCount, c.ReportedAmount) == (c.RecordedCount + c.LateCount, c.RecordedAmount + c.LateAmount))
            return new Difference(ExceptionKinds.Late, c.TerminalId, subject, c.RecordedAmount, c.ReportedAmount,
                $"{c.LateCount} taps of the day ({c.LateAmount} fen) were uploaded after the business day closed; they settle with the next day.");
        var kind = c.ReportedCount > c.RecordedCount + c.LateCount ? ExceptionKinds.MissingHere
            : c.ReportedCount < c.RecordedCount ? ExceptionKinds.MissingAtChannel
            : ExceptionKinds.AmountDiffers;
        return new Difference(kind, c.TerminalId, subject, c.RecordedAmount, c.ReportedAmount,
            $"The till reports {c.ReportedCount} taps ({c.ReportedAmount} fen); we recorded {c.RecordedCount} ({c.RecordedAmount} fen).");
    }
}
