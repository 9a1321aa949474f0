using System.Collections.Frozen;

namespace SceneFinance.Grains.Risk;

/// <summary>A live rule version as the evaluator uses it.</summary>
public sealed record LiveRule(string RuleId, int Version, RiskRuleDefinition Definition);

/// <summary>
/// What one tenant's taps are checked against: its live rules and the list entries that apply to it (its own and the
/// platform's), immutable, loaded once per silo and replaced whole when a stamp changes. Every grain of the tenant on the
/// silo holds this same object: no tap reads the database for it.
/// </summary>
public sealed class RiskRuleSet
{
    readonly FrozenDictionary<string, ListKinds> _lists;

    public RiskRuleSet(string stamp, IEnumerable<LiveRule> rules, IEnumerable<(string Subject, string Key, string List)> entries)
        : this(stamp, rules, entries
            .GroupBy(e => Key(e.Subject, e.Key))
            .ToFrozenDictionary(g => g.Key, g => g.Aggregate(ListKinds.None, (kinds, e) => kinds | RiskListKinds.Flag(e.List))))
    {
    }

    RiskRuleSet(string stamp, IEnumerable<LiveRule> rules, FrozenDictionary<string, ListKinds> lists)
    {
        Stamp = stamp;
        Rules = [.. rules.OrderBy(r => r.RuleId, StringComparer.Ordinal)];
        _lists = lists;
        TerminalWindows = [.. Rules.SelectMany(r => r.Definition.Conditions)
            .Where(c => c is { Attribute: RiskAttributes.Window, Scope: RiskScopes.Terminal })
            .Select(c => c.WindowSeconds!.Value).Distinct().Order()];
    }

    /// <summary>The same lists with other rules (a backtest's draft alone).</summary>
    public RiskRuleSet WithRules(IEnumerable<LiveRule> rules) => new(Stamp, rules, _lists);

    public static readonly RiskRuleSet Empty = new("", [], []);

    /// <summary>Which change of rules or lists this set was read at (for the tills' offline list and tests).</summary>
    public string Stamp { get; }
    public IReadOnlyList<LiveRule> Rules { get; }

    /// <summary>The windows a terminal must count for these rules (seconds).</summary>
    public IReadOnlyList<int> TerminalWindows { get; }

    public bool HasLists => _lists.Count > 0;
    public bool IsEmpty => Rules.Count == 0 && _lists.Count == 0;

    public ListKinds On(string subject, string? key) => key is null ? ListKinds.None : _lists.GetValueOrDefault(Key(subject, key));

    public IEnumerable<string> Keys(string subject, ListKinds kind) =>
        _lists.Where(e => e.Key.StartsWith(subject + ":", StringComparison.Ordinal) && (e.Value & kind) != 0).Select(e => e.Key[(subject.Length + 1)..]);

    static string Key(string subject, string key) => subject + ":" + key;
}
