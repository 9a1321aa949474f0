using SceneFinance.Grains;
using SceneFinance.Payments.Intents;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Payments.ToppingUpOnline;

/// <summary>An online top-up: the money a channel confirmed goes to the card holder's cash purse; a refund takes it back from there.</summary>
public sealed class CardTopUpFulfilment(IGrainFactory grains) : IIntentFulfilment
{
    public const string PurposeKind = "card-topup";

    public string Kind => PurposeKind;

    ICardHolderGrain Holder(string tenantId, IntentPurpose purpose) => grains.GetGrain<ICardHolderGrain>(GrainKeys.For(tenantId, purpose.TargetId));

    public async Task Check(string tenantId, IntentPurpose purpose, long amount)
    {
        var holder = purpose.TargetId.StartsWith("ch_", StringComparison.Ordinal) ? await Holder(tenantId, purpose).Get() : null;
        if (holder is null) throw ProblemException.NotFound("The card holder");
        if (holder.Status == "lost") throw new ProblemException(409, ErrorCodes.CardLost, "The card is reported lost: replace it before topping it up.");
    }

    public Task Fulfil(string tenantId, FulfilIntent c) =>
        Holder(tenantId, c.Purpose).CreditFromGateway(new GatewayCredit(c.IntentId, c.Channel, c.Amount, c.Now));

    public Task<string?> Fund(string tenantId, FundRefund c) =>
        Holder(tenantId, c.Purpose).DebitForRefund(new GatewayRefund(c.RefundId, c.IntentId, c.Channel, c.Amount, c.Now));

    public Task Release(string tenantId, FundRefund c) =>
        Holder(tenantId, c.Purpose).ReleaseRefund(new GatewayRefund(c.RefundId, c.IntentId, c.Channel, c.Amount, c.Now));
}
