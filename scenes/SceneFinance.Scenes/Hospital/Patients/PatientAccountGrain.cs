using System.Text.Json;
using JasperFx;
using Marten;
using SceneFinance.Grains;
using SceneFinance.Platform;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Hospital.PayingOrders;
using D = SceneFinance.Scenes.Hospital.Patients.PatientDecisions;

namespace SceneFinance.Scenes.Hospital.Patients;

/// <summary>
/// Orchestrates one patient's hospital account: rebuilds it from its stream, lets <see cref="PatientDecisions"/> decide,
/// appends with the expected version together with the stored reply (or the HIS order claim) and the listing, then answers.
/// It writes through its own Marten session rather than GroupCommit: the listing must be upserted in the same transaction
/// (GroupCommit only inserts), and a patient's account sees a few writes per visit, not a till's stream of taps.
/// </summary>
public sealed class PatientAccountGrain(IDocumentStore store, IGrainFactory grains) : Grain, IPatientAccountGrain
{
    const int MaxAttempts = 5;
    string _tenantId = "", _id = "";
    PatientAccount _state = null!;
    long _version;
    CardHolderView? _holder;

    string StreamKey => "hosp-" + _id;

    public override Task OnActivateAsync(CancellationToken ct)
    {
        (_tenantId, _id) = GrainKeys.Parse(this.GetPrimaryKeyString());
        return Rebuild(ct);
    }

    async Task Rebuild(CancellationToken ct = default)
    {
        await using var session = store.QuerySession(_tenantId);
        var events = await session.Events.FetchStreamAsync(StreamKey, token: ct);
        (_state, _version) = (PatientAccount.Empty(_id), 0);
        foreach (var e in events) (_state, _version) = (_state.Apply(e.Data), e.Version);
    }

    /// <summary>The patient is a card holder of kind <c>patient</c>; anyone else has no hospital account.</summary>
    async Task<PatientAccount> Require()
    {
        _holder ??= await grains.GetGrain<ICardHolderGrain>(GrainKeys.For(_tenantId, _id)).Get();
        if (_holder is not { Kind: "patient" })
        {
            _holder = null;
            throw ProblemException.NotFound("The patient");
        }
        return _state;
    }

    sealed record Decision<T>(IReadOnlyList<object> Events, IReadOnlyList<object> Inserts, Func<PatientAccount, T> Answer, DateTimeOffset Now);

