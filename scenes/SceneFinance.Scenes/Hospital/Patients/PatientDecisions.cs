using SceneFinance.Platform.Ledger;
using SceneFinance.Platform.Problems;
using A = SceneFinance.Scenes.Hospital.Patients.HospitalAccounts;

namespace SceneFinance.Scenes.Hospital.Patients;

// Commands: imperative, time passed in.
public sealed record PostOrder(string OrderId, string HisOrderId, string VisitId, string Kind, string Description, long Amount,
    long InsuredAmount, string? InsurerId, string PostedBy, DateTimeOffset Now);
public sealed record PayFromAccount(string PaymentId, IReadOnlyList<string> OrderIds, string Tender, string Source, DateTimeOffset Now);
public sealed record ApplyChannelMoney(string IntentId, string Channel, long Amount, IReadOnlyList<string> OrderIds, string Source, DateTimeOffset Now);
public sealed record AskRefund(string RefundId, string Kind, string? OrderId, long Amount, string Reason, string RequestedBy,
    long ApprovalThreshold, string TicketId, DateTimeOffset Now);

/// <summary>The patient account's decisions: pure functions from state and command to events. Problems are thrown, nothing recorded.</summary>
public static class PatientDecisions
{
    public const string CreditUnsettled = "credit_unsettled";
    public const string RefundExceedsPaid = "refund_exceeds_paid";

    public static OrderPosted Post(PatientAccount s, PostOrder c)
    {
        if (c.Kind == "registration" && s.Overdue)
            throw new ProblemException(409, CreditUnsettled, "This patient has unpaid credit care charges: settle them before registering again.");
        return new OrderPosted(s.PatientId, c.OrderId, c.HisOrderId, c.VisitId, c.Kind, c.Description, c.Amount, c.InsuredAmount, c.InsurerId, c.PostedBy, c.Now);
    }

    public static OrderCanceled? Cancel(PatientAccount s, string orderId, string reason, DateTimeOffset now)
    {
        var o = Order(s, orderId);
        if (o.Status == OrderStatus.Canceled) return null;
        if (o.Paid > 0) throw ProblemException.Conflict("This order has been paid; refund it instead of canceling it.");
        return new OrderCanceled(s.PatientId, orderId, reason, now);
    }

    /// <summary>Pays the orders' whole dues from the deposit or the credit line; all or nothing.</summary>
    public static OrdersPaid Pay(PatientAccount s, PayFromAccount c)
    {
        var orders = Payable(s, c.OrderIds);
        var amount = orders.Sum(o => o.Due);
        if (c.Tender == Tenders.Deposit && amount > s.Deposit)
            throw new ProblemException(409, ErrorCodes.InsufficientFunds, $"The deposit holds {s.Deposit} fen; these orders need {amount}.");
        if (c.Tender == Tenders.Credit)
        {
            if (s.Credit is null) throw ProblemException.Conflict("This patient is not enrolled in credit care.");
            if (s.Overdue) throw new ProblemException(409, CreditUnsettled, "Earlier credit care charges are unpaid.");
            if (amount > s.CreditAvailable)
                throw new ProblemException(409, ErrorCodes.LimitExceeded, $"The credit line has {s.CreditAvailable} fen left; these orders need {amount}.");
        }
        var shares = Shares(orders);
        var from = c.Tender == Tenders.Deposit ? A.Deposit(s.PatientId) : A.Credit(s.PatientId);
        return new OrdersPaid(s.PatientId, c.PaymentId, c.Tender, null, null, amount, shares, 0, c.Source, c.Now,
            Journal.Balanced([new Posting(from, amount, 0), .. InsurerPostings(shares), new Posting(A.HospitalPayable, 0, amount + shares.Sum(x => x.InsurerPart))]));
    }

    /// <summary>Before a channel payment of orders is created: they are the patient's, open, and the amount is exactly their dues.</summary>
    public static long CheckOrders(PatientAccount s, IReadOnlyList<string> orderIds, long amount)
    {
        var due = Payable(s, orderIds).Sum(o => o.Due);
        if (due != amount) throw ProblemException.Invalid("amount", $"These orders are due {due} fen, not {amount}.");
        return due;
    }

