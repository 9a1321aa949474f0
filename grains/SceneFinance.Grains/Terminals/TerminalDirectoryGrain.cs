using SceneFinance.Platform.Storage;
using Marten;

namespace SceneFinance.Grains.Terminals;

/// <summary>Which tenant a terminal id belongs to. Key: the terminal id. The answer never changes once known.</summary>
public sealed class TerminalDirectoryGrain(IDocumentStore store) : Grain, ITerminalDirectoryGrain
{
    string? _tenantId;
    Orleans.Runtime.IGrainTimer? _forget; // a made-up id leaves memory a little later (UnknownIds)

    async Task<string?> ITerminalDirectoryGrain.TenantOf()
    {
        if (_tenantId is not null) return _tenantId;
        await using var session = store.QuerySession();
        _tenantId = (await session.LoadAsync<TerminalDirectoryEntry>(this.GetPrimaryKeyString()))?.TenantId;
        if (_tenantId is null) _forget = this.ForgetLater(_forget, () => _tenantId is null); // made-up terminal ids from unsigned callers must not pile up in memory
        return _tenantId;
    }
}
