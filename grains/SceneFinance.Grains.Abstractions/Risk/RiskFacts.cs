using Orleans.Concurrency;

namespace SceneFinance.Grains;

/// <summary>The lists a subject can be on. A blacklisted subject is declined <c>risk_rejected</c>; an allowlisted one skips the rules.</summary>
public static class RiskListKinds
{
    public const string Black = "black", Allow = "allow", Watch = "watch";
    public static readonly string[] All = [Black, Allow, Watch];

    public static ListKinds Flag(string kind) => kind switch { Black => ListKinds.Black, Allow => ListKinds.Allow, Watch => ListKinds.Watch, _ => ListKinds.None };
}

[Flags]
public enum ListKinds { None = 0, Black = 1, Allow = 2, Watch = 4 }

/// <summary>What a list entry names. Cards are kept as their digest (<see cref="CardKeys.Of"/>), ID numbers as a keyed digest.</summary>
public static class RiskListSubjects
{
    public const string Card = "card", Holder = "holder", Terminal = "terminal", IdNumber = "idNumber";
    public static readonly string[] All = [Card, Holder, Terminal, IdNumber];
}

/// <summary>Meal periods as rules name them (the glossary's breakfast, lunch, dinner, late night).</summary>
public static class MealPeriods
{
    public const string Breakfast = "breakfast", Lunch = "lunch", Dinner = "dinner", LateNight = "lateNight", None = "none";
    public static readonly string[] All = [Breakfast, Lunch, Dinner, LateNight, None];
}

/// <summary>
/// The seam to the tenant's meal windows: which meal period a local time of day falls in. Answered from memory: it is asked
/// on every tap. The canteen scene answers it from the tenant's own meal periods (its settings); <see cref="StandardMealPeriods"/>
/// where no canteen is configured.
/// </summary>
public interface ITenantMealPeriods
{
    /// <summary>A <see cref="MealPeriods"/> name; <see cref="MealPeriods.None"/> between meals.</summary>
    string PeriodAt(string tenantId, TimeOnly localTime);

    /// <summary>Before the first <see cref="PeriodAt"/> of a tenant on this silo (a grain's activation, a backtest): loads its windows.</summary>
    Task Ensure(string tenantId, CancellationToken ct = default) => Task.CompletedTask;
}

/// <summary>A canteen's usual windows, the same for every tenant: a stand-in until tenants configure theirs (issue 9).</summary>
public sealed class StandardMealPeriods : ITenantMealPeriods
{
    static readonly (TimeOnly From, TimeOnly To, string Period)[] Windows =
    [
        (new(6, 0), new(9, 30), MealPeriods.Breakfast), (new(10, 30), new(13, 30), MealPeriods.Lunch),
        (new(16, 30), new(19, 30), MealPeriods.Dinner), (new(21, 0), new(23, 59, 59), MealPeriods.LateNight),
    ];

    public string PeriodAt(string tenantId, TimeOnly localTime) =>
        Windows.FirstOrDefault(w => localTime >= w.From && localTime < w.To).Period ?? MealPeriods.None;
}

/// <summary>A terminal's taps in one window before the tap being decided: counted by the terminal, which owns them.</summary>
[GenerateSerializer, Immutable]
public sealed record WindowFigure([property: Id(0)] int Seconds, [property: Id(1)] int Count, [property: Id(2)] long Sum, [property: Id(3)] int Declines);

/// <summary>
/// What the terminal adds to a tap for the risk rules (it knows its merchant, its windows and the tenant's zone); the card
/// holder's grain adds what it knows and decides. Nothing here is read from the database per tap.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TapFacts(
    [property: Id(0)] TimeOnly LocalTime,
    [property: Id(1)] string MealPeriod,
    [property: Id(2)] string MerchantCategory,
    [property: Id(3)] WindowFigure[] TerminalWindows);

/// <summary>A condition's value when a rule fired: what it says and what the tap had.</summary>
[GenerateSerializer, Immutable]
public sealed record TriggerValue([property: Id(0)] string Condition, [property: Id(1)] string Actual);

/// <summary>A rule that fired on a tap: which rule, which version, its action and the values that made it fire.</summary>
[GenerateSerializer, Immutable]
public sealed record RiskHit(
    [property: Id(0)] string RuleId,
    [property: Id(1)] string Name,
    [property: Id(2)] int Version,
    [property: Id(3)] string Action,
    [property: Id(4)] TriggerValue[] Values);

/// <summary>Risk outcomes of a tap (besides none): the strongest action among the rules that fired.</summary>
public static class RiskOutcomes
{
    public const string Blocked = "blocked", Reviewed = "reviewed", Shadow = "shadow";
}
