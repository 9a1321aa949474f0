using SceneFinance.Grains;
using SceneFinance.Payments.Intents;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Scenes.CardHolders.ToppingUpOnline;

/// <summary>An online top-up: the money a channel confirmed goes to the card holder's cash purse; a refund takes it back from there.</summary>
public sealed class CardTopUpFulfilment(IGrainFactory grains) : IIntentFulfilment
{
    public const string PurposeKind = "card-topup";

    public string Kind => PurposeKind;

    ICardHolderGrain Holder(string tenantId, IntentPurpose purpose) => grains.GetGrain<ICardHolderGrain>(GrainKeys.For(tenantId, purpose.TargetId));

    public async Task<Refusal?> Check(string tenantId, IntentPurpose purpose, long amount)
    {
        var holder = purpose.TargetId.StartsWith("ch_", StringComparison.Ordinal) ? await Holder(tenantId, purpose).Get() : null;
        if (holder is null) return Refusal.NotFound("The card holder");
        return holder.Status == "lost" ? Refusal.Conflict("The card is reported lost: replace it before topping it up.", ErrorCodes.CardLost) : null;
    }

    public async Task Fulfil(string tenantId, FulfilIntent c) =>
        Applied(await Holder(tenantId, c.Purpose).CreditFromGateway(new GatewayCredit(c.IntentId, c.Channel, c.Amount, c.Now)));

    public async Task<Refusal?> Fund(string tenantId, FundRefund c) =>
        (await Holder(tenantId, c.Purpose).DebitForRefund(new GatewayRefund(c.RefundId, c.IntentId, c.Channel, c.Amount, c.Now))).Refusal;

    public async Task Release(string tenantId, FundRefund c) =>
        Applied(await Holder(tenantId, c.Purpose).ReleaseRefund(new GatewayRefund(c.RefundId, c.IntentId, c.Channel, c.Amount, c.Now)));

    /// <summary>Money the channel already moved must land: a refusal here is a fault the gateway's janitor retries.</summary>
    static void Applied(Outcome<Balance> outcome)
    {
        if (outcome.Refusal is { } r) throw new InvalidOperationException($"The card holder refused a gateway movement: {r.Code} {r.Detail}");
    }
}
