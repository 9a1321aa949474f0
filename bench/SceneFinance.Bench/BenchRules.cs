using SceneFinance.Grains;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Bench;

/// <summary>
/// Twenty live risk rules of every kind the model has (amount, card, holder and terminal windows, time of day, meal period,
/// merchant category, lists, first use after replacement, terminal hops), set so that a normal canteen tap fires none:
/// the cost measured is evaluating them on every tap, not recording interceptions.
/// </summary>
public static class BenchRules
{
    static RiskCondition W(string scope, string metric, int seconds, long value) => new(RiskAttributes.Window, RiskOps.Gt, value, scope, metric, seconds);

    static readonly RiskRuleDefinition[] Kinds =
    [
        new("Huge tap", RiskActions.Block, [new(RiskAttributes.Amount, RiskOps.Gt, 4_000_000)]),
        new("Card testing", RiskActions.Block, [W(RiskScopes.Card, RiskMetrics.Declines, 600, 50)]),
        new("Card velocity", RiskActions.Block, [W(RiskScopes.Card, RiskMetrics.Count, 120, 500)]),
        new("Holder spend per hour", RiskActions.Review, [W(RiskScopes.Holder, RiskMetrics.Sum, 3600, 900_000_000)]),
        new("Many tills", RiskActions.Block, [W(RiskScopes.Card, RiskMetrics.Terminals, 300, 40)]),
        new("Till burst", RiskActions.Review, [W(RiskScopes.Terminal, RiskMetrics.Count, 10, 100_000)]),
        new("Till sum", RiskActions.Shadow, [W(RiskScopes.Terminal, RiskMetrics.Sum, 3600, 90_000_000_000)]),
        new("Night shop", RiskActions.Review, [new(RiskAttributes.TimeOfDay, From: "02:00", To: "02:01"), new(RiskAttributes.MerchantCategory, Values: [MerchantCategories.Shop])]),
        new("Late night big", RiskActions.Shadow, [new(RiskAttributes.MealPeriod, Values: [MealPeriods.LateNight]), new(RiskAttributes.Amount, RiskOps.Gt, 3_000_000)]),
        new("Watched card", RiskActions.Review, [new(RiskAttributes.List, Scope: RiskListSubjects.Card, Values: [RiskListKinds.Watch])]),
        new("Watched holder", RiskActions.Review, [new(RiskAttributes.List, Scope: RiskListSubjects.Holder, Values: [RiskListKinds.Watch])]),
        new("Watched ID", RiskActions.Review, [new(RiskAttributes.List, Scope: RiskListSubjects.IdNumber, Values: [RiskListKinds.Watch])]),
        new("New card big", RiskActions.Review, [new(RiskAttributes.FirstUseAfterReplacement), new(RiskAttributes.Amount, RiskOps.Gt, 2_000_000)]),
        new("Teleport", RiskActions.Block, [new(RiskAttributes.TerminalHop, RiskOps.Lt, 0)]),
        new("Supermarket big", RiskActions.Shadow, [new(RiskAttributes.MerchantCategory, Values: [MerchantCategories.Supermarket]), new(RiskAttributes.Amount, RiskOps.Gt, 1_000_000)]),
        new("Holder count day", RiskActions.Shadow, [W(RiskScopes.Holder, RiskMetrics.Count, 86_400, 5_000)]),
        new("Card sum 10 min", RiskActions.Block, [W(RiskScopes.Card, RiskMetrics.Sum, 600, 900_000_000)]),
        new("Till declines", RiskActions.Review, [W(RiskScopes.Terminal, RiskMetrics.Declines, 60, 100_000)]),
        new("Hospital at night", RiskActions.Shadow, [new(RiskAttributes.MerchantCategory, Values: [MerchantCategories.Hospital]), new(RiskAttributes.TimeOfDay, From: "03:00", To: "03:01")]),
        new("Breakfast binge", RiskActions.Shadow, [new(RiskAttributes.MealPeriod, Values: [MealPeriods.Breakfast]), W(RiskScopes.Holder, RiskMetrics.Count, 3600, 1_000)]),
    ];

    /// <summary>Drafts <paramref name="count"/> rules as one person, approves them as another, and waits for the silo's book to hold them.</summary>
    public static async Task Activate(IGrainFactory grains, IRiskBook book, string tenantId, int count)
    {
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < count; i++)
        {
            var rule = grains.GetGrain<IRiskRuleGrain>(GrainKeys.For(tenantId, $"rul_bench{i:D2}"));
            var drafted = await rule.Draft(Kinds[i % Kinds.Length] with { Name = $"{Kinds[i % Kinds.Length].Name} {i}" }, "bench-drafter", now);
            if ((await rule.Approve(drafted.Value!.Versions[^1].Version, "bench-approver", now)).Refusal is { } refused)
                throw new InvalidOperationException(refused.Detail);
        }
        await book.Changed(tenantId);
        Console.WriteLine($"  {count} risk rules live (every attribute of the model; a normal tap fires none)");
    }
}
