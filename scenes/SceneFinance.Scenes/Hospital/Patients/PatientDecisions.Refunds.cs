using SceneFinance.Platform.Security;
using SceneFinance.Platform.Ledger;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Storage;
using A = SceneFinance.Scenes.Hospital.Patients.HospitalAccounts;

namespace SceneFinance.Scenes.Hospital.Patients;

/// <summary>
/// Asks for a refund. <see cref="Tender"/> <c>cash</c> pays it out in cash (only what was paid in cash); <see cref="ShiftId"/> is the
/// asker's open cashier shift, whose drawer pays out any cash line.
/// </summary>
public sealed record AskRefund(string RefundId, string Kind, string? OrderId, long Amount, string Reason, string RequestedBy,
    long ApprovalThreshold, string TicketId, DateTimeOffset Now, string RequestedById, string? Tender = null, string? ShiftId = null);

/// <summary>
/// Refunds and discharge: money goes back to the tenders that paid it, newest first, never beyond what each paid and was not
/// yet refunded; when what one person alone has refunded (per order, and per patient over the last day) would pass the
/// tenant's threshold, a second person approves, so a large refund split into small ones is caught; the gateway takes a
/// channel line's money later.
/// </summary>
public static partial class PatientDecisions
{
    static readonly Refusal NoRefund = Refusal.NotFound("The refund");

    /// <summary>How far back a patient's refunds made by one person alone are added up.</summary>
    public static readonly TimeSpan AloneWindow = TimeSpan.FromHours(24);

    /// <summary>
    /// Asks for a refund. It is executed at once only while the refunds nobody else approved stay within the threshold: this
    /// one plus those of the same order (ever) and plus those of the patient (the last day). Otherwise it waits for a second person.
    /// </summary>
    public static Decided Ask(PatientAccount s, AskRefund c)
    {
        if (c.Kind == RefundKinds.Order && !s.Orders.ContainsKey(c.OrderId!)) return NoOrder;
        if (Plan(s, c.Kind, c.OrderId, c.Amount, c.Tender, c.ShiftId).Refusal is { } refused) return refused; // refuses now what could never be paid back
        var needsApproval = NeedsApproval(s, c.Kind, c.OrderId, c.Amount, c.ApprovalThreshold, c.Now);
        var asked = Decided.To(new RefundRequested(s.PatientId, c.RefundId, c.Kind, c.OrderId, c.Amount, c.Reason, c.RequestedBy,
            needsApproval, c.TicketId, c.Now, c.RequestedById, c.Tender, c.ShiftId));
        return needsApproval ? asked : asked.Then(s, next => Execute(next, c.RefundId, c.Now));
    }

    /// <summary>Whether a refund of <paramref name="amount"/> would take what one person alone refunded past the threshold.</summary>
    public static bool NeedsApproval(PatientAccount s, string kind, string? orderId, long amount, long threshold, DateTimeOffset now)
    {
        var alone = s.Refunds.Values.Where(r => r.ApprovedById is null && r.ApprovedBy is null && r.Status is not (HospitalRefund.PendingApproval or HospitalRefund.Refused)).ToList();
        var sameOrder = kind == RefundKinds.Order ? alone.Where(r => r.Kind == RefundKinds.Order && r.OrderId == orderId).Sum(r => r.Amount) : 0;
        var lastDay = alone.Where(r => r.RequestedAt > now - AloneWindow).Sum(r => r.Amount);
        return amount + sameOrder > threshold || amount + lastDay > threshold;
    }

    /// <summary>A second person approves: another user id than the asker's (names can be alike; ids are the people).</summary>
    public static Decided Approve(PatientAccount s, string refundId, string approverId, string approver, DateTimeOffset now)
    {
        if (!s.Refunds.TryGetValue(refundId, out var r)) return NoRefund;
        if (r.Status != HospitalRefund.PendingApproval) return Refusal.Conflict($"This refund is {r.Status}; it needs no approval.");
        var askerId = r.RequestedById ?? TenantAccess.UserIdOf(r.RequestedBy); // asked before ids were recorded: the id its name stands for
        if (string.Equals(askerId, approverId, StringComparison.Ordinal))
            return Refusal.Forbidden("A second person must approve this refund: not the one who asked for it.");
        return Decided.To(new RefundApproved(s.PatientId, refundId, approver, now, approverId));
    }

    /// <summary>Approves and executes at once.</summary>
    public static Decided ApproveAndExecute(PatientAccount s, string refundId, string approverId, string approver, DateTimeOffset now) =>
        Approve(s, refundId, approverId, approver, now).Then(s, next => Execute(next, refundId, now));