    /// <summary>
    /// Money a channel confirmed for orders, once per intent. What is still due is paid; what was paid meanwhile by other means
    /// (the deposit, a second QR code) is kept in the deposit, refundable to this channel. The money arrived: it is never refused.
    /// </summary>
    public static OrdersPaid? ApplyToOrders(PatientAccount s, ApplyChannelMoney c)
    {
        if (s.AppliedIntents.Contains(c.IntentId)) return null;
        var left = c.Amount;
        var orders = new List<HospitalOrder>();
        foreach (var id in c.OrderIds)
            if (s.Orders.TryGetValue(id, out var o) && o.Due > 0 && o.Due <= left && orders.All(x => x.OrderId != id))
            {
                orders.Add(o);
                left -= o.Due;
            }
        var shares = Shares(orders);
        return new OrdersPaid(s.PatientId, c.IntentId, Tenders.Channel, c.Channel, c.IntentId, c.Amount, shares, left, c.Source, c.Now,
            Journal.Balanced([
                new Posting(Platform.Ledger.Accounts.GatewayUnapplied(c.Channel), c.Amount, 0), .. InsurerPostings(shares),
                new Posting(A.HospitalPayable, 0, c.Amount - left + shares.Sum(x => x.InsurerPart)), new Posting(A.Deposit(s.PatientId), 0, left),
            ]));
    }

    public static DepositPaidIn? PayIn(PatientAccount s, ApplyChannelMoney c) =>
        s.AppliedIntents.Contains(c.IntentId) ? null
            : new DepositPaidIn(s.PatientId, c.IntentId, c.Channel, c.Amount, c.Source, c.Now,
                Journal.Transfer(Platform.Ledger.Accounts.GatewayUnapplied(c.Channel), A.Deposit(s.PatientId), c.Amount));

    public static CreditRepaid? Repay(PatientAccount s, ApplyChannelMoney c)
    {
        if (s.AppliedIntents.Contains(c.IntentId)) return null;
        var toCredit = Math.Min(c.Amount, s.CreditOutstanding);
        return new CreditRepaid(s.PatientId, c.IntentId, c.Channel, c.Amount, c.Amount - toCredit, c.Source, c.Now, Journal.Balanced([
            new Posting(Platform.Ledger.Accounts.GatewayUnapplied(c.Channel), c.Amount, 0),
            new Posting(A.Credit(s.PatientId), 0, toCredit), new Posting(A.Deposit(s.PatientId), 0, c.Amount - toCredit),
        ]));
    }

    public static object? Insurance(PatientAccount s, string orderId, bool settled, string reason, DateTimeOffset now)
    {
        var o = Order(s, orderId);
        if (o.Insured == 0 || o.InsurerId is null) throw ProblemException.Conflict("This order has no insurer-covered part.");
        if (o.InsuranceStatus is Patients.Insurance.Settled or Patients.Insurance.Rejected)
            return (o.InsuranceStatus == Patients.Insurance.Settled) == settled ? null
                : throw ProblemException.Conflict($"The insurer's part was already {o.InsuranceStatus}.");
        if (settled)
            return o.InsurerBooked
                ? new InsuranceSettled(s.PatientId, orderId, o.InsurerId, o.Insured, now, Journal.Transfer(A.InsurerClearing(o.InsurerId), A.InsurerReceivable(o.InsurerId), o.Insured))
                : throw ProblemException.Conflict("The patient has not paid their part yet; the claim is not open.");
        // The charge the insurer refused is open again, now due from the patient.
        return new InsuranceRejected(s.PatientId, orderId, o.InsurerId, o.Insured, reason, now,
            o.InsurerBooked ? Journal.Transfer(A.HospitalPayable, A.InsurerReceivable(o.InsurerId), o.Insured) : []);
    }

    public static CreditCareEnrolled Enroll(PatientAccount s, long limit, string? linkedChannel, DateTimeOffset now) =>
        new(s.PatientId, limit, linkedChannel, now);

    /// <summary>The night's settlement, once per local date: the deposit pays what it can; the rest is overdue until paid.</summary>
    public static CreditSettlementRan? Settle(PatientAccount s, string localDate, DateTimeOffset now)
    {
        if (s.LastSettlementDate == localDate || s.CreditOutstanding == 0) return null;
        var fromDeposit = Math.Min(s.Deposit, s.CreditOutstanding);
        return new CreditSettlementRan(s.PatientId, localDate, s.CreditOutstanding, fromDeposit, s.CreditOutstanding - fromDeposit, now,
            fromDeposit > 0 ? Journal.Transfer(A.Deposit(s.PatientId), A.Credit(s.PatientId), fromDeposit) : []);
    }

