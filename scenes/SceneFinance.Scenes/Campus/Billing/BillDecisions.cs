using SceneFinance.Platform.Ledger;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Storage;

namespace SceneFinance.Scenes.Campus.Billing;

/// <summary>
/// The bill's decisions: pure functions from state and command to what to record (<see cref="Decided"/>: events, or nothing
/// when it was recorded already) or a <see cref="Refusal"/> with the campus code (<c>exceeds_outstanding</c>...).
/// </summary>
public static partial class BillDecisions
{
    public const long MaxBasisPoints = 10_000;

    public static readonly string[] OfflineMethods = ["counter", "loan", "subsidy"];

    /// <summary>Issues the bill once: a bill that exists already is left as it is (generating twice issues nothing twice).</summary>
    public static Decided Issue(Bill? s, string billId, IssueBill c) => s is null ? Decided.To(Issued(billId, c)) : Decided.Nothing;

    /// <summary>
    /// The bill's amount is the plan's items less the discount, which is rounded down to whole fen (the school never gives more
    /// than the rate). Installments are the shares of that amount, each rounded down; the last takes the remainder, so they add up exactly.
    /// </summary>
    public static BillIssued Issued(string billId, IssueBill c)
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
    public static Refusal? CheckPayable(Bill s, long amount, long minimumPartial) => CheckPayable(s.Cancelled, s.Outstanding, amount, minimumPartial);

    public static Refusal? CheckPayable(bool cancelled, long outstanding, long amount, long minimumPartial)
    {
        if (cancelled) return Refusal.Conflict("This bill was cancelled; nothing is to be paid.", CampusCodes.BillCancelled);
        if (outstanding == 0) return Refusal.Conflict("This bill is paid in full.", CampusCodes.BillSettled);
        if (amount > outstanding) return ExceedsOutstanding(outstanding);
        if (amount < outstanding && amount < minimumPartial)
            return new Refusal(RefusalKind.Conflict, CampusCodes.BelowMinimumPayment, $"A part payment must be at least {minimumPartial} fen (or the whole {outstanding}).",
                new() { ["amount"] = [$"at least {minimumPartial} or exactly {outstanding}"] });
        return null;
    }

    static Refusal ExceedsOutstanding(long outstanding) => new(RefusalKind.Conflict, CampusCodes.ExceedsOutstanding,
        $"At most {outstanding} fen is outstanding on this bill.", new() { ["amount"] = [$"at most {outstanding}"] });

    public static Decided PayOffline(Bill s, PayBillOffline c)
    {
        if (CheckPayable(s, c.Amount, c.MinimumPartial) is { } refused) return refused;
        var debit = c.Method == "counter" ? CampusAccounts.CounterCash : CampusAccounts.External(c.Method, c.Provider ?? "unnamed");
        return Decided.To(new BillPaid(s.Id, c.PaymentId, c.Method, null, c.Provider, c.Reference, c.Amount, c.Amount, 0, c.PaidBy, c.Now,
            Journal.Transfer(debit, CampusAccounts.Receivable(s.Id), c.Amount)));
    }

    /// <summary>
    /// The channel has the payer's money whatever we think: the part the bill still owes is applied, the rest (a second guardian
    /// paid the same bill at the same moment, or it was settled meanwhile) is held for the automatic refund. Nothing when already applied.
    /// </summary>
    public static Decided PayOnline(Bill s, PayBillOnline c)
    {
        if (s.Receipts.ContainsKey(c.IntentId)) return Decided.Nothing;
        var applied = Math.Min(c.Amount, s.Outstanding);
        var excess = c.Amount - applied;
        var postings = Journal.Balanced([
            new Posting(Accounts.GatewayUnapplied(c.Channel), c.Amount, 0),
            new Posting(CampusAccounts.Receivable(s.Id), 0, applied),
            new Posting(CampusAccounts.Overpaid(s.Id), 0, excess),
        ]);
        return Decided.To(new BillPaid(s.Id, c.IntentId, "online", c.Channel, null, null, c.Amount, applied, excess, c.PaidBy, c.Now, postings));
    }

    /// <summary>
    /// A refund of an online payment: first from what that payment paid beyond the bill; what it paid into the bill only once the
    /// bill is cancelled (a live bill's money is not handed back by accident). Nothing when this refund was taken already.
    /// </summary>
    public static Decided FundRefund(Bill s, RefundBill c)
    {
        if (s.Refunds.ContainsKey(c.RefundId)) return Decided.Nothing;
        if (!s.Receipts.TryGetValue(c.IntentId, out var receipt)) return CannotRefund(CampusCodes.NotApplied);
        var fromExcess = Math.Min(c.Amount, receipt.ExcessHeld);
        var fromCollected = c.Amount - fromExcess;
        if (fromCollected > 0 && !s.Cancelled) return CannotRefund(CampusCodes.BillNotCancelled);
        if (fromCollected > receipt.AppliedKept) return CannotRefund(ErrorCodes.InsufficientFunds);
        var postings = Journal.Balanced([
            new Posting(CampusAccounts.Overpaid(s.Id), fromExcess, 0),
            new Posting(CampusAccounts.FeeIncome(s.PlanId), fromCollected, 0),
            new Posting(Accounts.RefundsPending(c.Channel), 0, c.Amount),
        ]);
        return Decided.To(new BillRefundDebited(s.Id, c.RefundId, c.IntentId, c.Channel, fromExcess, fromCollected, c.Now, postings));
    }