    /// <summary>An approved refund goes back to its tenders, newest first; if the money is no longer there it is refused (recorded, not a "no").</summary>
    public static Decided Execute(PatientAccount s, string refundId, DateTimeOffset now)
    {
        if (!s.Refunds.TryGetValue(refundId, out var r)) return NoRefund;
        var plan = Plan(s, r.Kind, r.OrderId, r.Amount, r.Tender, r.ShiftId);
        return plan.Refusal is { } refused
            ? Decided.To(new RefundRefused(s.PatientId, refundId, refused.Detail, now))
            : Decided.To(new RefundExecuted(s.PatientId, refundId, r.Kind, r.OrderId, plan.Value!, now, RefundPostings(s, r.Kind, plan.Value!)));
    }

    /// <summary>
    /// Discharge: the whole deposit that can go back to its channels does, most recent first; once. Above the threshold (with
    /// what one person alone refunded the last day) the refund waits for a second person like any other.
    /// </summary>
    public static Decided Discharge(PatientAccount s, string refundId, string byId, string by, long threshold, string ticketId, DateTimeOffset now)
    {
        if (s.Discharged) return Refusal.Conflict("This patient has been discharged already.");
        var refundable = Math.Min(s.Deposit, s.DepositTenders.Sum(t => t.Left));
        var events = new List<object>();
        if (refundable > 0 && NeedsApproval(s, RefundKinds.Deposit, null, refundable, threshold, now))
            events.Add(new RefundRequested(s.PatientId, refundId, RefundKinds.Deposit, null, refundable, "discharge settlement 出院结算", by, true, ticketId, now, byId));
        else if (refundable > 0)
        {
            var lines = Plan(s, RefundKinds.Deposit, null, refundable).Value!; // within what the tenders hold: always a plan
            events.Add(new RefundRequested(s.PatientId, refundId, RefundKinds.Deposit, null, refundable, "discharge settlement 出院结算", by, false, ticketId, now, byId));
            events.Add(new RefundExecuted(s.PatientId, refundId, RefundKinds.Deposit, null, lines, now, RefundPostings(s, RefundKinds.Deposit, lines)));
        }
        events.Add(new PatientDischarged(s.PatientId, refundId, s.Deposit - refundable, now));
        return Decided.To([.. events]);
    }

    /// <summary>The gateway takes a held line's money for its refund (once per gateway refund); <see cref="NotRefundable"/> when nothing waits for it.</summary>
    public static Decided Fund(PatientAccount s, string gatewayRefundId, string intentId, string channel, long amount, DateTimeOffset now)
    {
        var all = s.Refunds.Values.OrderBy(r => r.RequestedAt).SelectMany(r => r.Lines.Select(l => (Refund: r, Line: l))).ToList();
        if (all.Any(x => x.Line.GatewayRefundId == gatewayRefundId)) return Decided.Nothing;
        var held = all.FirstOrDefault(x => x.Line.Status == RefundLineState.Held && x.Line.IntentId == intentId && x.Line.Amount == amount);
        // Refunds of hospital money go through the hospital's refund routes, never straight to the gateway.
        if (held.Line is null) return Refusal.Conflict("The patient's account cannot give this refund's money back.", NotRefundable);
        return Decided.To(new RefundLineFunded(s.PatientId, held.Refund.RefundId, held.Line.No, gatewayRefundId, channel, amount, now,
            Journal.Transfer(A.RefundHold(s.PatientId), Accounts.RefundsPending(channel), amount)));
    }

    /// <summary>A funded line the channel could not pay out (by gateway refund id), or a held line the gateway refused: the money goes back.</summary>
    public static Decided Release(PatientAccount s, string? gatewayRefundId, string? refundId, int? lineNo, string reason, DateTimeOffset now)
    {
        foreach (var r in s.Refunds.Values)
            foreach (var l in r.Lines)
            {
                var funded = gatewayRefundId is not null && l.GatewayRefundId == gatewayRefundId && l.Status == RefundLineState.Funded;
                var held = refundId == r.RefundId && lineNo == l.No && l.Status == RefundLineState.Held;
                if (!funded && !held) continue;
                var source = r.Kind == RefundKinds.Order ? A.HospitalPayable : A.Deposit(s.PatientId);
                var from = funded ? Accounts.RefundsPending(l.Channel!) : A.RefundHold(s.PatientId);
                return Decided.To(new RefundLineReleased(s.PatientId, r.RefundId, l.No, gatewayRefundId, l.Amount, reason, now, Journal.Transfer(from, source, l.Amount)));
            }
        return Decided.Nothing;
    }

