namespace SceneFinance.Grains.OfflineTills;

/// <summary>
/// The risk rules' part of the offline list: the cards on the tenant's (and the platform's) blacklists, read from this silo's
/// risk book (<see cref="IRiskBlacklist"/>), the one place blacklists are kept. Its stamp changes with every change of the
/// tenant's rules or lists, so the list grain reconciles this source within seconds of a card being blacklisted or taken off.
/// </summary>
public sealed class RiskBlacklistSource(IRiskBlacklist blacklist) : IOfflineListSource
{
    public IReadOnlyCollection<string> Reasons { get; } = [OfflineListReasons.Blacklisted];

    public async Task<IReadOnlyCollection<ListedCard>> Current(string tenantId, CancellationToken ct) =>
        [.. (await blacklist.BlacklistedCards(tenantId, ct)).CardDigests.Select(card => new ListedCard(card, OfflineListReasons.Blacklisted))];

    public async Task<string?> Stamp(string tenantId, CancellationToken ct) => (await blacklist.BlacklistedCards(tenantId, ct)).Version;
}
