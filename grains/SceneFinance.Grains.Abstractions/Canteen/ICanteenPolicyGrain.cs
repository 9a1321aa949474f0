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

/// <summary>
/// This silo's copy of the tenants' canteen rules, so a till prices a tap from memory instead of asking the tenant's
/// <see cref="ICanteenPolicyGrain"/> on every tap (a grain call per payment). The canteen module keeps it: loaded when a till
/// activates, known at once on the silo where a rule changed (the policy grain's refresh), on the others within seconds.
/// Without the canteen module nothing is known and a till asks the grain.
/// </summary>
public interface ICanteenTermsBook
{
    /// <summary>The terms from memory; null when this silo does not know the tenant or the merchant yet (ask the grain).</summary>
    CanteenTapPolicy? TermsFor(string tenantId, string merchantId, DateTimeOffset occurredAt, bool offline);

    /// <summary>On a till's activation: loads the tenant's rules the first time on this silo.</summary>
    Task Ensure(string tenantId, CancellationToken ct = default);
}

/// <summary>No canteen module in this host: every till asks the grain.</summary>
public sealed class NoCanteenTermsBook : ICanteenTermsBook
{
    public CanteenTapPolicy? TermsFor(string tenantId, string merchantId, DateTimeOffset occurredAt, bool offline) => null;

    public Task Ensure(string tenantId, CancellationToken ct = default) => Task.CompletedTask;
}
