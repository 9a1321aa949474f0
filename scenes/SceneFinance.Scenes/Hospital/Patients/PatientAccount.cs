using System.Collections.Immutable;

namespace SceneFinance.Scenes.Hospital.Patients;

public static class OrderStatus
{
    public const string Unpaid = "unpaid", Paid = "paid", Canceled = "canceled";
}

public static class Insurance
{
    public const string None = "none", Pending = "pending", Settled = "settled", Rejected = "rejected", PartlySettled = "partly_settled";
}

public static class Tenders
{
    public const string Deposit = "deposit", Credit = "credit", Channel = "channel", Cash = "cash";
}

/// <summary>What one tender paid of an order, and how much of it went back to that tender.</summary>
public sealed record TenderSlice(string Tender, string? Channel, string? IntentId, long Amount, long Refunded)
{
    public long Left => Amount - Refunded;
}

/// <summary>Channel money held in the deposit (paid in, or a channel payment's surplus): the deposit refunds go back to these.</summary>
public sealed record DepositTender(string IntentId, string Channel, long Amount, long Refunded)
{
    public long Left => Amount - Refunded;
}

public sealed record HospitalOrder(
    string OrderId, string HisOrderId, string VisitId, string Kind, string Description, long Amount, long Insured, string? InsurerId,
    string Status, string InsuranceStatus, long Paid, long Refunded, ImmutableList<TenderSlice> Slices, DateTimeOffset PostedAt,
    bool InsurerBooked = false, long InsurerApproved = 0)
{
    public long SelfPay => Amount - Insured;

    /// <summary>What the insurer refused of its part: all of it when it rejected, the difference when it approved less.</summary>
    public long InsurerShortfall => InsuranceStatus switch
    {
        Insurance.Rejected => Insured,
        Insurance.PartlySettled => Insured - InsurerApproved,
        _ => 0,
    };

    /// <summary>What the patient owes now: the self-pay part, plus what the insurer refused of its part.</summary>
    public long Due => Status == OrderStatus.Canceled ? 0 : SelfPay + InsurerShortfall - Paid;

    /// <summary>What may still go back to the patient's tenders: never more than was paid.</summary>
    public long Refundable => Paid - Refunded;
}

public sealed record RefundLineState(int No, string Tender, string? Channel, string? IntentId, long Amount, string Status, string? GatewayRefundId)
{
    public const string Done = "done", Held = "held", Funded = "funded", Released = "released";
}

public sealed record HospitalRefund(
    string RefundId, string Kind, string? OrderId, long Amount, string Reason, string RequestedBy, string Status, string? ApprovedBy,
    string TicketId, ImmutableList<RefundLineState> Lines, DateTimeOffset RequestedAt, string? RequestedById = null, string? ApprovedById = null,
    string? Tender = null, string? ShiftId = null)
{
    public const string PendingApproval = "pending_approval", Executed = "executed", Refused = "refused";

    public bool Awaiting => Lines.Any(l => l.Status == RefundLineState.Held);
}

public sealed record CreditLine(long Limit, string? LinkedChannel);

