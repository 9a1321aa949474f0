using SceneFinance.Platform.Ledger;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Storage;
using A = SceneFinance.Scenes.Hospital.Patients.HospitalAccounts;

namespace SceneFinance.Scenes.Hospital.Patients;

// Commands: imperative, time passed in.
public sealed record PostOrder(string OrderId, string HisOrderId, string VisitId, string Kind, string Description, long Amount,
    long InsuredAmount, string? InsurerId, string PostedBy, DateTimeOffset Now);
/// <summary>Pays from the deposit, the credit line, or with cash into the drawer of cashier shift <see cref="ShiftId"/>.</summary>
public sealed record PayFromAccount(string PaymentId, IReadOnlyList<string> OrderIds, string Tender, string Source, DateTimeOffset Now, string? ShiftId = null);
public sealed record ApplyChannelMoney(string IntentId, string Channel, long Amount, IReadOnlyList<string> OrderIds, string Source, DateTimeOffset Now);

/// <summary>
/// The patient account's decisions about orders, payments, insurance and credit care: pure functions from state and command
/// to <see cref="Decided"/> (events, the HIS order claim) or a <see cref="Refusal"/> carrying the contract's code (or the
/// scene's own: <see cref="CreditUnsettled"/>, <see cref="RefundExceedsPaid"/>, <see cref="NotRefundable"/>). Refunds and
/// discharge are in <c>PatientDecisions.Refunds.cs</c>.
/// </summary>
public static partial class PatientDecisions
{
    public const string CreditUnsettled = "credit_unsettled";
    public const string RefundExceedsPaid = "refund_exceeds_paid";
    public const string NotRefundable = "not_refundable";
    public const string NotCashPaid = "not_cash_paid";
    public const string NoOpenShift = "no_open_shift";

    static readonly Refusal NoShift = Refusal.Conflict("Cash needs an open cashier shift: open one with its float first.", NoOpenShift);

    static readonly Refusal NoOrder = Refusal.NotFound("The order");
    static readonly Refusal Unsettled = Refusal.Conflict("This patient has unpaid credit care charges: settle them before registering again.", CreditUnsettled);

    /// <summary>An HIS order id names one order in the tenant: another order under it (another HIS client's) is refused.</summary>
    static readonly Refusal HisOrderTaken = Refusal.Conflict("This HIS order id belongs to another order.");

    public static Decided Post(PatientAccount s, PostOrder c) => c.Kind == "registration" && s.Overdue
        ? Unsettled
        : Decided.To(new OrderPosted(s.PatientId, c.OrderId, c.HisOrderId, c.VisitId, c.Kind, c.Description, c.Amount, c.InsuredAmount, c.InsurerId, c.PostedBy, c.Now))
            .Claim(new HisOrderClaim { Id = c.HisOrderId, PatientId = s.PatientId, OrderId = c.OrderId }, HisOrderTaken);

    public static Decided Cancel(PatientAccount s, string orderId, string reason, DateTimeOffset now)
    {
        if (!s.Orders.TryGetValue(orderId, out var o)) return NoOrder;
        if (o.Status == OrderStatus.Canceled) return Decided.Nothing;
        if (o.Paid > 0) return Refusal.Conflict("This order has been paid; refund it instead of canceling it.");
        return Decided.To(new OrderCanceled(s.PatientId, orderId, reason, now));
    }

    /// <summary>Pays the orders' whole dues from the deposit, the credit line or with cash at the window; all or nothing.</summary>
    public static Decided Pay(PatientAccount s, PayFromAccount c)
    {
        var payable = Payable(s, c.OrderIds);
        if (payable.Refusal is { } refused) return refused;
        var orders = payable.Value!;
        var amount = orders.Sum(o => o.Due);
        if (c.Tender == Tenders.Deposit && amount > s.Deposit)
            return Refusal.Conflict($"The deposit holds {s.Deposit} fen; these orders need {amount}.", ErrorCodes.InsufficientFunds);
        if (c.Tender == Tenders.Credit)
        {
            if (s.Credit is null) return Refusal.Conflict("This patient is not enrolled in credit care.");
            if (s.Overdue) return Refusal.Conflict("Earlier credit care charges are unpaid.", CreditUnsettled);
            if (amount > s.CreditAvailable)
                return Refusal.Conflict($"The credit line has {s.CreditAvailable} fen left; these orders need {amount}.", ErrorCodes.LimitExceeded);
        }
        if (c.Tender == Tenders.Cash && c.ShiftId is null) return NoShift;
        var shares = Shares(orders);
        var from = c.Tender switch
        {
            Tenders.Deposit => A.Deposit(s.PatientId),
            Tenders.Cash => A.CashDrawer(c.ShiftId!),
            _ => A.Credit(s.PatientId),
        };
        return Decided.To(new OrdersPaid(s.PatientId, c.PaymentId, c.Tender, null, null, amount, shares, 0, c.Source, c.Now,
            Journal.Balanced([new Posting(from, amount, 0), .. InsurerPostings(shares), new Posting(A.HospitalPayable, 0, amount + shares.Sum(x => x.InsurerPart))]),
            c.Tender == Tenders.Cash ? c.ShiftId : null));
    }

