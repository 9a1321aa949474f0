using SceneFinance.Platform.Ledger;
using SceneFinance.Platform.Storage;

namespace SceneFinance.Scenes.Campus.Billing;

public static partial class BillDecisions
{
    /// <summary>
    /// Cash handed back for a counter payment, once per refund id, never more than the payment kept. A live bill owes it again
    /// (Dr receivable); a cancelled bill gives it out of the fee income that kept it. Either way Cr the counter's cash.
    /// </summary>
    public static Decided RefundCounter(Bill s, RefundCounterPayment c)
    {
        if (s.CounterRefundIds.Contains(c.RefundId)) return Decided.Nothing;
        if (!s.CounterPayments.TryGetValue(c.PaymentId, out var paid))
            return Refusal.Conflict("Only a counter payment of this bill can be refunded at the counter.", CampusCodes.NotApplied);
        if (c.Amount > paid.Kept)
            return new Refusal(RefusalKind.Conflict, CampusCodes.RefundExceedsPaid, $"At most {paid.Kept} fen of this payment can be refunded.",
                new() { ["amount"] = [$"at most {paid.Kept}"] });
        var debit = s.Cancelled ? CampusAccounts.FeeIncome(s.PlanId) : CampusAccounts.Receivable(s.Id);
        return Decided.To(new BillCounterRefunded(s.Id, c.RefundId, c.PaymentId, c.Amount, c.Reason, c.RefundedBy, c.Now,
            Journal.Transfer(debit, CampusAccounts.CounterCash, c.Amount)));
    }
}