/// <summary>A patient's hospital money as its events made it. Immutable; evolved one event at a time.</summary>
public sealed record PatientAccount(
    string PatientId,
    ImmutableDictionary<string, HospitalOrder> Orders,
    long Deposit,
    ImmutableList<DepositTender> DepositTenders,
    CreditLine? Credit,
    long CreditOutstanding,
    bool Overdue,
    string? LastSettlementDate,
    ImmutableDictionary<string, HospitalRefund> Refunds,
    ImmutableHashSet<string> AppliedIntents,
    bool Discharged,
    ImmutableList<DepositTender> ChannelSettlements)
{
    public static PatientAccount Empty(string patientId) => new(patientId, ImmutableDictionary<string, HospitalOrder>.Empty, 0,
        [], null, 0, false, null, ImmutableDictionary<string, HospitalRefund>.Empty, [], false, []);

    /// <summary>A refund line that goes back to a channel through the gateway: a channel slice, or credit a channel settled.</summary>
    public static bool ThroughGateway(string tender, string? intentId) => tender == Tenders.Channel || (tender == Tenders.Credit && intentId is not null);

    public IEnumerable<HospitalOrder> Unpaid => Orders.Values.Where(o => o.Due > 0).OrderBy(o => o.PostedAt);

    public long CreditAvailable => Credit is null ? 0 : Math.Max(0, Credit.Limit - CreditOutstanding);

    public HospitalOrder? OrderByHisId(string hisOrderId) => Orders.Values.FirstOrDefault(o => o.HisOrderId == hisOrderId);

    public PatientAccount Apply(object e) => e switch
    {
        OrderPosted x => this with
        {
            Orders = Orders.SetItem(x.OrderId, new HospitalOrder(x.OrderId, x.HisOrderId, x.VisitId, x.Kind, x.Description, x.Amount,
                x.InsuredAmount, x.InsurerId, OrderStatus.Unpaid, x.InsuredAmount > 0 ? Insurance.Pending : Insurance.None, 0, 0, [], x.PostedAt)),
        },
        OrderCanceled x => WithOrder(x.OrderId, o => o with { Status = OrderStatus.Canceled }),
        OrdersPaid x => Paid(x),
        DepositPaidIn x => this with
        {
            Deposit = Deposit + x.Amount,
            DepositTenders = DepositTenders.Add(new DepositTender(x.IntentId, x.Channel, x.Amount, 0)),
            AppliedIntents = AppliedIntents.Add(x.IntentId),
        },
        InsuranceSettled x => WithOrder(x.OrderId, o => o with { InsuranceStatus = Insurance.Settled, InsurerBooked = false }),
        InsuranceRejected x => WithOrder(x.OrderId, o => o with
        {
            InsuranceStatus = Insurance.Rejected,
            InsurerBooked = false,
            Status = o.Status == OrderStatus.Paid ? OrderStatus.Unpaid : o.Status,
        }),
        InsurancePartlySettled x => WithOrder(x.OrderId, o => o with
        {
            InsuranceStatus = Insurance.PartlySettled,
            InsurerApproved = x.Approved,
            InsurerBooked = false,
            Status = o.Status == OrderStatus.Paid ? OrderStatus.Unpaid : o.Status,
        }),
        CreditCareEnrolled x => this with { Credit = new CreditLine(x.Limit, x.LinkedChannel) },
        CreditSettlementRan x => this with
        {
            LastSettlementDate = x.LocalDate,
            Deposit = Deposit - x.FromDeposit,
            CreditOutstanding = CreditOutstanding - x.FromDeposit,
            Overdue = x.Remaining > 0,
        },
        CreditRepaid x => this with
        {
            CreditOutstanding = CreditOutstanding - (x.Amount - x.ToDeposit),
            Overdue = Overdue && CreditOutstanding - (x.Amount - x.ToDeposit) > 0,
            Deposit = Deposit + x.ToDeposit,
            DepositTenders = x.ToDeposit > 0 ? DepositTenders.Add(new DepositTender(x.IntentId, x.Channel, x.ToDeposit, 0)) : DepositTenders,
            // What the channel settled of the credit: a refund of that credit goes back to it.
            ChannelSettlements = x.Amount > x.ToDeposit ? ChannelSettlements.Add(new DepositTender(x.IntentId, x.Channel, x.Amount - x.ToDeposit, 0)) : ChannelSettlements,
            AppliedIntents = AppliedIntents.Add(x.IntentId),
        },
        RefundRequested x => this with
        {
            Refunds = Refunds.SetItem(x.RefundId, new HospitalRefund(x.RefundId, x.Kind, x.OrderId, x.Amount, x.Reason, x.RequestedBy,
                x.NeedsApproval ? HospitalRefund.PendingApproval : "approved", null, x.TicketId, [], x.RequestedAt, x.RequestedById, Tender: x.Tender, ShiftId: x.ShiftId)),
        },
        RefundApproved x => WithRefund(x.RefundId, r => r with { Status = "approved", ApprovedBy = x.ApprovedBy, ApprovedById = x.ApprovedById }),
        RefundRefused x => WithRefund(x.RefundId, r => r with { Status = HospitalRefund.Refused }),
        RefundExecuted x => Executed(x),
        RefundLineFunded x => WithRefund(x.RefundId, r => r with
        {
            Lines = r.Lines.Select(l => l.No == x.LineNo ? l with { Status = RefundLineState.Funded, GatewayRefundId = x.GatewayRefundId } : l).ToImmutableList(),
        }),
        RefundLineReleased x => Released(x),
        PatientDischarged => this with { Discharged = true },
        _ => this,
    };

    PatientAccount Paid(OrdersPaid x)
    {
        var next = this;
        foreach (var share in x.Orders)
            next = next.WithOrder(share.OrderId, o =>
            {
                var paid = o with { Paid = o.Paid + share.Amount, InsurerBooked = o.InsurerBooked || share.InsurerPart > 0, Slices = o.Slices.Insert(0, new TenderSlice(x.Tender, x.Channel, x.IntentId, share.Amount, 0)) };
                return paid with { Status = paid.Due == 0 ? OrderStatus.Paid : OrderStatus.Unpaid };
            });
        return next with
        {
            Deposit = next.Deposit - (x.Tender == Tenders.Deposit ? x.Amount : 0) + x.ToDeposit,
            DepositTenders = x.ToDeposit > 0 ? next.DepositTenders.Add(new DepositTender(x.IntentId!, x.Channel!, x.ToDeposit, 0)) : next.DepositTenders,
            CreditOutstanding = next.CreditOutstanding + (x.Tender == Tenders.Credit ? x.Amount : 0),
            AppliedIntents = x.IntentId is null ? next.AppliedIntents : next.AppliedIntents.Add(x.IntentId),
        };
    }

    PatientAccount Executed(RefundExecuted x)
    {
        var next = WithRefund(x.RefundId, r => r with
        {
            Status = HospitalRefund.Executed,
            Lines = x.Lines.Select(l => new RefundLineState(l.No, l.Tender, l.Channel, l.IntentId, l.Amount,
                ThroughGateway(l.Tender, l.IntentId) ? RefundLineState.Held : RefundLineState.Done, null)).ToImmutableList(),
        });
        var total = x.Lines.Sum(l => l.Amount);
        if (x.Kind == RefundKinds.Order)
        {
            next = next.WithOrder(x.OrderId!, o => o with { Refunded = o.Refunded + total, Slices = Take(o.Slices, x.Lines) });
            next = next with { ChannelSettlements = Settled(next.ChannelSettlements, x.Lines, +1) };
            // Money of a credit slice: it lowers what is still owed, and beyond that (settled from the deposit) it joins the deposit;
            // what a channel settled goes back to that channel (its line above, through the gateway).
            var credit = x.Lines.Where(l => l.Tender == Tenders.Credit && l.IntentId is null).Sum(l => l.Amount);
            var toOutstanding = Math.Min(credit, next.CreditOutstanding);
            var toDeposit = credit - toOutstanding + x.Lines.Where(l => l.Tender == Tenders.Deposit).Sum(l => l.Amount);
            return next with { CreditOutstanding = next.CreditOutstanding - toOutstanding, Deposit = next.Deposit + toDeposit };
        }
        return next with
        {
            Deposit = next.Deposit - total,
            DepositTenders = next.DepositTenders.Select(t =>
                t with { Refunded = t.Refunded + x.Lines.Where(l => l.IntentId == t.IntentId).Sum(l => l.Amount) }).ToImmutableList(),
        };
    }

    PatientAccount Released(RefundLineReleased x)
    {
        var refund = Refunds[x.RefundId];
        var line = refund.Lines.First(l => l.No == x.LineNo);
        var next = WithRefund(x.RefundId, r => r with
        {
            Lines = r.Lines.Select(l => l.No == x.LineNo ? l with { Status = RefundLineState.Released, GatewayRefundId = x.GatewayRefundId } : l).ToImmutableList(),
        });
        if (refund.Kind == RefundKinds.Order && line.Tender == Tenders.Credit)
            return next.WithOrder(refund.OrderId!, o => o with
            {
                Refunded = o.Refunded - x.Amount,
                Slices = GiveBack(o.Slices, Tenders.Credit, null, x.Amount),
            }) with { ChannelSettlements = Settled(next.ChannelSettlements, [new RefundLine(line.No, line.Tender, line.Channel, line.IntentId, x.Amount)], -1) };
        if (refund.Kind == RefundKinds.Order)
            return next.WithOrder(refund.OrderId!, o => o with
            {
                Refunded = o.Refunded - x.Amount,
                Slices = o.Slices.Select(s => s.Tender == Tenders.Channel && s.IntentId == line.IntentId && s.Refunded >= x.Amount
                    ? s with { Refunded = s.Refunded - x.Amount } : s).ToImmutableList(),
            });
        return next with
        {
            Deposit = next.Deposit + x.Amount,
            DepositTenders = next.DepositTenders.Select(t => t.IntentId == line.IntentId && t.Refunded >= x.Amount ? t with { Refunded = t.Refunded - x.Amount } : t).ToImmutableList(),
        };
    }

    /// <summary>Counts (or, released, uncounts) what went back to the channels that settled credit.</summary>
    static ImmutableList<DepositTender> Settled(ImmutableList<DepositTender> settlements, IReadOnlyList<RefundLine> lines, int sign) =>
        settlements.Select(t => t with
        {
            Refunded = t.Refunded + sign * lines.Where(l => l.Tender == Tenders.Credit && l.IntentId == t.IntentId).Sum(l => l.Amount),
        }).ToImmutableList();

    /// <summary>A released amount back on the slices of a tender that have had that much refunded (newest first).</summary>
    static ImmutableList<TenderSlice> GiveBack(ImmutableList<TenderSlice> slices, string tender, string? intentId, long amount)
    {
        var result = slices.ToBuilder();
        for (var i = 0; i < result.Count && amount > 0; i++)
        {
            var s = result[i];
            if (s.Tender != tender || s.IntentId != intentId || s.Refunded == 0) continue;
            var back = Math.Min(amount, s.Refunded);
            result[i] = s with { Refunded = s.Refunded - back };
            amount -= back;
        }
        return result.ToImmutable();
    }

    /// <summary>Marks the lines' amounts refunded on the slices they came from (lines were cut newest slice first).</summary>
    static ImmutableList<TenderSlice> Take(ImmutableList<TenderSlice> slices, IReadOnlyList<RefundLine> lines)
    {
        var result = slices.ToBuilder();
        foreach (var line in lines)
        {
            var left = line.Amount;
            for (var i = 0; i < result.Count && left > 0; i++)
            {
                var s = result[i];
                // A credit line names the channel that settled the credit (if any), not the slice: credit slices have no intent.
                var intentId = line.Tender == Tenders.Credit ? null : line.IntentId;
                if (s.Tender != line.Tender || s.IntentId != intentId || s.Left == 0) continue;
                var take = Math.Min(left, s.Left);
                result[i] = s with { Refunded = s.Refunded + take };
                left -= take;
            }
        }
        return result.ToImmutable();
    }

    PatientAccount WithOrder(string orderId, Func<HospitalOrder, HospitalOrder> change) =>
        Orders.TryGetValue(orderId, out var o) ? this with { Orders = Orders.SetItem(orderId, change(o)) } : this;

    PatientAccount WithRefund(string refundId, Func<HospitalRefund, HospitalRefund> change) =>
        Refunds.TryGetValue(refundId, out var r) ? this with { Refunds = Refunds.SetItem(refundId, change(r)) } : this;
}

public static class RefundKinds
{
    public const string Order = "order", Deposit = "deposit";
}