    public static RefundRequested Ask(PatientAccount s, AskRefund c)
    {
        if (c.Kind == RefundKinds.Order) Order(s, c.OrderId!);
        Plan(s, c.Kind, c.OrderId, c.Amount); // refuses now what could never be paid back
        return new RefundRequested(s.PatientId, c.RefundId, c.Kind, c.OrderId, c.Amount, c.Reason, c.RequestedBy,
            c.Amount > c.ApprovalThreshold, c.TicketId, c.Now);
    }

    public static RefundApproved Approve(PatientAccount s, string refundId, string approver, DateTimeOffset now)
    {
        var r = Refund(s, refundId);
        if (r.Status != HospitalRefund.PendingApproval) throw ProblemException.Conflict($"This refund is {r.Status}; it needs no approval.");
        if (string.Equals(r.RequestedBy, approver, StringComparison.Ordinal))
            throw new ProblemException(403, ErrorCodes.Forbidden, "A second person must approve this refund: not the one who asked for it.");
        return new RefundApproved(s.PatientId, refundId, approver, now);
    }

    /// <summary>An approved refund goes back to its tenders, newest first; if the money is no longer there it is refused.</summary>
    public static object Execute(PatientAccount s, string refundId, DateTimeOffset now)
    {
        var r = Refund(s, refundId);
        IReadOnlyList<RefundLine> lines;
        try
        {
            lines = Plan(s, r.Kind, r.OrderId, r.Amount);
        }
        catch (ProblemException e)
        {
            return new RefundRefused(s.PatientId, refundId, e.Message, now);
        }
        return new RefundExecuted(s.PatientId, refundId, r.Kind, r.OrderId, lines, now, RefundPostings(s, r.Kind, lines));
    }

    /// <summary>Discharge: the whole deposit that can go back to its channels does, most recent first; once.</summary>
    public static IReadOnlyList<object> Discharge(PatientAccount s, string refundId, string by, string ticketId, DateTimeOffset now)
    {
        if (s.Discharged) return [];
        var refundable = Math.Min(s.Deposit, s.DepositTenders.Sum(t => t.Left));
        var events = new List<object>();
        if (refundable > 0)
        {
            var lines = Plan(s, RefundKinds.Deposit, null, refundable);
            events.Add(new RefundRequested(s.PatientId, refundId, RefundKinds.Deposit, null, refundable, "discharge settlement 出院结算", by, false, ticketId, now));
            events.Add(new RefundExecuted(s.PatientId, refundId, RefundKinds.Deposit, null, lines, now, RefundPostings(s, RefundKinds.Deposit, lines)));
        }
        events.Add(new PatientDischarged(s.PatientId, refundId, s.Deposit - refundable, now));
        return events;
    }

    /// <summary>The gateway takes a held line's money for its refund (once per gateway refund); a code when nothing waits for it.</summary>
    public static (RefundLineFunded? Funded, string? Declined) Fund(PatientAccount s, string gatewayRefundId, string intentId, string channel, long amount, DateTimeOffset now)
    {
        var all = s.Refunds.Values.OrderBy(r => r.RequestedAt).SelectMany(r => r.Lines.Select(l => (Refund: r, Line: l))).ToList();
        if (all.Any(x => x.Line.GatewayRefundId == gatewayRefundId)) return (null, null);
        var held = all.FirstOrDefault(x => x.Line.Status == RefundLineState.Held && x.Line.IntentId == intentId && x.Line.Amount == amount);
        if (held.Line is null) return (null, "not_refundable"); // refunds of hospital money go through the hospital's refund routes
        return (new RefundLineFunded(s.PatientId, held.Refund.RefundId, held.Line.No, gatewayRefundId, channel, amount, now,
            Journal.Transfer(A.RefundHold(s.PatientId), Platform.Ledger.Accounts.RefundsPending(channel), amount)), null);
    }

    /// <summary>A funded line the channel could not pay out (by gateway refund id), or a held line the gateway refused: the money goes back.</summary>
    public static RefundLineReleased? Release(PatientAccount s, string? gatewayRefundId, string? refundId, int? lineNo, string reason, DateTimeOffset now)
    {
        foreach (var r in s.Refunds.Values)
            foreach (var l in r.Lines)
            {
                var funded = gatewayRefundId is not null && l.GatewayRefundId == gatewayRefundId && l.Status == RefundLineState.Funded;
                var held = refundId == r.RefundId && lineNo == l.No && l.Status == RefundLineState.Held;
                if (!funded && !held) continue;
                var source = r.Kind == RefundKinds.Order ? A.HospitalPayable : A.Deposit(s.PatientId);
                var from = funded ? Platform.Ledger.Accounts.RefundsPending(l.Channel!) : A.RefundHold(s.PatientId);
                return new RefundLineReleased(s.PatientId, r.RefundId, l.No, gatewayRefundId, l.Amount, reason, now, Journal.Transfer(from, source, l.Amount));
            }
        return null;
    }

