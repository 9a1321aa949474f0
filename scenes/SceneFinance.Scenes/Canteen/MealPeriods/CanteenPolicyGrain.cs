using System.Collections.Concurrent;
using Marten;
using SceneFinance.Grains;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Platform.Time;
using SceneFinance.Scenes.Canteen.Campaigns;

namespace SceneFinance.Scenes.Canteen.MealPeriods;

/// <summary>
/// The tenant's canteen rules in memory (key: the tenant id): every tap asks it, read-only, what its terms are. The slices that
/// change a rule (settings, merchants, campaigns) ask it to refresh; it also reads everything again every minute.
/// </summary>
public sealed class CanteenPolicyGrain(IDocumentStore store, IGrainFactory grains, TenantMealPeriods meals) : Grain, ICanteenPolicyGrain
{
    static readonly TimeSpan ReadAgainEvery = TimeSpan.FromMinutes(1);
    Rules _rules = Rules.None;
    readonly ConcurrentDictionary<string, string> _categories = new();

    /// <summary>Replaced whole on a refresh, so the interleaving reads always see one consistent set.</summary>
    sealed record Rules(TimeZoneInfo Zone, CanteenSettings Settings, IReadOnlyList<CampaignListing> Campaigns)
    {
        public static readonly Rules None = new(Zones.Find(Zones.Default), new CanteenSettings(), []);
    }

    public override async Task OnActivateAsync(CancellationToken ct)
    {
        await Load();
        this.RegisterGrainTimer(Load, ReadAgainEvery, ReadAgainEvery);
    }

    string TenantId => this.GetPrimaryKeyString();

    async Task Load()
    {
        var zone = (await grains.GetGrain<ITenantGrain>(TenantId).GetPaymentPolicy())?.TimeZone ?? Zones.Default;
        await using var session = store.QuerySession(TenantId);
        var settings = await CanteenSettings.Load(session);
        var campaigns = await session.Query<CampaignListing>().Where(c => c.Status == CampaignListing.Active).ToListAsync();
        var merchants = await session.Query<MerchantListing>().Select(m => new { m.Id, m.Category }).ToListAsync();
        _categories.Clear();
        foreach (var m in merchants) _categories[m.Id] = m.Category;
        _rules = new Rules(Zones.Find(zone), settings, [.. campaigns]);
        meals.Know(TenantId, settings.MealPeriods); // the risk rules' meal facts on this silo at once (the others follow)
    }

    Task ICanteenPolicyGrain.Refresh() => Load();

    async Task<CanteenTapPolicy> ICanteenPolicyGrain.TermsFor(string merchantId, DateTimeOffset occurredAt, bool offline)
    {
        var rules = _rules;
        var slot = MealClock.SlotOf(rules.Settings.MealPeriods, new TenantTime(rules.Zone, occurredAt), occurredAt);
        var category = await CategoryOf(merchantId);
        var campaign = offline || slot is null ? null : rules.Campaigns.FirstOrDefault(c =>
            c.MealPeriod == slot.Period && c.From <= slot.Day && slot.Day <= c.To && c.MerchantIds.Contains(merchantId));
        var candidate = campaign is null ? null : new CampaignCandidate(campaign.Id, campaign.Price, campaign.PerHolderDailyCap, campaign.Kinds, campaign.Groups);
        return new CanteenTapPolicy(new CanteenTerms(category, slot, rules.Settings.Limits, candidate), rules.Settings.OfflineTillCap, rules.Settings.OfflineHolderCap);
    }

    /// <summary>A merchant opened since the last read (the tenant's first merchant, opened on first use) is asked once.</summary>
    async Task<string> CategoryOf(string merchantId)
    {
        if (_categories.TryGetValue(merchantId, out var known)) return known;
        var merchant = await grains.GetGrain<IMerchantGrain>(GrainKeys.For(TenantId, merchantId)).Get();
        return merchant is null ? MerchantCategories.Canteen : _categories[merchantId] = merchant.Category;
    }
}
