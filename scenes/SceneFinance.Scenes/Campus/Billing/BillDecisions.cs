using SceneFinance.Platform.Ledger;
using SceneFinance.Platform.Problems;

namespace SceneFinance.Scenes.Campus.Billing;

/// <summary>The bill's decisions: pure functions from state and command to the event to record (or none, or a refusal).</summary>
public static class BillDecisions
{
    public const long MaxBasisPoints = 10_000;

    /// <summary>
    /// The bill's amount is the plan's items less the discount, which is rounded down to whole fen (the school never gives more
    /// than the rate). Installments are the shares of that amount, each rounded down; the last takes the remainder, so they add up exactly.
    /// </summary>
    public static BillIssued Issue(string billId, IssueBill c)
    {
        var gross = c.Lines.Sum(l => l.Amount);
        var discount = gross * c.DiscountBp / MaxBasisPoints;
        var amount = gross - discount;
        var installments = new List<BillInstallment>();
        long given = 0;
        for (var i = 0; i < c.Installments.Count; i++)
        {
            var share = i == c.Installments.Count - 1 ? amount - given : amount * c.Installments[i].ShareBp / MaxBasisPoints;
            given += share;
            installments.Add(new BillInstallment(i + 1, c.Installments[i].DueDate, share));
        }
        var postings = amount > 0 ? Journal.Transfer(CampusAccounts.Receivable(billId), CampusAccounts.FeeIncome(c.PlanId), amount) : [];
        return new BillIssued(billId, c.PlanId, c.PlanName, c.Term, c.StudentNumber, c.CardHolderId, c.StudentName, c.Grade, c.Class,
            c.Lines, gross, discount, amount, installments, c.LateFeeFixed, c.LateFeeBp, c.Now, postings);
    }

    /// <summary>Whether <paramref name="amount"/> may be paid now: not above what is owed, and at least the minimum unless it settles the bill.</summary>
    public static void CheckPayable(Bill s, long amount, long minimumPartial) => CheckPayable(s.Cancelled, s.Outstanding, amount, minimumPartial);

    public static void CheckPayable(bool cancelled, long outstanding, long amount, long minimumPartial)
    {
        if (cancelled) throw new ProblemException(409, "bill_cancelled", "This bill was cancelled; nothing is to be paid.");
        if (outstanding == 0) throw new ProblemException(409, "bill_settled", "This bill is paid in full.");
        if (amount > outstanding)
            throw new ProblemException(409, "exceeds_outstanding", $"At most {outstanding} fen is outstanding on this bill.",
                new() { ["amount"] = [$"at most {outstanding}"] });
        if (amount < outstanding && amount < minimumPartial)
            throw new ProblemException(409, "below_minimum_payment", $"A part payment must be at least {minimumPartial} fen (or the whole {outstanding}).",
                new() { ["amount"] = [$"at least {minimumPartial} or exactly {outstanding}"] });
    }

    public static readonly string[] OfflineMethods = ["counter", "loan", "subsidy"];

    public static BillPaid PayOffline(Bill s, PayBillOffline c)
    {
        CheckPayable(s, c.Amount, c.MinimumPartial);
        var debit = c.Method == "counter" ? CampusAccounts.CounterCash : CampusAccounts.External(c.Method, c.Provider ?? "unnamed");
        return new BillPaid(s.Id, c.PaymentId, c.Method, null, c.Provider, c.Reference, c.Amount, c.Amount, 0, c.PaidBy, c.Now,
            Journal.Transfer(debit, CampusAccounts.Receivable(s.Id), c.Amount));
    }

    /// <summary>
    /// The channel has the payer's money whatever we think: the part the bill still owes is applied, the rest (a second guardian
    /// paid the same bill at the same moment, or it was settled meanwhile) is held for the automatic refund. Null when already applied.
    /// </summary>
    public static BillPaid? PayOnline(Bill s, PayBillOnline c)
    {
        if (s.Receipts.ContainsKey(c.IntentId)) return null;
        var applied = Math.Min(c.Amount, s.Outstanding);
        var excess = c.Amount - applied;
        var postings = Journal.Balanced([
            new Posting(Accounts.GatewayUnapplied(c.Channel), c.Amount, 0),
            new Posting(CampusAccounts.Receivable(s.Id), 0, applied),
            new Posting(CampusAccounts.Overpaid(s.Id), 0, excess),
        ]);
        return new BillPaid(s.Id, c.IntentId, "online", c.Channel, null, null, c.Amount, applied, excess, c.PaidBy, c.Now, postings);
    }

