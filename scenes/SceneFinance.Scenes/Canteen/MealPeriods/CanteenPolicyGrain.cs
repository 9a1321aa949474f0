using System.Collections.Concurrent;
using SceneFinance.Grains;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Scenes.Canteen.MealPeriods;

/// <summary>
/// The tenant's canteen rules (key: the tenant id). Tills price their taps from their silo's <see cref="CanteenTermsBook"/>;
/// this grain is where a change is announced: the slices that change a rule (settings, merchants, campaigns) ask it to
/// refresh, which reads the rules into the book of its silo at once (the other silos follow within seconds), and it reads them
/// again every minute. It still answers a till whose silo does not know a merchant yet.
/// </summary>
public sealed class CanteenPolicyGrain(IGrainFactory grains, CanteenTermsBook book) : Grain, ICanteenPolicyGrain
{
    static readonly TimeSpan ReadAgainEvery = TimeSpan.FromMinutes(1);
    readonly ConcurrentDictionary<string, string> _categories = new(); // merchants opened since the last read, asked once

    public override async Task OnActivateAsync(CancellationToken ct)
    {
        await book.Load(TenantId, ct);
        this.RegisterGrainTimer(Load, ReadAgainEvery, ReadAgainEvery);
    }

    string TenantId => this.GetPrimaryKeyString();

    Task Load() => book.Load(TenantId);

    Task ICanteenPolicyGrain.Refresh() => Load();

    async Task<CanteenTapPolicy> ICanteenPolicyGrain.TermsFor(string merchantId, DateTimeOffset occurredAt, bool offline) =>
        book.TermsFor(TenantId, merchantId, occurredAt, offline) ?? book.TermsFor(TenantId, merchantId, await CategoryOf(merchantId), occurredAt, offline);

    /// <summary>A merchant opened since the last read (the tenant's first merchant, opened on first use) is asked once.</summary>
    async Task<string> CategoryOf(string merchantId)
    {
        if (_categories.TryGetValue(merchantId, out var known)) return known;
        var merchant = await grains.GetGrain<IMerchantGrain>(GrainKeys.For(TenantId, merchantId)).Get();
        return merchant is null ? MerchantCategories.Canteen : _categories[merchantId] = merchant.Category;
    }
}