    /// <summary>Splits a refund over the tenders that paid, newest first, never beyond what each paid and was not yet refunded.</summary>
    public static IReadOnlyList<RefundLine> Plan(PatientAccount s, string kind, string? orderId, long amount)
    {
        var lines = new List<RefundLine>();
        var left = amount;
        if (kind == RefundKinds.Order)
        {
            var o = Order(s, orderId!);
            if (amount > o.Refundable)
                throw new ProblemException(409, RefundExceedsPaid, $"At most {o.Refundable} fen of this order can still be refunded.", new() { ["amount"] = [$"at most {o.Refundable}"] });
            foreach (var slice in o.Slices.Where(x => x.Left > 0))
            {
                if (left == 0) break;
                var take = Math.Min(left, slice.Left);
                lines.Add(new RefundLine(lines.Count + 1, slice.Tender, slice.Channel, slice.IntentId, take));
                left -= take;
            }
        }
        else
        {
            var refundable = Math.Min(s.Deposit, s.DepositTenders.Sum(t => t.Left));
            if (amount > refundable)
                throw new ProblemException(409, RefundExceedsPaid, $"At most {refundable} fen of the deposit can go back to the channels that paid it.", new() { ["amount"] = [$"at most {refundable}"] });
            foreach (var t in s.DepositTenders.Reverse().Where(x => x.Left > 0))
            {
                if (left == 0) break;
                var take = Math.Min(left, t.Left);
                lines.Add(new RefundLine(lines.Count + 1, Tenders.Channel, t.Channel, t.IntentId, take));
                left -= take;
            }
        }
        if (left != 0) throw new InvalidOperationException("A refund plan must cover the whole amount.");
        return lines;
    }

    static IReadOnlyList<Posting> RefundPostings(PatientAccount s, string kind, IReadOnlyList<RefundLine> lines)
    {
        var total = lines.Sum(l => l.Amount);
        if (kind == RefundKinds.Deposit)
            return Journal.Transfer(A.Deposit(s.PatientId), A.RefundHold(s.PatientId), total);
        var credit = lines.Where(l => l.Tender == Tenders.Credit).Sum(l => l.Amount);
        var toOutstanding = Math.Min(credit, s.CreditOutstanding);
        return Journal.Balanced([
            new Posting(A.HospitalPayable, total, 0),
            new Posting(A.RefundHold(s.PatientId), 0, lines.Where(l => l.Tender == Tenders.Channel).Sum(l => l.Amount)),
            new Posting(A.Credit(s.PatientId), 0, toOutstanding),
            new Posting(A.Deposit(s.PatientId), 0, credit - toOutstanding + lines.Where(l => l.Tender == Tenders.Deposit).Sum(l => l.Amount)),
        ]);
    }

    static List<OrderShare> Shares(IEnumerable<HospitalOrder> orders) =>
        orders.Select(o => new OrderShare(o.OrderId, o.Due,
            o.Insured > 0 && o.InsuranceStatus == Patients.Insurance.Pending && !o.InsurerBooked ? o.Insured : 0, o.InsurerId)).ToList();

    static IEnumerable<Posting> InsurerPostings(IEnumerable<OrderShare> shares) =>
        shares.Where(x => x.InsurerPart > 0).Select(x => new Posting(A.InsurerReceivable(x.InsurerId!), x.InsurerPart, 0));

    static List<HospitalOrder> Payable(PatientAccount s, IReadOnlyList<string> orderIds)
    {
        if (orderIds.Count == 0 || orderIds.Distinct().Count() != orderIds.Count) throw ProblemException.Invalid("orderIds", "Name each order to pay once.");
        var orders = orderIds.Select(id => Order(s, id)).ToList();
        var closed = orders.Where(o => o.Due == 0).Select(o => o.OrderId).ToList();
        if (closed.Count > 0) throw ProblemException.Conflict($"Nothing is due on {string.Join(", ", closed)} (paid or canceled).");
        return orders;
    }

    static HospitalOrder Order(PatientAccount s, string orderId)
    {
        return s.Orders.TryGetValue(orderId, out var o) ? o : throw ProblemException.NotFound("The order");
    }

    static HospitalRefund Refund(PatientAccount s, string refundId) =>
        s.Refunds.TryGetValue(refundId, out var r) ? r : throw ProblemException.NotFound("The refund");
}
