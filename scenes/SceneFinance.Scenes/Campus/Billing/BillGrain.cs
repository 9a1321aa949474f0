using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Storage;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Scenes.Campus.Billing;

/// <summary>
/// Orchestrates one bill: its <see cref="StreamWriter{TState}"/> rebuilds it from the stream, <see cref="BillDecisions"/> decide, and
/// the writer commits the events with the listing, the collections journal lines and the outcome under its ticket (one transaction)
/// before answering. The pages of this host hear of each commit through <see cref="CampusNews"/>.
/// </summary>
public sealed class BillGrain(StreamWriters writers, CampusNews news) : Grain, IBillGrain
{
    StreamWriter<Bill> _bill = null!;
    Orleans.Runtime.IGrainTimer? _forget; // a made-up id leaves memory a little later (UnknownIds)

    public override Task OnActivateAsync(CancellationToken ct)
    {
        var (tenantId, id) = GrainKeys.Parse(this.GetPrimaryKeyString());
        _bill = writers.For<Bill>(tenantId, id, Bill.Fold, Refusal.NotFound("The bill"), (next, d) => Follow(tenantId, next, d));
        return _bill.Load(ct);
    }

    string TenantId => _bill.TenantId;
    string Id => _bill.StreamKey;

    Task<Outcome<IssuedBill>> IBillGrain.Issue(IssueBill c) =>
        Told(() => _bill.Start(s => BillDecisions.Issue(s, Id, c), (next, d) => new IssuedBill(View(next), d.Events.Count > 0)));

    Task<BillView?> IBillGrain.Get()
    {
        if (_bill.State is null) _forget = this.ForgetLater(_forget, () => _bill.State is null); // someone asked for an id that does not exist: don't keep it in memory
        return Task.FromResult(_bill.State is { } s ? View(s) : null);
    }

    Task<Outcome<BillPayment>> IBillGrain.PayOffline(PayBillOffline c) =>
        Told(() => _bill.Write(s => BillDecisions.PayOffline(s, c), next => new BillPayment(c.PaymentId, "succeeded", c.Method, c.Amount, View(next)), c.Ticket, c.Now));

    // Movements the gateway asks for are applied once each: the operation's ticket holds its first outcome, so a repeated call
    // (the janitor finishing what a crash left) gets it again.

    Task<Outcome<OnlinePaymentApplied>> IBillGrain.PayOnline(PayBillOnline c) =>
        Told(() => _bill.Write(s => BillDecisions.PayOnline(s, c),
            next => new OnlinePaymentApplied(c.IntentId, next.Receipts[c.IntentId].Applied, next.Receipts[c.IntentId].Excess),
            IdempotencyTicket.Operation($"bill-payment:{c.IntentId}"), c.Now));

    Task<Outcome<RefundTakenFromBill>> IBillGrain.FundRefund(RefundBill c) =>
        Told(() => _bill.Write(s => BillDecisions.FundRefund(s, c), next => Taken(next, c.RefundId), IdempotencyTicket.Operation($"bill-refund:{c.RefundId}"), c.Now));

    Task<Outcome<RefundTakenFromBill>> IBillGrain.ReleaseRefund(RefundBill c) =>
        Told(() => _bill.Write(s => BillDecisions.ReleaseRefund(s, c), next => Taken(next, c.RefundId), IdempotencyTicket.Operation($"bill-release:{c.RefundId}"), c.Now));

    static RefundTakenFromBill Taken(Bill b, string refundId) => b.Refunds.TryGetValue(refundId, out var r)
        ? new RefundTakenFromBill(refundId, r.FromExcess, r.FromCollected, r.Released)
        : new RefundTakenFromBill(refundId, 0, 0, false);

    Task<Outcome<BillView>> IBillGrain.Waive(ApplyWaiver c) => Told(() => _bill.Write(s => BillDecisions.Waive(s, c), View));

    Task<Outcome<OverdueMarked>> IBillGrain.MarkOverdue(DateOnly today, DateTimeOffset now) =>
        Told(() => _bill.Write(s => BillDecisions.Overdue(s, today, now), (next, d) => new OverdueMarked(View(next), d.Events.Count)));

    Task<Outcome<CounterRefund>> IBillGrain.RefundCounter(RefundCounterPayment c) =>
        Told(() => _bill.Write(s => BillDecisions.RefundCounter(s, c),
            next => new CounterRefund(c.RefundId, c.PaymentId, c.Amount, c.Reason, c.RefundedBy, c.Now, View(next)), c.Ticket, c.Now));

