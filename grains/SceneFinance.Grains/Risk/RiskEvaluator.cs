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
        // A blacklisted card, holder, terminal or ID number is refused whatever the rules say.
        var black = RiskListSubjects.All.Where(s => (tap.Lists(s) & ListKinds.Black) != 0).ToArray();
        if (black.Length > 0)
            return new RiskVerdict(RiskOutcomes.Blocked,
                [new RiskHit(BlacklistRuleId, "Blacklist", 0, RiskActions.Block, [.. black.Select(s => new TriggerValue($"{s} on [black]", "black"))])]);
        // Someone the risk team trusts (allowlisted) is not second-guessed by rules.
        if (RiskListSubjects.All.Any(s => (tap.Lists(s) & ListKinds.Allow) != 0)) return RiskVerdict.None;

        List<RiskHit>? hits = null;
        foreach (var rule in set.Rules)
            if (Match(rule.Definition, tap) is { } values)
                (hits ??= []).Add(new RiskHit(rule.RuleId, rule.Definition.Name, rule.Version, rule.Definition.Action, values));
        if (hits is null) return RiskVerdict.None;
        var outcome = hits.Any(h => h.Action == RiskActions.Block) ? RiskOutcomes.Blocked
            : hits.Any(h => h.Action == RiskActions.Review) ? RiskOutcomes.Reviewed : RiskOutcomes.Shadow;
        return new RiskVerdict(outcome, [.. hits]);
    }

    /// <summary>The values that made every condition hold, or null when one does not.</summary>
    public static TriggerValue[]? Match(RiskRuleDefinition rule, TapContext tap)
    {
        var values = new TriggerValue[rule.Conditions.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var c = rule.Conditions[i];
            if (Actual(c, tap) is not { } actual) return null;
            values[i] = new TriggerValue(c.Describe(), actual);
        }
        return values;
    }

    /// <summary>What the tap had, when the condition holds; null when it does not.</summary>
    static string? Actual(RiskCondition c, TapContext tap)
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
                return inside ? t.ToString("HH:mm:ss") : null;
            case RiskAttributes.MealPeriod:
                return c.Values!.Contains(tap.Facts.MealPeriod) ? tap.Facts.MealPeriod : null;
            case RiskAttributes.MerchantCategory:
                return c.Values!.Contains(tap.Facts.MerchantCategory) ? tap.Facts.MerchantCategory : null;
            case RiskAttributes.List:
                var on = tap.Lists(c.Scope!);
                var kinds = c.Values!.Where(k => (on & RiskListKinds.Flag(k)) != 0).ToArray();
                return kinds.Length > 0 ? string.Join(", ", kinds) : null;
            case RiskAttributes.FirstUseAfterReplacement:
                return tap.Holder.FirstUseAfterReplacement ? "true" : null;
            case RiskAttributes.TerminalHop:
                return tap.Holder.SecondsSinceOtherTerminal(tap.OccurredAt, tap.TerminalId) is { } seconds ? Compared(c, seconds) : null;
            default:
                return null;
        }
    }

    static string? Compared(RiskCondition c, long actual) => RiskOps.Holds(c.Op!, actual, c.Value!.Value) ? actual.ToString() : null;

    static long Window(RiskCondition c, TapContext tap)
    {
        if (c.Scope != RiskScopes.Terminal)
            return tap.Holder.Figure(c.Scope!, c.Metric!, c.WindowSeconds!.Value, tap.OccurredAt, tap.TerminalId, tap.Amount);
        // The terminal counted its taps before this one; a figure it did not send (its silo had older rules) counts nothing.
        var f = tap.Facts.TerminalWindows.FirstOrDefault(w => w.Seconds == c.WindowSeconds) ?? new WindowFigure(c.WindowSeconds!.Value, 0, 0, 0);
        return RiskTrail.Metric(c.Metric!, f.Count + 1, f.Sum + tap.Amount, f.Declines, 1);
    }
}