    /// <summary>Decide on current state, commit events, documents and listing in one transaction, then answer. A stale
    /// version rebuilds and decides again; a duplicate document (a reused key, an applied operation) answers <paramref name="onDuplicate"/>.</summary>
    async Task<T> Run<T>(Func<PatientAccount, Decision<T>> decide, Func<Task<T>>? onDuplicate = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var d = decide(await Require());
            if (d.Events.Count == 0 && d.Inserts.Count == 0) return d.Answer(_state);
            var next = d.Events.Aggregate(_state, (s, e) => s.Apply(e));
            await using var session = store.LightweightSession(_tenantId);
            if (d.Events.Count > 0) session.Events.Append(StreamKey, _version + d.Events.Count, [.. d.Events]);
            foreach (var doc in d.Inserts) session.Insert(doc);
            session.Store(PatientAccountListing.Of(_tenantId, next, d.Now));
            try
            {
                await session.SaveChangesAsync();
                (_state, _version) = (next, _version + d.Events.Count);
                return d.Answer(next);
            }
            catch (Exception e) when (onDuplicate is not null && IsDuplicate(e))
            {
                await Rebuild();
                return await onDuplicate();
            }
            catch (ConcurrencyException) when (attempt < MaxAttempts)
            {
                await Rebuild(); // another activation wrote meanwhile: decide again on what is really there
            }
        }
    }

    /// <summary>Marten reports several duplicate inserts of one transaction together.</summary>
    static bool IsDuplicate(Exception e) => e is DocumentAlreadyExistsException
        || e is AggregateException a && a.Flatten().InnerExceptions.All(x => x is DocumentAlreadyExistsException);

    Func<Task<Reply>> Replay(IdempotencyTicket ticket) => async () =>
    {
        await using var session = store.QuerySession(_tenantId);
        var stored = await session.LoadAsync<IdempotentResponse>(ticket.DocumentId)
                     ?? throw ProblemException.Conflict("This HIS order id belongs to another order.");
        return stored.ReplayFor(ticket);
    };

    static Reply Json(int status, object body) => new(status, JsonSerializer.Serialize(body, SceneJson.Options));

    async Task<PatientAccountView> IPatientAccountGrain.Get()
    {
        var s = await Require();
        return PatientViews.Of(s, _holder!.Name, _holder.CardNumber);
    }

    Task<Reply> IPatientAccountGrain.PostOrder(OrderSpec spec, string postedBy, IdempotencyTicket ticket, DateTimeOffset now) => Run(s =>
    {
        var orderId = Ids.New("ord");
        var e = D.Post(s, new PostOrder(orderId, spec.HisOrderId, spec.VisitId, spec.Kind, spec.Description, spec.Amount, spec.InsuredAmount, spec.InsurerId, postedBy, now));
        var reply = Json(201, PatientViews.Order(s.Apply(e).Orders[orderId]));
        return new Decision<Reply>([e], [LegacyReplies.From(ticket, reply, now), new HisOrderClaim { Id = spec.HisOrderId, PatientId = _id, OrderId = orderId }],
            _ => reply, now);
    }, Replay(ticket));

    Task<OrderView> IPatientAccountGrain.CancelOrder(string orderId, string reason, DateTimeOffset now) => Run(s =>
        new Decision<OrderView>(D.Cancel(s, orderId, reason, now) is { } e ? [e] : [], [], next => PatientViews.Order(next.Orders[orderId]), now));

    Task<Reply> IPatientAccountGrain.Pay(IReadOnlyList<string> orderIds, string tender, string source, IdempotencyTicket ticket, DateTimeOffset now) => Run(s =>
    {
        var paid = D.Pay(s, new PayFromAccount(Ids.New("hpay"), orderIds, tender, source, now));
        var reply = Json(200, Receipts.Of(s.Apply(paid), paid));
        return new Decision<Reply>([paid], [LegacyReplies.From(ticket, reply, now)], _ => reply, now);
    }, Replay(ticket));

    async Task IPatientAccountGrain.Check(IReadOnlyList<string> orderIds, long amount)
    {
        var s = await Require();
        if (orderIds.Count > 0) D.CheckOrders(s, orderIds, amount);
    }

    Task IPatientAccountGrain.ApplyChannelMoney(ChannelMoney m) => Run(s =>
    {
        var c = new ApplyChannelMoney(m.IntentId, m.Channel, m.Amount, m.OrderIds, m.Source, m.Now);
        object? e = m.Kind switch
        {
            HospitalPurposes.Orders => D.ApplyToOrders(s, c),
            HospitalPurposes.Deposit => D.PayIn(s, c),
            HospitalPurposes.Credit => D.Repay(s, c),
            _ => throw new InvalidOperationException($"Unknown hospital payment kind {m.Kind}."),
        };
        return new Decision<bool>(e is null ? [] : [e], [], _ => true, m.Now);
    });

    async Task<string?> IPatientAccountGrain.FundRefund(string gatewayRefundId, string intentId, string channel, long amount, DateTimeOffset now)
    {
        string? declined = null;
        await Run(s =>
        {
            var (funded, code) = D.Fund(s, gatewayRefundId, intentId, channel, amount, now);
            declined = code;
            return new Decision<bool>(funded is null ? [] : [funded], [], _ => true, now);
        });
        return declined;
    }

    Task IPatientAccountGrain.ReleaseRefund(string gatewayRefundId, DateTimeOffset now) => Run(s =>
        new Decision<bool>(D.Release(s, gatewayRefundId, null, null, "channel_failed", now) is { } e ? [e] : [], [], _ => true, now));

    Task IPatientAccountGrain.AbandonRefundLine(string refundId, int lineNo, string reason, DateTimeOffset now) => Run(s =>
        new Decision<bool>(D.Release(s, null, refundId, lineNo, reason, now) is { } e ? [e] : [], [], _ => true, now));

    Task<Reply> IPatientAccountGrain.RequestRefund(RefundAsk a) => Run(s =>
    {
        var refundId = Ids.New("hre");
        var asked = D.Ask(s, new AskRefund(refundId, a.Kind, a.OrderId, a.Amount, a.Reason, a.RequestedBy, a.ApprovalThreshold, a.Ticket.DocumentId, a.Now));
        var events = new List<object> { asked };
        if (!asked.NeedsApproval) events.Add(D.Execute(s.Apply(asked), refundId, a.Now));
        var next = events.Aggregate(s, (x, e) => x.Apply(e));
        var reply = Json(asked.NeedsApproval ? 202 : 200, PatientViews.Refund(_id, next.Refunds[refundId]));
        return new Decision<Reply>(events, [LegacyReplies.From(a.Ticket, reply, a.Now)], _ => reply, a.Now);
    }, Replay(a.Ticket));

    Task<HospitalRefundView> IPatientAccountGrain.ApproveRefund(string refundId, string approver, DateTimeOffset now) => Run(s =>
    {
        var approved = D.Approve(s, refundId, approver, now);
        var executed = D.Execute(s.Apply(approved), refundId, now);
        return new Decision<HospitalRefundView>([approved, executed], [], next => PatientViews.Refund(_id, next.Refunds[refundId]), now);
    });

    async Task<HospitalRefundView> IPatientAccountGrain.GetRefund(string refundId)
    {
        var s = await Require();
        return s.Refunds.TryGetValue(refundId, out var r) ? PatientViews.Refund(_id, r) : throw ProblemException.NotFound("The refund");
    }

    async Task<IReadOnlyList<HeldLine>> IPatientAccountGrain.HeldLines()
    {
        var s = await Require();
        return s.Refunds.Values.OrderBy(r => r.RequestedAt)
            .SelectMany(r => r.Lines.Where(l => l.Status == RefundLineState.Held).Select(l => new HeldLine(r.RefundId, l.No, l.IntentId!, l.Channel!, l.Amount)))
            .ToList();
    }

    Task<Reply> IPatientAccountGrain.Discharge(string by, IdempotencyTicket ticket, DateTimeOffset now) => Run(s =>
    {
        if (s.Discharged) throw ProblemException.Conflict("This patient has been discharged already.");
        var refundId = Ids.New("hre");
        var events = D.Discharge(s, refundId, by, ticket.DocumentId, now);
        var next = events.Aggregate(s, (x, e) => x.Apply(e));
        var reply = Json(200, new
        {
            patientId = _id, status = "discharged", refundedAmount = next.Refunds.GetValueOrDefault(refundId)?.Amount ?? 0,
            depositLeft = next.Deposit, refund = next.Refunds.TryGetValue(refundId, out var r) ? PatientViews.Refund(_id, r) : null,
        });
        return new Decision<Reply>(events, [LegacyReplies.From(ticket, reply, now)], _ => reply, now);
    }, Replay(ticket));

    Task<PatientAccountView> IPatientAccountGrain.EnrollCreditCare(long limit, string? linkedChannel, DateTimeOffset now) => Run(s =>
        new Decision<PatientAccountView>([D.Enroll(s, limit, linkedChannel, now)], [], next => PatientViews.Of(next, _holder!.Name, _holder.CardNumber), now));

    Task<OrderView> IPatientAccountGrain.Insurance(string orderId, bool settled, string reason, DateTimeOffset now) => Run(s =>
        new Decision<OrderView>(D.Insurance(s, orderId, settled, reason, now) is { } e ? [e] : [], [], next => PatientViews.Order(next.Orders[orderId]), now));

    Task<SettlementOutcome> IPatientAccountGrain.SettleCredit(string localDate, DateTimeOffset now) => Run(s =>
    {
        var ran = D.Settle(s, localDate, now);
        return new Decision<SettlementOutcome>(ran is null ? [] : [ran], [],
            next => new SettlementOutcome(ran is not null, ran?.FromDeposit ?? 0, next.Overdue ? next.CreditOutstanding : 0, next.Credit?.LinkedChannel), now);
    });
}
