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

    /// <summary>
    /// Whether the tenant may hold withholding agreements through the channel: <c>channel_not_configured</c> for a live tenant without
    /// the channel's live credentials (as online payment is), <c>withholding_not_offered</c> for a channel without agreements.
    /// </summary>
    Task<Refusal?> CheckAgreement(string tenantId, string channel);

    /// <summary>Offers a withholding agreement to the payer (idempotent on the agreement id): where they sign in the wallet app.</summary>
    Task<Outcome<ChannelAgreement>> OfferAgreement(string tenantId, OfferAgreement command);

    /// <summary>Ends an agreement at the channel; debits under it are refused by the channel from then on.</summary>
    Task<Outcome<ChannelAgreement>> TerminateAgreement(string tenantId, string channel, string agreementNo, string reason);

    /// <summary>The channel's agreement number for our agreement id.</summary>
    string? AgreementNo(string channel, string agreementId);
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
        // A debit under an agreement is charged without the payer: only a channel that offers agreements takes one.
        if (c.AgreementNo is not null && adapters.Find(c.Channel, tenant.Live) is not IWithholdingChannel) return WithholdingNotOffered(c.Channel);
        return await fulfilment.Check(tenantId, c.Purpose, c.Amount);
    }

    public static Refusal ChannelNotConfigured(string channel) => Refusal.Conflict(
        $"This tenant is live and {channel} has no live credentials configured; online payment through it is not available.", "channel_not_configured");

    public static Refusal WithholdingNotOffered(string channel) => Refusal.Conflict(
        $"{channel} offers no withholding (password-free debit) agreements here.", "withholding_not_offered");

    public async Task<Refusal?> CheckAgreement(string tenantId, string channel) => (await Withholder(tenantId, channel)).Refusal;

    async Task<(IWithholdingChannel? Channel, bool Live, Refusal? Refusal)> Withholder(string tenantId, string channel)
    {
        if (!PaymentChannels.All.Contains(channel)) return (null, false, Refusal.Invalid("channel", $"channel must be one of: {string.Join(", ", PaymentChannels.All)}."));
        if (await tenants.Find(tenantId) is not { } tenant) return (null, false, Refusal.NotFound("The tenant"));
        if (!tenant.Active) return (null, false, Refusal.Suspended());
        return adapters.Find(channel, tenant.Live) switch
        {
            null => (null, tenant.Live, tenant.Live ? ChannelNotConfigured(channel) : WithholdingNotOffered(channel)),
            IWithholdingChannel w => (w, tenant.Live, null),
            _ => (null, tenant.Live, WithholdingNotOffered(channel)),
        };
    }

    public string? AgreementNo(string channel, string agreementId) => (adapters.Find(channel) as IWithholdingChannel)?.AgreementNo(agreementId);

    public async Task<Outcome<ChannelAgreement>> OfferAgreement(string tenantId, OfferAgreement c)
    {
        var (channel, live, refused) = await Withholder(tenantId, c.Channel);
        if (refused is not null) return refused;
        var agreementNo = channel!.AgreementNo(c.AgreementId);
        // Recorded before the channel hears of it: its notification about this number finds its tenant and holder.
        await using (var session = store.LightweightSession())
        {
            session.Store(new AgreementOwner
            {
                Id = AgreementOwner.Key(c.Channel, agreementNo), TenantId = tenantId, Kind = c.Kind, TargetId = c.TargetId, AgreementId = c.AgreementId, Live = live,
            });
            await session.SaveChangesAsync();
        }
        return await AtChannel(c.Channel, ct => channel.Offer(new ChannelAgreementRequest(agreementNo, c.DisplayAccount), ct));
    }

    public async Task<Outcome<ChannelAgreement>> TerminateAgreement(string tenantId, string channel, string agreementNo, string reason)
    {
        if (!PaymentChannels.All.Contains(channel)) return Refusal.Invalid("channel", $"channel must be one of: {string.Join(", ", PaymentChannels.All)}.");
        var live = (await tenants.Find(tenantId))?.Live ?? false;
        if (adapters.Find(channel, live) is not IWithholdingChannel withholder) return live ? ChannelNotConfigured(channel) : WithholdingNotOffered(channel);
        return await AtChannel(channel, ct => withholder.Terminate(agreementNo, reason, ct));
    }

    async Task<Outcome<ChannelAgreement>> AtChannel(string channel, Func<CancellationToken, Task<ChannelAgreement>> call)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(options.ChannelTimeoutSeconds));
        try
        {
            return await call(timeout.Token);
        }
        catch (Exception e) when (e is ChannelTimeoutException || (e is OperationCanceledException && timeout.IsCancellationRequested))
        {
            return Refusal.Unavailable("channel_unavailable", $"{channel} did not answer; try again shortly.");
        }
        catch (ChannelRejectedException e)
        {
            return Refusal.Conflict($"{channel} refused: {e.Code}.", "channel_rejected");
        }
    }

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