    /// <summary>Before a channel payment of orders is created: they are the patient's, open, and the amount is exactly their dues.</summary>
    public static Refusal? CheckOrders(PatientAccount s, IReadOnlyList<string> orderIds, long amount)
    {
        var payable = Payable(s, orderIds);
        if (payable.Refusal is { } refused) return refused;
        var due = payable.Value!.Sum(o => o.Due);
        return due == amount ? null : Refusal.Invalid("amount", $"These orders are due {due} fen, not {amount}.");
    }

    /// <summary>
    /// Money a channel confirmed for orders, once per intent. What is still due is paid; what was paid meanwhile by other means
    /// (the deposit, a second QR code) is kept in the deposit, refundable to this channel. The money arrived: it is never refused.
    /// </summary>
    public static Decided ApplyToOrders(PatientAccount s, ApplyChannelMoney c)
    {
        if (s.AppliedIntents.Contains(c.IntentId)) return Decided.Nothing;
        var left = c.Amount;
        var orders = new List<HospitalOrder>();
        foreach (var id in c.OrderIds)
            if (s.Orders.TryGetValue(id, out var o) && o.Due > 0 && o.Due <= left && orders.All(x => x.OrderId != id))
            {
                orders.Add(o);
                left -= o.Due;
            }
        var shares = Shares(orders);
        return Decided.To(new OrdersPaid(s.PatientId, c.IntentId, Tenders.Channel, c.Channel, c.IntentId, c.Amount, shares, left, c.Source, c.Now,
            Journal.Balanced([
                new Posting(Accounts.GatewayUnapplied(c.Channel), c.Amount, 0), .. InsurerPostings(shares),
                new Posting(A.HospitalPayable, 0, c.Amount - left + shares.Sum(x => x.InsurerPart)), new Posting(A.Deposit(s.PatientId), 0, left),
            ])));
    }

    public static Decided PayIn(PatientAccount s, ApplyChannelMoney c) => s.AppliedIntents.Contains(c.IntentId)
        ? Decided.Nothing
        : Decided.To(new DepositPaidIn(s.PatientId, c.IntentId, c.Channel, c.Amount, c.Source, c.Now,
            Journal.Transfer(Accounts.GatewayUnapplied(c.Channel), A.Deposit(s.PatientId), c.Amount)));

    public static Decided Repay(PatientAccount s, ApplyChannelMoney c)
    {
        if (s.AppliedIntents.Contains(c.IntentId)) return Decided.Nothing;
        var toCredit = Math.Min(c.Amount, s.CreditOutstanding);
        return Decided.To(new CreditRepaid(s.PatientId, c.IntentId, c.Channel, c.Amount, c.Amount - toCredit, c.Source, c.Now, Journal.Balanced([
            new Posting(Accounts.GatewayUnapplied(c.Channel), c.Amount, 0),
            new Posting(A.Credit(s.PatientId), 0, toCredit), new Posting(A.Deposit(s.PatientId), 0, c.Amount - toCredit),
        ])));
    }

    public static Decided Insurance(PatientAccount s, string orderId, bool settled, string reason, DateTimeOffset now)
    {
        if (!s.Orders.TryGetValue(orderId, out var o)) return NoOrder;
        if (o.Insured == 0 || o.InsurerId is null) return Refusal.Conflict("This order has no insurer-covered part.");
        if (o.InsuranceStatus is Patients.Insurance.Settled or Patients.Insurance.Rejected or Patients.Insurance.PartlySettled)
            return o.InsuranceStatus != Patients.Insurance.PartlySettled && (o.InsuranceStatus == Patients.Insurance.Settled) == settled ? Decided.Nothing
                : Refusal.Conflict($"The insurer's part was already {o.InsuranceStatus}.");
        if (settled)
            return o.InsurerBooked
                ? Decided.To(new InsuranceSettled(s.PatientId, orderId, o.InsurerId, o.Insured, now,
                    Journal.Transfer(A.InsurerClearing(o.InsurerId), A.InsurerReceivable(o.InsurerId), o.Insured)))
                : Refusal.Conflict("The patient has not paid their part yet; the claim is not open.");
        // The charge the insurer refused is open again, now due from the patient.
        return Decided.To(new InsuranceRejected(s.PatientId, orderId, o.InsurerId, o.Insured, reason, now,
            o.InsurerBooked ? Journal.Transfer(A.HospitalPayable, A.InsurerReceivable(o.InsurerId), o.Insured) : []));
    }

