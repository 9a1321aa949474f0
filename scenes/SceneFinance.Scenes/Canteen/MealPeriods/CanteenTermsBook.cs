using System.Collections.Concurrent;
using Marten;
using SceneFinance.Grains;
using SceneFinance.Platform.Time;
using SceneFinance.Scenes.Canteen.Campaigns;

namespace SceneFinance.Scenes.Canteen.MealPeriods;

/// <summary>
/// This silo's canteen rules per tenant (meal periods, limit rules, offline caps, merchants' categories, running campaigns),
/// so a till prices every tap from memory. The tenant's <see cref="CanteenPolicyGrain"/> reads them on a change (its
/// <c>Refresh</c>) and every minute, and tells this silo at once; each silo reads the tenants it knows again every few seconds
/// (<see cref="TenantMealPeriodsFollower"/>), so a change made on another silo arrives within <see cref="TenantMealPeriodsFollower.Every"/>.
/// </summary>
public sealed class CanteenTermsBook(IDocumentStore store, IGrainFactory grains, TenantMealPeriods meals) : ICanteenTermsBook
{
    readonly ConcurrentDictionary<string, Rules> _rules = new();

    /// <summary>Replaced whole on a read, so a tap always sees one consistent set.</summary>
    sealed record Rules(TimeZoneInfo Zone, CanteenSettings Settings, IReadOnlyList<CampaignListing> Campaigns, IReadOnlyDictionary<string, string> Categories);

    public CanteenTapPolicy? TermsFor(string tenantId, string merchantId, DateTimeOffset occurredAt, bool offline) =>
        _rules.TryGetValue(tenantId, out var rules) && rules.Categories.TryGetValue(merchantId, out var category)
            ? Terms(rules, category, merchantId, occurredAt, offline)
            : null;

    /// <summary>The terms with a category the caller found (a merchant opened since the last read).</summary>
    public CanteenTapPolicy TermsFor(string tenantId, string merchantId, string category, DateTimeOffset occurredAt, bool offline) =>
        Terms(_rules.GetValueOrDefault(tenantId) ?? None, category, merchantId, occurredAt, offline);

    static readonly Rules None = new(Zones.Find(Zones.Default), new CanteenSettings(), [], new Dictionary<string, string>());

    static CanteenTapPolicy Terms(Rules rules, string category, string merchantId, DateTimeOffset occurredAt, bool offline)
    {
        var slot = MealClock.SlotOf(rules.Settings.MealPeriods, new TenantTime(rules.Zone, occurredAt), occurredAt);
        var campaign = offline || slot is null ? null : rules.Campaigns.FirstOrDefault(c =>
            c.MealPeriod == slot.Period && c.From <= slot.Day && slot.Day <= c.To && c.MerchantIds.Contains(merchantId));
        var candidate = campaign is null ? null : new CampaignCandidate(campaign.Id, campaign.Price, campaign.PerHolderDailyCap, campaign.Kinds, campaign.Groups);
        return new CanteenTapPolicy(new CanteenTerms(category, slot, rules.Settings.Limits, candidate), rules.Settings.OfflineTillCap, rules.Settings.OfflineHolderCap);
    }

    public async Task Ensure(string tenantId, CancellationToken ct = default)
    {
        if (!_rules.ContainsKey(tenantId)) await Load(tenantId, ct);
    }

    /// <summary>Reads the tenant's rules now (a change, the policy grain's minute) and knows them on this silo.</summary>
    public async Task Load(string tenantId, CancellationToken ct = default)
    {
        var zone = (await grains.GetGrain<ITenantGrain>(tenantId).GetPaymentPolicy())?.TimeZone ?? Zones.Default;
        await using var session = store.QuerySession(tenantId);
        var settings = await session.LoadAsync<CanteenSettings>(CanteenSettings.DocumentId, ct) ?? new CanteenSettings();
        var campaigns = await session.Query<CampaignListing>().Where(c => c.Status == CampaignListing.Active).ToListAsync(ct);
        var merchants = await session.Query<MerchantListing>().Select(m => new { m.Id, m.Category }).ToListAsync(ct);
        _rules[tenantId] = new Rules(Zones.Find(zone), settings, [.. campaigns], merchants.ToDictionary(m => m.Id, m => m.Category));
        meals.Know(tenantId, settings.MealPeriods); // the risk rules' meal facts from the same read
    }

    public bool Knows(string tenantId) => _rules.ContainsKey(tenantId);

    /// <summary>Reads again the rules of every tenant this silo knows.</summary>
    public async Task Follow(CancellationToken ct)
    {
        foreach (var tenantId in _rules.Keys.ToList()) await Load(tenantId, ct);
    }
}
