using SceneFinance.Payments.Intents;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
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
    /// Creates an intent (idempotent on the request's ticket: the same request replays the first answer, a different
    /// one under the same key gets <c>idempotency_conflict</c>). The answer (<c>201</c>) carries the channel's QR content.
    /// </summary>
    Task<Reply> CreateIntent(string tenantId, CreateIntent command);

    /// <summary>The intent, or null.</summary>
    Task<PaymentIntentView?> Retrieve(string tenantId, string intentId);

    /// <summary>Cancels an unpaid intent (closing the order at the channel).</summary>
    Task<PaymentIntentView> Cancel(string tenantId, string intentId, DateTimeOffset now);

    /// <summary>Refunds part or all of a succeeded intent to its channel; the refunds of an intent never exceed what it captured.</summary>
    Task<Reply> Refund(string tenantId, string intentId, RefundIntent command);

    /// <summary>What the channel says it settled on <paramref name="day"/>.</summary>
    Task<IReadOnlyList<StatementLine>> Statement(string channel, DateOnly day, CancellationToken ct);
}

public sealed class PaymentGateway(IGrainFactory grains, ITenantDirectory tenants, ChannelAdapters adapters, IEnumerable<IIntentFulfilment> fulfilments) : IPaymentGateway
{
    public async Task<Reply> CreateIntent(string tenantId, CreateIntent c)
    {
        adapters.Get(c.Channel);
        var fulfilment = fulfilments.FirstOrDefault(f => f.Kind == c.Purpose.Kind) ?? throw ProblemException.Invalid("purpose", $"Unknown purpose {c.Purpose.Kind}.");
        var tenant = await tenants.Find(tenantId) ?? throw ProblemException.NotFound("The tenant");
        if (!tenant.Active) throw ProblemException.Suspended();
        if (await fulfilment.Check(tenantId, c.Purpose, c.Amount) is { } refused) throw refused.ToException();
        return await Intent(tenantId, PaymentIntentGrain.IdFor(tenantId, c.Ticket)).Create(c);
    }

    public async Task<PaymentIntentView?> Retrieve(string tenantId, string intentId) =>
        intentId.StartsWith("pi_", StringComparison.Ordinal) ? await Intent(tenantId, intentId).Get() : null;

    public async Task<PaymentIntentView> Cancel(string tenantId, string intentId, DateTimeOffset now)
    {
        _ = await Retrieve(tenantId, intentId) ?? throw ProblemException.NotFound("The payment intent");
        return await Intent(tenantId, intentId).Cancel(now);
    }

    public async Task<Reply> Refund(string tenantId, string intentId, RefundIntent c)
    {
        _ = await Retrieve(tenantId, intentId) ?? throw ProblemException.NotFound("The payment intent");
        return await Intent(tenantId, intentId).Refund(c);
    }

    public Task<IReadOnlyList<StatementLine>> Statement(string channel, DateOnly day, CancellationToken ct) =>
        adapters.Get(channel).Statement(day, ct);

    IPaymentIntentGrain Intent(string tenantId, string intentId) => grains.GetGrain<IPaymentIntentGrain>(GrainKeys.For(tenantId, intentId));
}
