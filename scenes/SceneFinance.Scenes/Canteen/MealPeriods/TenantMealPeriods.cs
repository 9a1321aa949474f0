using System.Collections.Concurrent;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SceneFinance.Grains;

namespace SceneFinance.Scenes.Canteen.MealPeriods;

/// <summary>
/// The tenant's own meal periods (its canteen settings) for the risk rules' <c>mealPeriod</c> fact, so a rule about lunch
/// means the lunch the canteen's limits and campaigns mean: one source of meal windows. Each silo keeps the windows of the
/// tenants whose terminals are active on it (loaded on activation, <see cref="Ensure"/>); a change is known here at once
/// (<see cref="Know"/>, from the settings slice and the canteen's policy grain) and on the other silos within
/// <see cref="TenantMealPeriodsFollower.Every"/>.
/// </summary>
public sealed class TenantMealPeriods(IDocumentStore store) : ITenantMealPeriods
{
    readonly ConcurrentDictionary<string, IReadOnlyList<MealPeriod>> _periods = new();
    static readonly IReadOnlyList<MealPeriod> Defaults = new CanteenSettings().MealPeriods;

    /// <summary>A tenant not loaded on this silo yet has the canteen's default windows (the same a tenant without settings has).</summary>
    public string PeriodAt(string tenantId, TimeOnly localTime) =>
        _periods.GetValueOrDefault(tenantId, Defaults).FirstOrDefault(p => p.Covers(localTime))?.RiskName() ?? Grains.MealPeriods.None;

    public async Task Ensure(string tenantId, CancellationToken ct = default)
    {
        if (!_periods.ContainsKey(tenantId)) await Load(tenantId, ct);
    }

    public void Know(string tenantId, IReadOnlyList<MealPeriod> periods) => _periods[tenantId] = [.. periods];

    /// <summary>Reads again the windows of every tenant this silo knows, but those <paramref name="readElsewhere"/> (the terms book's read tells them).</summary>
    public async Task Follow(Func<string, bool> readElsewhere, CancellationToken ct)
    {
        foreach (var tenantId in _periods.Keys.Where(t => !readElsewhere(t)).ToList()) await Load(tenantId, ct);
    }

    async Task Load(string tenantId, CancellationToken ct)
    {
        await using var session = store.QuerySession(tenantId);
        Know(tenantId, (await session.LoadAsync<CanteenSettings>(CanteenSettings.DocumentId, ct))?.MealPeriods ?? Defaults);
    }
}

/// <summary>
/// Each silo reads the known tenants' meal periods and canteen rules (<see cref="CanteenTermsBook"/>) again every few seconds
/// (changes are rare; a tap never waits for this).
/// </summary>
public sealed class TenantMealPeriodsFollower(TenantMealPeriods meals, CanteenTermsBook book, ILogger<TenantMealPeriodsFollower> log) : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Every, stop);
                await book.Follow(stop); // its read of a tenant's settings tells the meal periods too
                await meals.Follow(book.Knows, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogWarning(e, "Reading the tenants' meal periods failed; trying again");
            }
        }
    }
}
