namespace SceneFinance.Grains.CardHolders;

/// <summary>The limits a holder's tap must stay within, resolved field by field: the holder's own, then its group's rule, its kind's, everyone's. Pure.</summary>
public sealed record EffectiveLimits(long? Daily, long? PerMealAmount, int? PerMealTaps)
{
    public static EffectiveLimits Of(CardHolder s, IReadOnlyList<LimitRule> rules)
    {
        // The most specific rule first: a group (a grade, a department), then the holder's kind, then everyone.
        var matching = new[] { s.Canteen.Group is { } g ? $"group:{g}" : null, $"kind:{s.Kind}", "all" }
            .OfType<string>()
            .SelectMany(target => rules.Where(r => string.Equals(r.Target, target, StringComparison.Ordinal)))
            .ToList();
        return new EffectiveLimits(
            s.DailyLimit ?? matching.Select(r => r.DailyAmount).FirstOrDefault(v => v is not null),
            s.Canteen.PerMealAmount ?? matching.Select(r => r.PerMealAmount).FirstOrDefault(v => v is not null),
            s.Canteen.PerMealTaps ?? matching.Select(r => r.PerMealTaps).FirstOrDefault(v => v is not null));
    }

    /// <summary>Whether paying <paramref name="holderPays"/> on <paramref name="day"/> (in <paramref name="meal"/>) would go beyond a limit.</summary>
    public bool Exceeded(CardHolder s, DateOnly day, MealSlot? meal, long holderPays)
    {
        if (Daily is { } daily && s.SpentOn(day) + holderPays > daily) return true;
        if (meal is null) return false;
        var use = s.Canteen.MealOf(meal);
        return (PerMealAmount is { } perMeal && use.Amount + holderPays > perMeal) || (PerMealTaps is { } taps && use.Taps + 1 > taps);
    }
}
