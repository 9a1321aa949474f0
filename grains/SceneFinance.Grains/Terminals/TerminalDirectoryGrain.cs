using Marten;

namespace SceneFinance.Grains.Terminals;

/// <summary>Which tenant a terminal id belongs to. Key: the terminal id. The answer never changes once known.</summary>
public sealed class TerminalDirectoryGrain(IDocumentStore store) : Grain, ITerminalDirectoryGrain
{
    string? _tenantId;

    async Task<string?> ITerminalDirectoryGrain.TenantOf()
    {
        if (_tenantId is not null) return _tenantId;
        await using var session = store.QuerySession();
        _tenantId = (await session.LoadAsync<TerminalDirectoryEntry>(this.GetPrimaryKeyString()))?.TenantId;
        if (_tenantId is null) DeactivateOnIdle(); // made-up terminal ids from unsigned callers must not pile up in memory
        return _tenantId;
    }
}
