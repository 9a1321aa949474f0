using Marten;
using SceneFinance.Payments.Intents;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Platform.Time;

namespace SceneFinance.Payments.Gateway;

/// <summary>
/// The payment gateway, Stripe-like: payment intents through a channel (WeChat Pay, Alipay, UnionPay, e-CNY),
/// refunds back to the original channel, and each channel's daily statement. Scenes pay for things through this
/// and never talk to a channel themselves; what a payment pays for is an <see cref="IntentPurpose"/> whose
/// <see cref="IIntentFulfilment"/> receives the money exactly once.
/// </summary>
public interface IPaymentGateway
{
    /// <summary>
    /// Creates an intent (idempotent on the request's ticket: the same request replays the first answer, a different one
    /// under the same key is refused <c>idempotency_conflict</c>). The answer carries the channel's QR content.
    /// </summary>
    Task<Outcome<PaymentIntentView>> CreateIntent(string tenantId, CreateIntent command);

    /// <summary>The intent, or null.</summary>
    Task<PaymentIntentView?> Retrieve(string tenantId, string intentId);

    /// <summary>Cancels an unpaid intent (closing the order at the channel).</summary>
    Task<Outcome<PaymentIntentView>> Cancel(string tenantId, string intentId, DateTimeOffset now);

    /// <summary>Refunds part or all of a succeeded intent to its channel; the refunds of an intent never exceed what it captured.</summary>
    Task<Outcome<RefundView>> Refund(string tenantId, string intentId, RefundIntent command);

    /// <summary>Refunds a person asks for on one payment above this many fen in all need a second person (0: none).</summary>
    long RefundApprovalThreshold => 0;

    /// <summary>What the channel says it settled on <paramref name="day"/>.</summary>
    Task<IReadOnlyList<StatementLine>> Statement(string channel, DateOnly day, CancellationToken ct);
}

public sealed class PaymentGateway(
    IGrainFactory grains, IDocumentStore store, ITenantDirectory tenants, ChannelAdapters adapters, IEnumerable<IIntentFulfilment> fulfilments,
    GatewayOptions options) : IPaymentGateway
{
    public long RefundApprovalThreshold => options.RefundApprovalThreshold;

    public async Task<Outcome<PaymentIntentView>> CreateIntent(string tenantId, CreateIntent c)
    {
        var refused = await Refused(tenantId, c);
        if (refused is null) return await Intent(tenantId, PaymentIntentGrain.IdFor(tenantId, c.Ticket)).Create(c with { Live = (await tenants.Find(tenantId))!.Live });
        // A request answered before gets its first answer, even if it would be refused now (the card since reported lost).
        return await StoredOutcomes.Find<PaymentIntentView>(store, tenantId, c.Ticket) ?? refused;
    }

    async Task<Refusal?> Refused(string tenantId, CreateIntent c)
    {
        if (!PaymentChannels.All.Contains(c.Channel)) return Refusal.Invalid("channel", $"channel must be one of: {string.Join(", ", PaymentChannels.All)}.");
        if (fulfilments.FirstOrDefault(f => f.Kind == c.Purpose.Kind) is not { } fulfilment) return Refusal.Invalid("purpose", $"Unknown purpose {c.Purpose.Kind}.");
        if (await tenants.Find(tenantId) is not { } tenant) return Refusal.NotFound("The tenant");
        if (!tenant.Active) return Refusal.Suspended();
        // Live money never meets a simulator: without a real adapter for the channel, nothing is created.
        if (tenant.Live && adapters.Find(c.Channel, live: true) is null) return ChannelNotConfigured(c.Channel);
        return await fulfilment.Check(tenantId, c.Purpose, c.Amount);
    }

    public static Refusal ChannelNotConfigured(string channel) => Refusal.Conflict(
        $"This tenant is live and {channel} has no live credentials configured; online payment through it is not available.", "channel_not_configured");

    public async Task<PaymentIntentView?> Retrieve(string tenantId, string intentId) =>
        IsIntentId(intentId) ? await Intent(tenantId, intentId).Get() : null;

    public async Task<Outcome<PaymentIntentView>> Cancel(string tenantId, string intentId, DateTimeOffset now) =>
        IsIntentId(intentId) ? await Intent(tenantId, intentId).Cancel(now) : Refusal.NotFound("The payment intent");

    public async Task<Outcome<RefundView>> Refund(string tenantId, string intentId, RefundIntent c) =>
        IsIntentId(intentId) ? await Intent(tenantId, intentId).Refund(c) : Refusal.NotFound("The payment intent");

    public Task<IReadOnlyList<StatementLine>> Statement(string channel, DateOnly day, CancellationToken ct) =>
        adapters.Get(channel).Statement(day, ct);

    static bool IsIntentId(string id) => id.StartsWith("pi_", StringComparison.Ordinal);

    IPaymentIntentGrain Intent(string tenantId, string intentId) => grains.GetGrain<IPaymentIntentGrain>(GrainKeys.For(tenantId, intentId));
}