    static Refusal CannotRefund(string code) => Refusal.Conflict("The bill cannot give this refund's money back.", code);

    /// <summary>A refund the channel could not pay out gives its money back to where it was taken from, once.</summary>
    public static Decided ReleaseRefund(Bill s, RefundBill c)
    {
        if (!s.Refunds.TryGetValue(c.RefundId, out var taken) || taken.Released) return Decided.Nothing;
        var postings = Journal.Balanced([
            new Posting(Accounts.RefundsPending(c.Channel), taken.FromExcess + taken.FromCollected, 0),
            new Posting(CampusAccounts.Overpaid(s.Id), 0, taken.FromExcess),
            new Posting(CampusAccounts.FeeIncome(s.PlanId), 0, taken.FromCollected),
        ]);
        return Decided.To(new BillRefundReleased(s.Id, c.RefundId, taken.IntentId, c.Channel, taken.FromExcess, taken.FromCollected, c.Now, postings));
    }

    /// <summary>An approved waiver or scholarship, once per waiver; never beyond the outstanding amount.</summary>
    public static Decided Waive(Bill s, ApplyWaiver c)
    {
        if (s.WaiverIds.Contains(c.WaiverId)) return Decided.Nothing;
        if (s.Cancelled) return Refusal.Conflict("This bill was cancelled.", CampusCodes.BillCancelled);
        if (c.Amount > s.Outstanding) return ExceedsOutstanding(s.Outstanding);
        return Decided.To(new BillWaived(s.Id, c.WaiverId, c.Kind, c.Amount, c.RequestedBy, c.ApprovedBy, c.Now,
            Journal.Transfer(CampusAccounts.Waivers(c.Kind), CampusAccounts.Receivable(s.Id), c.Amount)));
    }

    /// <summary>
    /// Each installment due before <paramref name="today"/> that is not covered becomes overdue once, with the plan's late fee:
    /// the fixed amount plus basis points of the installment, rounded down to whole fen.
    /// </summary>
    public static Decided Overdue(Bill s, DateOnly today, DateTimeOffset now)
    {
        if (s.Cancelled || s.Outstanding == 0) return Decided.Nothing;
        return Decided.To([.. s.Installments
            .Where(i => i.DueDate < today && !s.OverdueInstallments.Contains(i.No) && !s.InstallmentCovered(i.No))
            .Select(i =>
            {
                var fee = s.LateFeeFixed + i.Amount * s.LateFeeBp / MaxBasisPoints;
                return new BillOverdue(s.Id, i.No, i.DueDate, fee, now,
                    fee > 0 ? Journal.Transfer(CampusAccounts.Receivable(s.Id), CampusAccounts.LateFeeIncome, fee) : []);
            })]);
    }

    /// <summary>
    /// The roster's new name or class reaches an open bill only: a paid or cancelled one is history, kept as it was issued.
    /// The same again (a re-import, a resumed import) records nothing.
    /// </summary>
    public static Decided Rename(Bill s, RenameStudent c) =>
        !s.Open || (s.StudentName == c.StudentName && s.Grade == c.Grade && s.Class == c.Class)
            ? Decided.Nothing
            : Decided.To(new BillStudentRenamed(s.Id, c.StudentName, c.Grade, c.Class, c.Now));

    public static Decided Cancel(Bill s, string reason, string by, DateTimeOffset now)
    {
        if (s.Cancelled) return Decided.Nothing;
        var writtenOff = s.Outstanding;
        // Late fees were income of their own; writing them off reverses the fee income first, which is where most of the bill sits.
        var postings = writtenOff > 0 ? Journal.Transfer(CampusAccounts.FeeIncome(s.PlanId), CampusAccounts.Receivable(s.Id), writtenOff) : [];
        return Decided.To(new BillCancelled(s.Id, reason, writtenOff, by, now, postings));
    }
}

/// <summary>The campus scene's codes beside the contract's (README: <c>exceeds_outstanding</c>, <c>below_minimum_payment</c>...).</summary>
public static class CampusCodes
{
    public const string ExceedsOutstanding = "exceeds_outstanding";
    public const string BelowMinimumPayment = "below_minimum_payment";
    public const string BillSettled = "bill_settled";
    public const string BillCancelled = "bill_cancelled";
    public const string SecondApproverRequired = "second_approver_required";
    /// <summary>A refund names a payment the bill never applied.</summary>
    public const string NotApplied = "not_applied";
    /// <summary>A live bill's collected money is refunded only once the bill is cancelled.</summary>
    public const string BillNotCancelled = "bill_not_cancelled";
    /// <summary>A cash refund beyond what the counter payment still holds.</summary>
    public const string RefundExceedsPaid = "refund_exceeds_paid";
}
