namespace SceneFinance.Grains;

/// <summary>What a till's tap needs from the tenant's canteen rules: the wallet's terms, and the offline caps a till may accept up to.</summary>
[GenerateSerializer, Immutable]
public sealed record CanteenTapPolicy(
    [property: Id(0)] CanteenTerms Terms,
    [property: Id(1)] long OfflineTillCap,
    [property: Id(2)] long OfflineHolderCap);

/// <summary>
/// A tenant's canteen rules for taps (key: the tenant id): meal periods, limit rules, offline caps, merchants' categories and
/// the campaigns running. Read by every tap from memory (so it is read-only and interleaves); the slices that change a rule
/// ask it to <see cref="Refresh"/>.
/// </summary>
public interface ICanteenPolicyGrain : IGrainWithStringKey
{
    /// <summary>The terms of a tap at a merchant's till at <paramref name="occurredAt"/>; offline taps are never campaign-priced.</summary>
    [Orleans.Concurrency.ReadOnly] Task<CanteenTapPolicy> TermsFor(string merchantId, DateTimeOffset occurredAt, bool offline);

    /// <summary>Reads the rules again (after a slice changed them).</summary>
    Task Refresh();
}
