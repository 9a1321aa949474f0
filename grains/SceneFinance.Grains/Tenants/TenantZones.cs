using SceneFinance.Platform.Time;

namespace SceneFinance.Grains.Tenants;

/// <summary>The platform's view of tenants (the tenant clock, the gateway): the tenant grain, from memory.</summary>
public sealed class TenantDirectory(IGrainFactory grains) : ITenantDirectory
{
    public async Task<TenantFacts?> Find(string tenantId) =>
        await grains.GetGrain<ITenantGrain>(tenantId).GetPaymentPolicy() is { } p ? new TenantFacts(p.Active, p.TimeZone, p.Live) : null;
}
