using System.Diagnostics;
using SceneFinance.Grains;
using SceneFinance.Grains.CardHolders;
using SceneFinance.Grains.Risk;
using SceneFinance.Platform.Idempotency;
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
            var version = (await rule.Get())?.Versions[^1].Version
                ?? (await rule.Draft(Kinds[i % Kinds.Length] with { Name = $"{Kinds[i % Kinds.Length].Name} {i}" }, "bench-drafter", now)).Value!.Versions[^1].Version;
            if ((await rule.Approve(version, "bench-approver", now)).Refusal is { } refused)
                throw new InvalidOperationException(refused.Detail);
        }
        await book.Changed(tenantId);
        Console.WriteLine($"  {count} risk rules live (every attribute of the model; a normal tap fires none)");
    }

    /// <summary>Stops every bench rule (for the runs without rules).</summary>
    public static async Task DisableAll(IGrainFactory grains, IRiskBook book, string tenantId)
    {
        for (var i = 0; i < Kinds.Length; i++) await grains.GetGrain<IRiskRuleGrain>(GrainKeys.For(tenantId, $"rul_bench{i:D2}")).Disable("bench-approver", DateTimeOffset.UtcNow);
        await book.Changed(tenantId);
    }

    /// <summary>
    /// The evaluation alone, without Orleans or PostgreSQL: the holder's side of a tap (the wallet's decision and the 20 rules
    /// on a holder with 20 recent taps) and the terminal's side (its window figures on a till with a day of 20,000 taps), in a
    /// loop on one thread. CPU time per tap; a busy machine stretches it less than it stretches wall-clock rates.
    /// </summary>
    public static void MeasureEvaluation(int taps = 200_000)
    {
        var now = DateTimeOffset.UtcNow;
        var set = new RiskRuleSet("bench", Kinds.Select((k, i) => new LiveRule($"rul_{i}", 1, k)), [("card", "none", "watch")]);
        var holder = new object[]
        {
            new CardHolderRegistered("ch_1", "B1", "Diner", "student", "900000000001", "110105194912310021", null, null, now.AddDays(-1)),
            new CardToppedUp("ch_1", "tu", 10_000_000, "cash", "counter", 10_000_000, 0, now.AddDays(-1), []),
        }.Concat(Enumerable.Range(0, 20).Select(i => (object)new PaymentApproved("ch_1", $"p{i}", $"trm_{i % 3}", 800, 0, 800, 0,
            DateOnly.FromDateTime(now.Date), now.AddMinutes(-i * 30), now, [])))
            .Aggregate((CardHolder?)null, RiskTrail.Following(CardHolder.Fold))!;
        var till = new TerminalTrail();
        for (var i = 20_000; i > 0; i--) till.Add(now.AddSeconds(-i * 4), 700, i % 50 != 0);
        var ticket = IdempotencyTicket.For("bench", "k");

        long Loop(bool rules, int n)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            for (var i = 0; i < n; i++)
            {
                var at = now.AddMilliseconds(i);
                var facts = new TapFacts(new TimeOnly(12, 0), MealPeriods.Lunch, MerchantCategories.Canteen, till.Figures(set.TerminalWindows, at));
                var pay = new Pay("pay", "trm_9", "mch", "900000000001", 800, at, DateOnly.FromDateTime(at.Date), true, true, 0, ticket, at, facts);
                var decided = rules ? RiskGate.Decide(holder, pay, set, "digest", Wallet.Decide(holder, pay)) : Platform.Storage.Decided.To(Wallet.Decide(holder, pay));
                if (decided.Events.Count != 1) throw new InvalidOperationException("a bench rule fired");
            }
            return (long)(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds;
        }
        Loop(true, taps / 10);
        Loop(false, taps / 10);
        var without = Loop(false, taps);
        var with = Loop(true, taps);
        Console.WriteLine($"  evaluation alone: wallet {without / (double)taps:F2} µs per tap, wallet + terminal figures + 20 rules {with / (double)taps:F2} µs per tap (CPU, one thread)");
    }
}
