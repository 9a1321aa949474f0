using System.Collections.Concurrent;
using SceneFinance.Grains;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Platform.Time;

namespace SceneFinance.AdminUi.Live;

/// <summary>
/// What the live figures say about a tenant or a terminal besides its id: names, kinds (the per-scene ranking) and a
/// tenant's zone (its chart's minutes). Asked of their grains, which answer from memory, once each: names and kinds don't
/// change. The documents behind them are their modules' own.
/// </summary>
public sealed class LiveLabels(IGrainFactory grains, LiveFigures figures)
{
    readonly ConcurrentDictionary<string, (string Name, string Kind)> _tenants = new();
    readonly ConcurrentDictionary<string, (string Name, string Kind)> _terminals = new();

    /// <summary>The tenant's name and scene; its name and zone are handed to the figures. An unknown tenant reads as its id.</summary>
    public async Task<(string Name, string Kind)> Tenant(string tenantId)
    {
        if (_tenants.TryGetValue(tenantId, out var known)) return known;
        if (await grains.GetGrain<ITenantGrain>(tenantId).Get() is not { } tenant) return (tenantId, "?");
        figures.Tenant(tenantId, tenant.Name, Zones.Find(tenant.TimeZone));
        return _tenants[tenantId] = (tenant.Name, tenant.Kind);
    }

    /// <summary>The terminal's name and kind; its name is handed to the figures. An unknown terminal reads as its id.</summary>
    public async Task<(string Name, string Kind)> Terminal(string tenantId, string terminalId)
    {
        if (_terminals.TryGetValue(terminalId, out var known)) return known;
        if (await grains.GetGrain<IMerchantTerminalGrain>(GrainKeys.For(tenantId, terminalId)).Get() is not { } terminal) return (terminalId, "?");
        figures.Terminal(terminalId, terminal.Name);
        return _terminals[terminalId] = (terminal.Name, terminal.Kind);
    }
}
