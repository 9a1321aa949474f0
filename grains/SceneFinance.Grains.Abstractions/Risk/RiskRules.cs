using System.Globalization;
using Orleans.Concurrency;
using SceneFinance.Platform.Problems;

namespace SceneFinance.Grains;

/// <summary>What a rule does when all its conditions hold.</summary>
public static class RiskActions
{
    /// <summary>Decline the tap with <c>risk_rejected</c>.</summary>
    public const string Block = "block";

    /// <summary>Approve the tap (if the wallet does) and open a case.</summary>
    public const string Review = "review";

    /// <summary>Record only what the rule would have done.</summary>
    public const string Shadow = "shadow";

    public static readonly string[] All = [Block, Review, Shadow];
}

/// <summary>The attributes a condition may look at (the rule model's whole vocabulary).</summary>
public static class RiskAttributes
{
    public const string Amount = "amount";                                     // op, value (fen)
    public const string Window = "window";                                     // scope, metric, windowSeconds, op, value
    public const string TimeOfDay = "timeOfDay";                               // from, to ("HH:mm", local; wraps past midnight)
    public const string MealPeriod = "mealPeriod";                             // values
    public const string MerchantCategory = "merchantCategory";                 // values
    public const string List = "list";                                         // scope (subject), values (list kinds)
    public const string FirstUseAfterReplacement = "firstUseAfterReplacement"; // nothing
    public const string TerminalHop = "terminalHop";                           // op, value (seconds since a tap on another terminal)

    public static readonly string[] All = [Amount, Window, TimeOfDay, MealPeriod, MerchantCategory, List, FirstUseAfterReplacement, TerminalHop];
}

public static class RiskOps
{
    public const string Gt = "gt", Gte = "gte", Lt = "lt", Lte = "lte", Eq = "eq";
    public static readonly string[] All = [Gt, Gte, Lt, Lte, Eq];

    public static bool Holds(string op, long actual, long value) => op switch
    {
        Gt => actual > value, Gte => actual >= value, Lt => actual < value, Lte => actual <= value, Eq => actual == value, _ => false,
    };

    public static string Symbol(string op) => op switch { Gt => ">", Gte => "≥", Lt => "<", Lte => "≤", _ => "=" };
}

/// <summary>Whose taps a window counts (card: since the card was issued; holder: all the holder's cards).</summary>
public static class RiskScopes
{
    public const string Card = "card", Holder = "holder", Terminal = "terminal";
    public static readonly string[] All = [Card, Holder, Terminal];
}

/// <summary>What a window adds up. Counts include the tap being decided; sums add its amount.</summary>
public static class RiskMetrics
{
    /// <summary>Taps (approved or declined).</summary>
    public const string Count = "count";

    /// <summary>Approved fen, plus this tap's amount.</summary>
    public const string Sum = "sum";

    /// <summary>Declined taps before this one.</summary>
    public const string Declines = "declines";

    /// <summary>Different terminals, this one included (card and holder scopes).</summary>
    public const string Terminals = "terminals";

    public static readonly string[] All = [Count, Sum, Declines, Terminals];
}

