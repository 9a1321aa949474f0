namespace SceneFinance.Payments.Intents;

[GenerateSerializer, Immutable]
public sealed record FulfilIntent(
    [property: Id(0)] string IntentId, [property: Id(1)] string Channel, [property: Id(2)] long Amount,
    [property: Id(3)] IntentPurpose Purpose, [property: Id(4)] DateTimeOffset Now);

[GenerateSerializer, Immutable]
public sealed record FundRefund(
    [property: Id(0)] string RefundId, [property: Id(1)] string IntentId, [property: Id(2)] string Channel,
    [property: Id(3)] long Amount, [property: Id(4)] IntentPurpose Purpose, [property: Id(5)] DateTimeOffset Now);

/// <summary>
/// What a payment pays for: a purse top-up, a bill, a hospital order. The intent calls its fulfilment when the
/// channel confirms the money and when a refund takes it back. Every method is idempotent on the intent or refund id
/// and records its own balanced journal entry against <c>gateway-unapplied:{channel}</c> / <c>refunds-pending:{channel}</c>.
/// </summary>
public interface IIntentFulfilment
{
    /// <summary>The <see cref="IntentPurpose.Kind"/> this fulfils.</summary>
    string Kind { get; }

    /// <summary>Before an intent is created: a refusal when the target does not exist or may not be paid for now.</summary>
    Task<Refusal?> Check(string tenantId, IntentPurpose purpose, long amount);

    /// <summary>Applies the money (once, whatever the number of calls).</summary>
    Task Fulfil(string tenantId, FulfilIntent command);

    /// <summary>Takes the refund's money back from the target (once); a refusal (its code says why) when it cannot.</summary>
    Task<Refusal?> Fund(string tenantId, FundRefund command);

    /// <summary>Gives a failed refund's money back to the target (once).</summary>
    Task Release(string tenantId, FundRefund command);
}