    Task<Outcome<BillView>> IBillGrain.Rename(RenameStudent c) => Told(() => _bill.Write(s => BillDecisions.Rename(s, c), View));

    Task<Outcome<BillView>> IBillGrain.Cancel(string reason, string cancelledBy, DateTimeOffset now) =>
        Told(() => _bill.Write(s => BillDecisions.Cancel(s, reason, cancelledBy, now), View));

    /// <summary>Runs a write and, when the bill changed (this write, or another activation's found on reloading), tells this host's pages.</summary>
    async Task<Outcome<T>> Told<T>(Func<Task<Outcome<T>>> write)
    {
        var before = _bill.Version;
        var outcome = await write();
        if (_bill.Version != before && _bill.State is { } s) news.BillChanged(TenantId, View(s));
        return outcome;
    }

    /// <summary>What follows from every decision with events, in the same commit: the listing, the journal lines, excess to refund.</summary>
    static Decided Follow(string tenantId, Bill next, Decided d) => d
        .Upsert(BillListing.Of(tenantId, next))
        .Insert([.. JournalLines(next, d.Events), .. Excesses(tenantId, next, d.Events)]);

    static IEnumerable<object> JournalLines(Bill b, IReadOnlyList<object> events)
    {
        foreach (var e in events)
        {
            if (e is BillPaid p)
                yield return Line(b, p.PaymentId, p.Method, p.Channel, p.Provider, p.Reference, p.Applied, p.Excess, p.PaidBy, p.PaidAt);
            else if (e is BillRefundDebited { FromCollected: > 0 } r)
                yield return Line(b, r.RefundId, "refund", r.Channel, null, r.IntentId, -r.FromCollected, 0, "gateway", r.DebitedAt);
            else if (e is BillCounterRefunded c)
            {
                var line = Line(b, c.RefundId, "counter-refund", null, null, c.PaymentId, -c.Amount, 0, c.RefundedBy, c.RefundedAt);
                line.Reason = c.Reason;
                yield return line;
            }
        }
    }

    /// <summary>What an online payment paid beyond the bill is picked up by <see cref="PayingBills.ExcessRefundJob"/>.</summary>
    static IEnumerable<object> Excesses(string tenantId, Bill b, IReadOnlyList<object> events) => events.OfType<BillPaid>().Where(p => p.Excess > 0)
        .Select(p => new ExcessRefund { Id = p.PaymentId, TenantId = tenantId, BillId = b.Id, Amount = p.Excess, CreatedAt = p.PaidAt, UpdatedAt = p.PaidAt });

    static CollectionEntry Line(Bill b, string id, string method, string? channel, string? provider, string? reference, long amount, long excess, string by, DateTimeOffset at) => new()
    {
        Id = id, BillId = b.Id, StudentNumber = b.StudentNumber, StudentName = b.StudentName, Grade = b.Grade, Class = b.Class, Method = method,
        Channel = channel, Provider = provider, Reference = reference, Amount = amount, Excess = excess, By = by, At = at,
    };

    public static BillView View(Bill b)
    {
        var installments = b.Installments.Select(i =>
        {
            var before = b.DueThrough(i.No) - i.Amount;
            var paid = Math.Clamp(b.Covered - before, 0, i.Amount);
            var status = paid == i.Amount ? "paid" : b.OverdueInstallments.Contains(i.No) ? "overdue" : paid > 0 ? "partially_paid" : "due";
            return new InstallmentView(i.No, i.DueDate, i.Amount, paid, b.Cancelled && paid < i.Amount ? "cancelled" : status);
        }).ToList();
        var next = b.NextInstallment() is { } n ? new InstallmentView(n.Installment.No, n.Installment.DueDate, n.Remaining, 0, "due") : null;
        return new BillView(b.Id, b.Status, b.StudentNumber, b.StudentName, b.Grade, b.Class, b.Term, b.PlanId, b.PlanName, b.Lines, b.Gross, b.Discount,
            b.Amount, b.LateFees, b.Collected, b.CollectedOnline, b.CollectedCounter, b.CollectedExternal, b.Waived, b.Refunded, b.Outstanding,
            b.ExcessHeld, installments, next, "CNY", b.IssuedAt, b.UpdatedAt);
    }
}