/// <summary>
/// One condition of a rule. Which fields matter depends on <see cref="Attribute"/> (see <see cref="RiskAttributes"/>); a rule
/// holds when all its conditions hold. Stored as data, never compiled to code.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RiskCondition(
    [property: Id(0)] string Attribute,
    [property: Id(1)] string? Op = null,
    [property: Id(2)] long? Value = null,
    [property: Id(3)] string? Scope = null,
    [property: Id(4)] string? Metric = null,
    [property: Id(5)] int? WindowSeconds = null,
    [property: Id(6)] string[]? Values = null,
    [property: Id(7)] string? From = null,
    [property: Id(8)] string? To = null)
{
    public const int MaxWindowSeconds = 24 * 3600;

    /// <summary>How the condition reads in an explanation ("window(card,count,120s) > 5").</summary>
    public string Describe() => Attribute switch
    {
        RiskAttributes.Amount => $"amount {RiskOps.Symbol(Op!)} {Value}",
        RiskAttributes.Window => $"window({Scope},{Metric},{WindowSeconds}s) {RiskOps.Symbol(Op!)} {Value}",
        RiskAttributes.TimeOfDay => $"timeOfDay in [{From}, {To})",
        RiskAttributes.MealPeriod or RiskAttributes.MerchantCategory => $"{Attribute} in [{string.Join(", ", Values ?? [])}]",
        RiskAttributes.List => $"{Scope} on [{string.Join(", ", Values ?? [])}]",
        RiskAttributes.TerminalHop => $"terminalHop {RiskOps.Symbol(Op!)} {Value}s",
        _ => Attribute,
    };

    public static bool TryTime(string? text, out TimeOnly time) =>
        TimeOnly.TryParseExact(text ?? "", "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
}

/// <summary>A rule as data: a name, an action and its conditions (all must hold).</summary>
[GenerateSerializer, Immutable]
public sealed record RiskRuleDefinition(
    [property: Id(0)] string Name,
    [property: Id(1)] string Action,
    [property: Id(2)] RiskCondition[] Conditions)
{
    public const int MaxConditions = 8;

    /// <summary>Checks the definition as the API receives it; field names as in the request (<c>conditions[0].value</c>).</summary>
    public static Validation Validate(Validation v, RiskRuleDefinition? d, string prefix = "")
    {
        v.Require(d is not null, prefix + "name", "A rule needs a name, an action and conditions.");
        if (d is null) return v;
        v.Text(d.Name, prefix + "name", 100).OneOf(d.Action, prefix + "action", RiskActions.All)
            .Require(d.Conditions is { Length: > 0 and <= MaxConditions }, prefix + "conditions", $"conditions must hold 1 to {MaxConditions} conditions.");
        for (var i = 0; i < (d.Conditions?.Length ?? 0); i++) Check(v, d.Conditions![i], $"{prefix}conditions[{i}].");
        return v;
    }

    static void Check(Validation v, RiskCondition? c, string at)
    {
        v.Require(c is not null && RiskAttributes.All.Contains(c.Attribute), at + "attribute", "attribute must be one of " + string.Join(", ", RiskAttributes.All) + ".");
        if (c is null) return;
        bool Compared() => RiskOps.All.Contains(c.Op) && c.Value is >= 0;
        bool In(string[] allowed) => c.Values is { Length: > 0 } values && values.All(allowed.Contains);
        switch (c.Attribute)
        {
            case RiskAttributes.Amount or RiskAttributes.TerminalHop:
                v.Require(Compared(), at + "value", "op must be gt, gte, lt, lte or eq, and value a whole number ≥ 0.");
                break;
            case RiskAttributes.Window:
                v.Require(Compared(), at + "value", "op must be gt, gte, lt, lte or eq, and value a whole number ≥ 0.")
                    .OneOf(c.Scope, at + "scope", RiskScopes.All).OneOf(c.Metric, at + "metric", RiskMetrics.All)
                    .Require(c.WindowSeconds is >= 1 and <= RiskCondition.MaxWindowSeconds, at + "windowSeconds", "windowSeconds must be 1 to 86400.")
                    .Require(!(c.Scope == RiskScopes.Terminal && c.Metric == RiskMetrics.Terminals), at + "metric", "A terminal's window cannot count terminals.");
                break;
            case RiskAttributes.TimeOfDay:
                v.Require(RiskCondition.TryTime(c.From, out var from) && RiskCondition.TryTime(c.To, out var to) && from != to, at + "from",
                    "from and to must be two different times HH:mm.");
                break;
            case RiskAttributes.MealPeriod:
                v.Require(In(MealPeriods.All), at + "values", "values must name meal periods: " + string.Join(", ", MealPeriods.All) + ".");
                break;
            case RiskAttributes.MerchantCategory:
                v.Require(In(MerchantCategories.All), at + "values", "values must name merchant categories: " + string.Join(", ", MerchantCategories.All) + ".");
                break;
            case RiskAttributes.List:
                v.OneOf(c.Scope, at + "scope", RiskListSubjects.All)
                    .Require(In(RiskListKinds.All), at + "values", "values must name lists: black, allow, watch.");
                break;
        }
    }
}