    /// <summary>
    /// The insurer's answer to a claim with the amount it approved: all of its part settles, none rejects, and anything between
    /// settles what it approved and opens the rest as due from the patient. The same answer again changes nothing.
    /// </summary>
    public static Decided AnswerClaim(PatientAccount s, string orderId, long approved, string reason, DateTimeOffset now)
    {
        if (!s.Orders.TryGetValue(orderId, out var o)) return NoOrder;
        if (o.Insured == 0 || o.InsurerId is null) return Refusal.Conflict("This order has no insurer-covered part.");
        if (approved < 0 || approved > o.Insured)
            return Refusal.Invalid("approvedAmount", $"The insurer may approve 0 to {o.Insured} fen of its part, not {approved}.");
        if (approved == o.Insured) return Insurance(s, orderId, true, reason, now);
        if (approved == 0) return Insurance(s, orderId, false, reason, now);
        if (o.InsuranceStatus == Patients.Insurance.PartlySettled && o.InsurerApproved == approved) return Decided.Nothing;
        if (o.InsuranceStatus != Patients.Insurance.Pending) return Refusal.Conflict($"The insurer's part was already {o.InsuranceStatus}.");
        if (!o.InsurerBooked) return Refusal.Conflict("The patient has not paid their part yet; the claim is not open.");
        // The insurer pays what it approved; the difference goes back from the hospital's payable to the patient's due, like a rejection.
        return Decided.To(new InsurancePartlySettled(s.PatientId, orderId, o.InsurerId, o.Insured, approved, reason, now, Journal.Balanced([
            new Posting(A.InsurerClearing(o.InsurerId), approved, 0), new Posting(A.HospitalPayable, o.Insured - approved, 0),
            new Posting(A.InsurerReceivable(o.InsurerId), 0, o.Insured),
        ])));
    }

    public static Decided Enroll(PatientAccount s, long limit, string? linkedChannel, DateTimeOffset now) =>
        Decided.To(new CreditCareEnrolled(s.PatientId, limit, linkedChannel, now));

    /// <summary>The night's settlement, once per local date: the deposit pays what it can; the rest is overdue until paid.</summary>
    public static Decided Settle(PatientAccount s, string localDate, DateTimeOffset now)
    {
        if (s.LastSettlementDate == localDate || s.CreditOutstanding == 0) return Decided.Nothing;
        var fromDeposit = Math.Min(s.Deposit, s.CreditOutstanding);
        return Decided.To(new CreditSettlementRan(s.PatientId, localDate, s.CreditOutstanding, fromDeposit, s.CreditOutstanding - fromDeposit, now,
            fromDeposit > 0 ? Journal.Transfer(A.Deposit(s.PatientId), A.Credit(s.PatientId), fromDeposit) : []));
    }

    static List<OrderShare> Shares(IEnumerable<HospitalOrder> orders) =>
        orders.Select(o => new OrderShare(o.OrderId, o.Due,
            o.Insured > 0 && o.InsuranceStatus == Patients.Insurance.Pending && !o.InsurerBooked ? o.Insured : 0, o.InsurerId)).ToList();

    static IEnumerable<Posting> InsurerPostings(IEnumerable<OrderShare> shares) =>
        shares.Where(x => x.InsurerPart > 0).Select(x => new Posting(A.InsurerReceivable(x.InsurerId!), x.InsurerPart, 0));

    static Outcome<List<HospitalOrder>> Payable(PatientAccount s, IReadOnlyList<string> orderIds)
    {
        if (orderIds.Count == 0 || orderIds.Distinct().Count() != orderIds.Count) return Refusal.Invalid("orderIds", "Name each order to pay once.");
        var orders = new List<HospitalOrder>(orderIds.Count);
        foreach (var id in orderIds)
        {
            if (!s.Orders.TryGetValue(id, out var o)) return NoOrder;
            orders.Add(o);
        }
        var closed = orders.Where(o => o.Due == 0).Select(o => o.OrderId).ToList();
        return closed.Count > 0 ? Refusal.Conflict($"Nothing is due on {string.Join(", ", closed)} (paid or canceled).") : orders;
    }

    /// <summary>What follows a decision, decided on the state after it (a refund executed once it is asked or approved).</summary>
    static Decided Then(this Decided first, PatientAccount s, Func<PatientAccount, Decided> next)
    {
        if (first.Refused) return first;
        var then = next(first.Events.Aggregate(s, (x, e) => x.Apply(e)));
        return then.Refused ? then : first with
        {
            Events = [.. first.Events, .. then.Events], Inserts = [.. first.Inserts, .. then.Inserts],
            Claims = [.. first.Claims, .. then.Claims], Upserts = [.. first.Upserts, .. then.Upserts],
        };
    }
}