    /// <summary>
    /// Splits a refund over the tenders that paid, newest first, never beyond what each paid and was not yet refunded. Asked in
    /// <c>cash</c>, only what was paid in cash goes back (<see cref="NotCashPaid"/> when nothing was): cash never stands in for
    /// a card or a channel. A cash line is paid out of the drawer of <paramref name="shiftId"/> (<see cref="NoOpenShift"/> without one).
    /// </summary>
    public static Outcome<IReadOnlyList<RefundLine>> Plan(PatientAccount s, string kind, string? orderId, long amount, string? tender = null, string? shiftId = null)
    {
        var lines = new List<RefundLine>();
        var left = amount;
        if (tender == Tenders.Cash)
        {
            var cash = kind == RefundKinds.Order && s.Orders.TryGetValue(orderId!, out var paid)
                ? paid.Slices.Where(x => x.Tender == Tenders.Cash).Sum(x => x.Left) : 0;
            if (kind == RefundKinds.Order && !s.Orders.ContainsKey(orderId!)) return NoOrder;
            if (cash == 0) return Refusal.Conflict("Only what was paid in cash is refunded in cash; this goes back to the tender that paid it.", NotCashPaid);
            if (amount > cash) return ExceedsPaid($"At most {cash} fen of this order was paid in cash and not yet refunded.", cash);
        }
        if (kind == RefundKinds.Order)
        {
            if (!s.Orders.TryGetValue(orderId!, out var o)) return NoOrder;
            if (amount > o.Refundable) return ExceedsPaid($"At most {o.Refundable} fen of this order can still be refunded.", o.Refundable);
            var owed = s.CreditOutstanding;
            var settlers = s.ChannelSettlements.Reverse().Select(t => (t.IntentId, t.Channel, Left: t.Left)).ToList();
            foreach (var slice in o.Slices.Where(x => x.Left > 0 && (tender is null || x.Tender == tender)))
            {
                if (left == 0) break;
                var take = Math.Min(left, slice.Left);
                left -= take;
                if (slice.Tender == Tenders.Cash)
                {
                    if (shiftId is null) return NoShift;
                    lines.Add(new RefundLine(lines.Count + 1, Tenders.Cash, null, null, take, shiftId));
                    continue;
                }
                if (slice.Tender != Tenders.Credit)
                {
                    lines.Add(new RefundLine(lines.Count + 1, slice.Tender, slice.Channel, slice.IntentId, take));
                    continue;
                }
                // Credit: first what is still owed (the patient owes less), then what channels settled, newest first (back to
                // them), and the rest was settled from the deposit (back to the deposit).
                var unsettled = Math.Min(take, owed);
                owed -= unsettled;
                var rest = take - unsettled;
                for (var i = 0; i < settlers.Count && rest > 0; i++)
                {
                    var back = Math.Min(rest, settlers[i].Left);
                    if (back == 0) continue;
                    lines.Add(new RefundLine(lines.Count + 1, Tenders.Credit, settlers[i].Channel, settlers[i].IntentId, back));
                    settlers[i] = settlers[i] with { Left = settlers[i].Left - back };
                    rest -= back;
                }
                if (unsettled + rest > 0) lines.Add(new RefundLine(lines.Count + 1, Tenders.Credit, null, null, unsettled + rest));
            }
        }
        else
        {
            var refundable = Math.Min(s.Deposit, s.DepositTenders.Sum(t => t.Left));
            if (amount > refundable) return ExceedsPaid($"At most {refundable} fen of the deposit can go back to the channels that paid it.", refundable);
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

    static Refusal ExceedsPaid(string detail, long most) =>
        new(RefusalKind.Conflict, RefundExceedsPaid, detail, new() { ["amount"] = [$"at most {most}"] });

    static IReadOnlyList<Posting> RefundPostings(PatientAccount s, string kind, IReadOnlyList<RefundLine> lines)
    {
        var total = lines.Sum(l => l.Amount);
        if (kind == RefundKinds.Deposit)
            return Journal.Transfer(A.Deposit(s.PatientId), A.RefundHold(s.PatientId), total);
        var credit = lines.Where(l => l.Tender == Tenders.Credit && l.IntentId is null).Sum(l => l.Amount);
        var toOutstanding = Math.Min(credit, s.CreditOutstanding);
        return Journal.Balanced([
            new Posting(A.HospitalPayable, total, 0),
            new Posting(A.RefundHold(s.PatientId), 0, lines.Where(l => PatientAccount.ThroughGateway(l.Tender, l.IntentId)).Sum(l => l.Amount)),
            new Posting(A.Credit(s.PatientId), 0, toOutstanding),
            new Posting(A.Deposit(s.PatientId), 0, credit - toOutstanding + lines.Where(l => l.Tender == Tenders.Deposit).Sum(l => l.Amount)),
            .. lines.Where(l => l.Tender == Tenders.Cash).GroupBy(l => l.ShiftId!).Select(g => new Posting(A.CashDrawer(g.Key), 0, g.Sum(l => l.Amount))),
        ]);
    }
}