    /// <summary>
    /// A refund of an online payment: first from what that payment paid beyond the bill; what it paid into the bill only once the
    /// bill is cancelled (a live bill's money is not handed back by accident). Null and null when this refund was taken already.
    /// </summary>
    public static (BillRefundDebited? Debited, string? Declined) FundRefund(Bill s, RefundBill c)
    {
        if (s.Refunds.ContainsKey(c.RefundId)) return (null, null);
        if (!s.Receipts.TryGetValue(c.IntentId, out var receipt)) return (null, "not_applied");
        var fromExcess = Math.Min(c.Amount, receipt.ExcessHeld);
        var fromCollected = c.Amount - fromExcess;
        if (fromCollected > 0 && !s.Cancelled) return (null, "bill_not_cancelled");
        if (fromCollected > receipt.AppliedKept) return (null, ErrorCodes.InsufficientFunds);
        var postings = Journal.Balanced([
            new Posting(CampusAccounts.Overpaid(s.Id), fromExcess, 0),
            new Posting(CampusAccounts.FeeIncome(s.PlanId), fromCollected, 0),
            new Posting(Accounts.RefundsPending(c.Channel), 0, c.Amount),
        ]);
        return (new BillRefundDebited(s.Id, c.RefundId, c.IntentId, c.Channel, fromExcess, fromCollected, c.Now, postings), null);
    }

    public static BillRefundReleased? ReleaseRefund(Bill s, RefundBill c)
    {
        if (!s.Refunds.TryGetValue(c.RefundId, out var taken) || taken.Released) return null;
        var postings = Journal.Balanced([
            new Posting(Accounts.RefundsPending(c.Channel), taken.FromExcess + taken.FromCollected, 0),
            new Posting(CampusAccounts.Overpaid(s.Id), 0, taken.FromExcess),
            new Posting(CampusAccounts.FeeIncome(s.PlanId), 0, taken.FromCollected),
        ]);
        return new BillRefundReleased(s.Id, c.RefundId, taken.IntentId, c.Channel, taken.FromExcess, taken.FromCollected, c.Now, postings);
    }

    public static BillWaived? Waive(Bill s, ApplyWaiver c)
    {
        if (s.WaiverIds.Contains(c.WaiverId)) return null;
        if (s.Cancelled) throw new ProblemException(409, "bill_cancelled", "This bill was cancelled.");
        if (c.Amount > s.Outstanding)
            throw new ProblemException(409, "exceeds_outstanding", $"At most {s.Outstanding} fen is outstanding on this bill.",
                new() { ["amount"] = [$"at most {s.Outstanding}"] });
        return new BillWaived(s.Id, c.WaiverId, c.Kind, c.Amount, c.RequestedBy, c.ApprovedBy, c.Now,
            Journal.Transfer(CampusAccounts.Waivers(c.Kind), CampusAccounts.Receivable(s.Id), c.Amount));
    }

    /// <summary>
    /// Each installment due before <paramref name="today"/> that is not covered becomes overdue once, with the plan's late fee:
    /// the fixed amount plus basis points of the installment, rounded down to whole fen.
    /// </summary>
    public static IReadOnlyList<BillOverdue> Overdue(Bill s, DateOnly today, DateTimeOffset now)
    {
        if (s.Cancelled || s.Outstanding == 0) return [];
        return s.Installments
            .Where(i => i.DueDate < today && !s.OverdueInstallments.Contains(i.No) && !s.InstallmentCovered(i.No))
            .Select(i =>
            {
                var fee = s.LateFeeFixed + i.Amount * s.LateFeeBp / MaxBasisPoints;
                return new BillOverdue(s.Id, i.No, i.DueDate, fee, now,
                    fee > 0 ? Journal.Transfer(CampusAccounts.Receivable(s.Id), CampusAccounts.LateFeeIncome, fee) : []);
            })
            .ToList();
    }

    public static BillCancelled? Cancel(Bill s, string reason, string by, DateTimeOffset now)
    {
        if (s.Cancelled) return null;
        var writtenOff = s.Outstanding;
        // Late fees were income of their own; writing them off reverses the fee income first, which is where most of the bill sits.
        var postings = writtenOff > 0 ? Journal.Transfer(CampusAccounts.FeeIncome(s.PlanId), CampusAccounts.Receivable(s.Id), writtenOff) : [];
        return new BillCancelled(s.Id, reason, writtenOff, by, now, postings);
    }
}
