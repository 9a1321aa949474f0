using Marten;
using SceneFinance.Payments.Intents;
using SceneFinance.Platform.Security;
using SceneFinance.Scenes.Campus.Billing;
using SceneFinance.Scenes.Campus.PlanningFees;

namespace SceneFinance.Scenes.Campus.PayingBills;

/// <summary>
/// A bill paid through the gateway (purpose <c>campus-bill</c>). <see cref="Check"/> refuses what the bill would not take now, but it
/// reserves nothing: a guardian who opens a checkout and walks away must not block the other one. So two payments of the same bill
/// can both succeed at the channel; the bill grain (the bill's single writer) applies the first and holds what the second paid
/// beyond the bill, and <see cref="ExcessRefundJob"/> sends that back through the gateway. A bill is never collected beyond its amount.
/// </summary>
public sealed class BillFulfilment(IGrainFactory grains, IDocumentStore store) : IIntentFulfilment
{
    public const string PurposeKind = "campus-bill";

    /// <summary>Who paid, as the collections journal shows it: a guardian's phone (their username) masked like everywhere else.</summary>
    public static string Payer(string userName, bool guardian) => guardian ? "guardian " + Masking.Phone(userName) : userName;

    public string Kind => PurposeKind;

    IBillGrain Bill(string tenantId, string billId) => BillEndpoints.Grain(grains, tenantId, billId);

    /// <summary>The bill's own refusal of this amount now (the same rule the counter meets), or null.</summary>
    public async Task<Refusal?> Check(string tenantId, IntentPurpose purpose, long amount)
    {
        var bill = BillEndpoints.IsBillId(purpose.TargetId) ? await Bill(tenantId, purpose.TargetId).Get() : null;
        if (bill is null) return Refusal.NotFound("The bill");
        var settings = await FeePlanEndpoints.Settings(store, tenantId);
        return BillDecisions.CheckPayable(bill.Status is BillStatus.Cancelled or BillStatus.Refunded, bill.OutstandingAmount, amount, settings.MinimumPartialPayment);
    }

    public async Task Fulfil(string tenantId, FulfilIntent c) =>
        Applied(await Bill(tenantId, c.Purpose.TargetId).PayOnline(new PayBillOnline(c.IntentId, c.Channel, c.Amount, c.Purpose.Detail ?? "online", c.Now)));

    public async Task<Refusal?> Fund(string tenantId, FundRefund c) =>
        (await Bill(tenantId, c.Purpose.TargetId).FundRefund(new RefundBill(c.RefundId, c.IntentId, c.Channel, c.Amount, c.Now))).Refusal;

    public async Task Release(string tenantId, FundRefund c) =>
        Applied(await Bill(tenantId, c.Purpose.TargetId).ReleaseRefund(new RefundBill(c.RefundId, c.IntentId, c.Channel, c.Amount, c.Now)));

    /// <summary>Money the channel already moved must land: a refusal here is a fault the gateway's janitor retries.</summary>
    static void Applied<T>(Outcome<T> outcome)
    {
        if (outcome.Refusal is { } r) throw new InvalidOperationException($"The bill refused a gateway movement: {r.Code} {r.Detail}");
    }
}
