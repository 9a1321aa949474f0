using JasperFx;
using Marten;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Storage;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Scenes.Campus.Billing;

/// <summary>
/// Orchestrates one bill: rebuilds it from its stream, lets <see cref="BillDecisions"/> decide, appends with the expected version
/// together with its listing, journal line and stored reply (one transaction), and answers only after that commit. Another
/// activation that wrote meanwhile makes the append fail: the grain reloads and decides again on what is really there.
/// </summary>
public sealed class BillGrain(IDocumentStore store) : Grain, IBillGrain
{
    const int MaxAttempts = 5;
    string _tenantId = "", _id = "";
    Bill? _state;
    long _version;

    public override Task OnActivateAsync(CancellationToken ct)
    {
        (_tenantId, _id) = GrainKeys.Parse(this.GetPrimaryKeyString());
        return Rebuild(ct);
    }

    async Task Rebuild(CancellationToken ct = default) =>
        (_state, _version) = await Streams.Load<Bill>(store, _tenantId, _id, Bill.Fold, ct);

    Bill State => _state ?? throw ProblemException.NotFound("The bill");

    async Task<BillView> IBillGrain.Issue(IssueBill c)
    {
        if (_state is null) await Commit(_ => [BillDecisions.Issue(_id, c)], _ => [], allowNew: true);
        return View(State);
    }

    Task<BillView?> IBillGrain.Get()
    {
        if (_state is null) DeactivateOnIdle();
        return Task.FromResult(_state is null ? null : View(_state));
    }

    async Task<Reply> IBillGrain.PayOffline(PayBillOffline c)
    {
        Reply? reply = null;
        try
        {
            await Commit(s =>
            {
                var paid = BillDecisions.PayOffline(s, c);
                var next = Bill.Fold(s, paid)!;
                reply = Reply.Ok(new { paymentId = c.PaymentId, status = "succeeded", method = c.Method, amount = c.Amount, bill = View(next) });
                return [paid];
            }, _ => [LegacyReplies.From(c.Ticket, reply!, c.Now)]);
        }
        catch (DocumentAlreadyExistsException e) when (e.DocType == typeof(IdempotentResponse))
        {
            await using var session = store.QuerySession(_tenantId);
            var stored = await session.LoadAsync<IdempotentResponse>(c.Ticket.DocumentId)
                         ?? throw new InvalidOperationException("A duplicate idempotency key has no stored reply.");
            return stored.ReplayFor(c.Ticket);
        }
        return reply!;
    }

    async Task<long> IBillGrain.PayOnline(PayBillOnline c)
    {
        await Commit(s => BillDecisions.PayOnline(s, c) is { } e ? [e] : [],
            events => events.OfType<BillPaid>().Where(p => p.Excess > 0)
                .Select(p => (object)new ExcessRefund { Id = p.PaymentId, TenantId = _tenantId, BillId = _id, Amount = p.Excess, CreatedAt = c.Now, UpdatedAt = c.Now }));
        return State.Receipts[c.IntentId].Excess;
    }

    async Task<string?> IBillGrain.FundRefund(RefundBill c)
    {
        string? declined = null;
        await Commit(s =>
        {
            var (debited, code) = BillDecisions.FundRefund(s, c);
            declined = code;
            return debited is null ? [] : [debited];
        }, _ => []);
        return declined;
    }

    Task IBillGrain.ReleaseRefund(RefundBill c) =>
        Commit(s => BillDecisions.ReleaseRefund(s, c) is { } e ? [e] : [], _ => []);

    async Task<BillView> IBillGrain.Waive(ApplyWaiver c)
    {
        await Commit(s => BillDecisions.Waive(s, c) is { } e ? [e] : [], _ => []);
        return View(State);
    }

    async Task<OverdueMarked> IBillGrain.MarkOverdue(DateOnly today, DateTimeOffset now)
    {
        var marked = 0;
        await Commit(s =>
        {
            var overdue = BillDecisions.Overdue(s, today, now);
            marked = overdue.Count;
            return [.. overdue];
        }, _ => []);
        return new OverdueMarked(View(State), marked);
    }

    async Task<BillView> IBillGrain.Cancel(string reason, string cancelledBy, DateTimeOffset now)
    {
        await Commit(s => BillDecisions.Cancel(s, reason, cancelledBy, now) is { } e ? [e] : [], _ => []);
        return View(State);
    }

    /// <summary>
    /// Decides on current state and commits the events with the expected version, the listing, the collections journal lines and
    /// <paramref name="alsoInsert"/> in one transaction. No events: nothing is written. A version conflict reloads and decides again.
    /// </summary>
    async Task Commit(Func<Bill, IReadOnlyList<object>> decide, Func<IReadOnlyList<object>, IEnumerable<object>> alsoInsert, bool allowNew = false)
    {
        for (var attempt = 1; ; attempt++)
        {
            var events = decide(allowNew ? _state! : State);
            if (events.Count == 0) return;
            var next = events.Aggregate(_state, Bill.Fold)!;
            await using var session = store.LightweightSession(_tenantId);
            session.Events.Append(_id, _version + events.Count, [.. events]);
            session.Store(BillListing.Of(_tenantId, next));
            foreach (var entry in JournalLines(next, events)) session.Insert(entry);
            foreach (var doc in alsoInsert(events)) session.Insert(doc);
            try
            {
                await session.SaveChangesAsync();
            }
            catch (ConcurrencyException) when (attempt < MaxAttempts)
            {
                await Rebuild();
                continue;
            }
            (_state, _version) = (next, _version + events.Count);
            return;
        }
    }

    static IEnumerable<CollectionEntry> JournalLines(Bill b, IReadOnlyList<object> events)
    {
        foreach (var e in events)
        {
            if (e is BillPaid p)
                yield return Line(b, p.PaymentId, p.Method, p.Channel, p.Provider, p.Reference, p.Applied, p.Excess, p.PaidBy, p.PaidAt);
            else if (e is BillRefundDebited { FromCollected: > 0 } r)
                yield return Line(b, r.RefundId, "refund", r.Channel, null, r.IntentId, -r.FromCollected, 0, "gateway", r.DebitedAt);
        }
    }

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
