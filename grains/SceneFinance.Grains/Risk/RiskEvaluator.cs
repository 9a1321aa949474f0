namespace SceneFinance.Grains.Risk;

/// <summary>Everything the rules may look at for one tap: the tap, the terminal's facts, the holder's trail and the lists.</summary>
public sealed record TapContext(
    long Amount, DateTimeOffset OccurredAt, string TerminalId, TapFacts Facts, RiskTrail Holder,
    ListKinds Card, ListKinds HolderLists, ListKinds Terminal, ListKinds IdNumber)
{
    public ListKinds Lists(string subject) => subject switch
    {
        RiskListSubjects.Card => Card, RiskListSubjects.Holder => HolderLists, RiskListSubjects.Terminal => Terminal, _ => IdNumber,
    };
}

/// <summary>What the rules said about a tap: the strongest outcome (null: nothing fired) and every rule that fired.</summary>
public sealed record RiskVerdict(string? Outcome, RiskHit[] Hits)
{
    public static readonly RiskVerdict None = new(null, []);
    public bool Blocks => Outcome == RiskOutcomes.Blocked;
}

/// <summary>
/// The rule model's meaning, as pure functions: the live payment path and the backtest both call these, so a backtest says
/// what the rule does live.
/// </summary>
public static class RiskEvaluator
{
    public const string BlacklistRuleId = "blacklist";

    public static RiskVerdict Evaluate(RiskRuleSet set, TapContext tap)
    {
        var all = tap.Card | tap.HolderLists | tap.Terminal | tap.IdNumber;
        // A blacklisted card, holder, terminal or ID number is refused whatever the rules say.
        if ((all & ListKinds.Black) != 0)
            return new RiskVerdict(RiskOutcomes.Blocked, [new RiskHit(BlacklistRuleId, "Blacklist", 0, RiskActions.Block,
                [.. RiskListSubjects.All.Where(s => (tap.Lists(s) & ListKinds.Black) != 0).Select(s => new TriggerValue($"{s} on [black]", "black"))])]);
        // Someone the risk team trusts (allowlisted) is not second-guessed by rules.
        if ((all & ListKinds.Allow) != 0) return RiskVerdict.None;

        List<RiskHit>? hits = null;
        foreach (var rule in set.Rules)
            if (Match(rule.Definition, tap) is { } values)
                (hits ??= []).Add(new RiskHit(rule.RuleId, rule.Definition.Name, rule.Version, rule.Definition.Action, values));
        if (hits is null) return RiskVerdict.None;
        var outcome = hits.Any(h => h.Action == RiskActions.Block) ? RiskOutcomes.Blocked
            : hits.Any(h => h.Action == RiskActions.Review) ? RiskOutcomes.Reviewed : RiskOutcomes.Shadow;
        return new RiskVerdict(outcome, [.. hits]);
    }

    /// <summary>The values that made every condition hold, or null when one does not (checked first, explained only then: most taps fire nothing).</summary>
    public static TriggerValue[]? Match(RiskRuleDefinition rule, TapContext tap)
    {
        foreach (var c in rule.Conditions)
            if (Actual(c, tap) is null) return null;
        return [.. rule.Conditions.Select(c => new TriggerValue(c.Describe(), Actual(c, tap)!.Value.Text()))];
    }

    /// <summary>What the tap had, when the condition holds (a number, or text); null when it does not.</summary>
    static (long Number, string? Name)? Actual(RiskCondition c, TapContext tap)
    {
        switch (c.Attribute)
        {
            case RiskAttributes.Amount:
                return Compared(c, tap.Amount);
            case RiskAttributes.Window:
                return Compared(c, Window(c, tap));
            case RiskAttributes.TimeOfDay:
                var t = tap.Facts.LocalTime;
                RiskCondition.TryTime(c.From, out var from);
                RiskCondition.TryTime(c.To, out var to);
                var inside = from < to ? t >= from && t < to : t >= from || t < to;
                return inside ? (0, t.ToString("HH:mm:ss")) : null;
            case RiskAttributes.MealPeriod:
                return c.Values!.Contains(tap.Facts.MealPeriod) ? (0, tap.Facts.MealPeriod) : null;
            case RiskAttributes.MerchantCategory:
                return c.Values!.Contains(tap.Facts.MerchantCategory) ? (0, tap.Facts.MerchantCategory) : null;
            case RiskAttributes.List:
                var on = tap.Lists(c.Scope!);
                if (on == ListKinds.None || !c.Values!.Any(k => (on & RiskListKinds.Flag(k)) != 0)) return null;
                return (0, string.Join(", ", c.Values!.Where(k => (on & RiskListKinds.Flag(k)) != 0)));
            case RiskAttributes.FirstUseAfterReplacement:
                return tap.Holder.FirstUseAfterReplacement ? (0, "true") : null;
            case RiskAttributes.TerminalHop:
                return tap.Holder.SecondsSinceOtherTerminal(tap.OccurredAt, tap.TerminalId) is { } seconds ? Compared(c, seconds) : null;
            default:
                return null;
        }
    }

    static string Text(this (long Number, string? Name) actual) => actual.Name ?? actual.Number.ToString();

    static (long, string?)? Compared(RiskCondition c, long actual) => RiskOps.Holds(c.Op!, actual, c.Value!.Value) ? (actual, null) : null;

    static long Window(RiskCondition c, TapContext tap)
    {
        if (c.Scope != RiskScopes.Terminal)
            return tap.Holder.Figure(c.Scope!, c.Metric!, c.WindowSeconds!.Value, tap.OccurredAt, tap.TerminalId, tap.Amount);
        // The terminal counted its taps before this one; a figure it did not send (its silo had older rules) counts nothing.
        var f = tap.Facts.TerminalWindows.FirstOrDefault(w => w.Seconds == c.WindowSeconds) ?? new WindowFigure(c.WindowSeconds!.Value, 0, 0, 0);
        return RiskTrail.Metric(c.Metric!, f.Count + 1, f.Sum + tap.Amount, f.Declines, 1);
    }
}
