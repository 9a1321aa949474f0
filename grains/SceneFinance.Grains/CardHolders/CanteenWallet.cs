using System.Collections.Immutable;

namespace SceneFinance.Grains.CardHolders;

/// <summary>
/// A subsidy program's purse in the holder's wallet, with the rules it was granted under: spendable until <see cref="ExpiresAt"/>
/// (null: until the program ends), at merchants of <see cref="Categories"/> and in <see cref="MealPeriods"/> (empty: anywhere, any time).
/// </summary>
public sealed record SubsidyPurse(
    string Key, string ProgramId, string PeriodKey, long Balance, DateTimeOffset? ExpiresAt,
    IReadOnlyList<string> Categories, IReadOnlyList<string> MealPeriods)
{
    public bool SpendableAt(string? category, string? mealPeriod, DateTimeOffset at) =>
        Balance > 0
        && (ExpiresAt is null || at < ExpiresAt)
        && (Categories.Count == 0 || (category is not null && Categories.Contains(category)))
        && (MealPeriods.Count == 0 || (mealPeriod is not null && MealPeriods.Contains(mealPeriod)));
}

/// <summary>What a holder spent in one meal (day and period): amount and taps, for the per-meal limits.</summary>
public readonly record struct MealUse(long Amount, int Taps);

/// <summary>
/// The canteen's part of the wallet state: program purses, the grants made (a program's period is credited once, ever),
/// arrears, per-meal and per-campaign use of the last <see cref="CardHolder.DaysKept"/> days, refunds per payment, and the
/// holder's own limits. Immutable, evolved by <see cref="CardHolder.Fold"/>.
/// </summary>
public sealed record CanteenWallet(
    ImmutableSortedDictionary<string, SubsidyPurse> Purses,
    ImmutableHashSet<string> Grants,
    long Arrears,
    ImmutableSortedDictionary<(DateOnly Day, string Period), MealUse> Meals,
    ImmutableSortedDictionary<(DateOnly Day, string Campaign), int> CampaignUses,
    ImmutableDictionary<string, long> Refunded,
    string? Group = null, long? PerMealAmount = null, int? PerMealTaps = null, long? OfflineCap = null)
{
    public static readonly CanteenWallet Empty = new(
        ImmutableSortedDictionary<string, SubsidyPurse>.Empty, ImmutableHashSet<string>.Empty, 0,
        ImmutableSortedDictionary<(DateOnly, string), MealUse>.Empty, ImmutableSortedDictionary<(DateOnly, string), int>.Empty,
        ImmutableDictionary<string, long>.Empty);

    public long ProgramSubsidy => Purses.Values.Sum(p => p.Balance);

    public static string GrantKey(string programId, string periodKey) => $"{programId}|{periodKey}";

    /// <summary>
    /// The latest meal with a tap; earlier meals are in <see cref="Meals"/>. The same meal's next tap then changes no collection
    /// (why that matters: <see cref="CardHolder.LatestDay"/>).
    /// </summary>
    public ((DateOnly Day, string Period) Meal, MealUse Use)? LatestMeal { get; init; }

    public MealUse MealOf(MealSlot slot) => MealOf((slot.Day, slot.Period));

    MealUse MealOf((DateOnly Day, string Period) meal) => LatestMeal is { } latest && latest.Meal == meal ? latest.Use : Meals.GetValueOrDefault(meal);

    bool Knows((DateOnly Day, string Period) meal) => LatestMeal?.Meal == meal || Meals.ContainsKey(meal);

    CanteenWallet WithMeal((DateOnly Day, string Period) meal, MealUse use, int daysKept)
    {
        if (LatestMeal is not { } latest || latest.Meal == meal) return this with { LatestMeal = (meal, use) };
        if (meal.Day < latest.Meal.Day) return this with { Meals = Pruned(Meals.SetItem(meal, use), latest.Meal.Day, daysKept) };
        return this with { Meals = Pruned(Meals.SetItem(latest.Meal, latest.Use), meal.Day, daysKept), LatestMeal = (meal, use) };
    }

    public int CampaignUsesOn(DateOnly day, string campaignId) => CampaignUses.GetValueOrDefault((day, campaignId));

    public CanteenWallet Granted(SubsidyGranted e) => this with
    {
        Grants = Grants.Add(GrantKey(e.ProgramId, e.PeriodKey)),
        Purses = Purses.SetItem(e.PurseKey, Purses.TryGetValue(e.PurseKey, out var p)
            ? p with { Balance = p.Balance + e.Amount, PeriodKey = e.PeriodKey, ExpiresAt = e.ExpiresAt, Categories = e.Categories, MealPeriods = e.MealPeriods }
            : new SubsidyPurse(e.PurseKey, e.ProgramId, e.PeriodKey, e.Amount, e.ExpiresAt, e.Categories, e.MealPeriods)),
    };

    /// <summary>Takes from (negative: gives back to) a program's purse.</summary>
    public CanteenWallet Take(PursePart part) => part.Purse != PursePart.Program || part.PurseKey is null || !Purses.TryGetValue(part.PurseKey, out var p)
        ? this
        : this with { Purses = Purses.SetItem(part.PurseKey, p with { Balance = p.Balance - part.Amount }) };

    public CanteenWallet GiveBack(PursePart part) => Take(part with { Amount = -part.Amount });

    public CanteenWallet Spent(PaymentApproved e, int daysKept)
    {
        var next = (e.Parts ?? []).Aggregate(this, (w, part) => w.Take(part));
        if (e.Shortfall != 0) next = next with { Arrears = Arrears + e.Shortfall }; // most taps change nothing here: keep the same wallet
        if (e.Meal is { } meal)
        {
            var use = MealOf(meal);
            next = next.WithMeal((meal.Day, meal.Period), new MealUse(use.Amount + e.HolderPaid, use.Taps + 1), daysKept);
        }
        if (e.CampaignId is { } campaign)
        {
            var uses = next.CampaignUses.SetItem((e.LocalDay, campaign), CampaignUsesOn(e.LocalDay, campaign) + 1);
            next = next with { CampaignUses = Pruned(uses, uses.Keys.Max(k => k.Day), daysKept) };
        }
        return next;
    }

    public CanteenWallet Refund(PaymentRefunded e)
    {
        var next = e.ToPurses.Aggregate(this, (w, part) => w.GiveBack(part)) with
        {
            Arrears = Arrears - e.ArrearsCleared,
            Refunded = Refunded.SetItem(e.PaymentId, Refunded.GetValueOrDefault(e.PaymentId) + e.Amount),
        };
        if (e.Kind != RefundPayment.Void) return next;
        // A voided tap never happened for the limits: its meal's tap and its campaign use are given back too.
        if (e.Meal is { } meal && next.Knows((meal.Day, meal.Period)) && next.MealOf(meal) is var use)
            next = next.WithMeal((meal.Day, meal.Period), new MealUse(Math.Max(0, use.Amount - e.HolderPart), Math.Max(0, use.Taps - 1)), CardHolder.DaysKept);
        if (e.CampaignId is { } campaign && next.CampaignUses.TryGetValue((e.PaymentDay, campaign), out var uses))
            next = next with { CampaignUses = next.CampaignUses.SetItem((e.PaymentDay, campaign), Math.Max(0, uses - 1)) };
        return next;
    }

    static ImmutableSortedDictionary<(DateOnly Day, string Key), T> Pruned<T>(ImmutableSortedDictionary<(DateOnly Day, string Key), T> byDay, DateOnly latest, int daysKept) =>
        CardHolder.Pruned(byDay, k => k.Day, latest, daysKept);
}
