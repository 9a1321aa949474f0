using SceneFinance.Grains;
using SceneFinance.Platform;

namespace SceneFinance.AdminUi.Risk;

/// <summary>One condition as the rule form edits it: text fields, amounts in yuan; turned into the rule model's condition.</summary>
public sealed class ConditionRow
{
    public string Attribute { get; set; } = RiskAttributes.Amount;
    public string Op { get; set; } = RiskOps.Gt;
    public string Value { get; set; } = "";
    public string Scope { get; set; } = RiskScopes.Card;
    public string Metric { get; set; } = RiskMetrics.Count;
    public string WindowSeconds { get; set; } = "120";
    public string Values { get; set; } = "";
    public string From { get; set; } = "22:00";
    public string To { get; set; } = "06:00";

    /// <summary>Amounts (an amount, a window's sum) are yuan in the form and fen in the model.</summary>
    bool InYuan => Attribute == RiskAttributes.Amount || Attribute == RiskAttributes.Window && Metric == RiskMetrics.Sum;

    public RiskCondition ToCondition() => new(
        Attribute, Op,
        InYuan ? Money.ParseYuan(Value) : long.TryParse(Value, out var n) ? n : (long?)null,
        Attribute == RiskAttributes.List ? Scope : Attribute == RiskAttributes.Window ? Scope : null,
        Attribute == RiskAttributes.Window ? Metric : null,
        Attribute == RiskAttributes.Window && int.TryParse(WindowSeconds, out var w) ? w : null,
        Values.Split([',', '，', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } v ? v : null,
        Attribute == RiskAttributes.TimeOfDay ? From : null,
        Attribute == RiskAttributes.TimeOfDay ? To : null);

    public static ConditionRow Of(RiskCondition c)
    {
        var row = new ConditionRow { Attribute = c.Attribute, Op = c.Op ?? RiskOps.Gt, Scope = c.Scope ?? RiskScopes.Card, Metric = c.Metric ?? RiskMetrics.Count };
        row.Value = c.Value is { } v ? (row.InYuan ? Money.Yuan(v) : v.ToString()) : "";
        row.WindowSeconds = c.WindowSeconds?.ToString() ?? "120";
        row.Values = string.Join(",", c.Values ?? []);
        (row.From, row.To) = (c.From ?? "22:00", c.To ?? "06:00");
        return row;
    }

    /// <summary>Which inputs the attribute uses.</summary>
    public bool Uses(string input) => (Attribute, input) switch
    {
        (RiskAttributes.Amount or RiskAttributes.TerminalHop, "op" or "value") => true,
        (RiskAttributes.Window, "op" or "value" or "scope" or "metric" or "window") => true,
        (RiskAttributes.TimeOfDay, "from" or "to") => true,
        (RiskAttributes.MealPeriod or RiskAttributes.MerchantCategory, "values") => true,
        (RiskAttributes.List, "subject" or "values") => true,
        _ => false,
    };
}
