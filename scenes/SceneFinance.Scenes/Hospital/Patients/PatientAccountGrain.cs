using SceneFinance.Grains;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Storage;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Hospital.PayingOrders;
using D = SceneFinance.Scenes.Hospital.Patients.PatientDecisions;

namespace SceneFinance.Scenes.Hospital.Patients;

/// <summary>
/// Orchestrates one patient's hospital account: its <see cref="StreamWriter{TState}"/> rebuilds it from the stream,
/// <see cref="PatientDecisions"/> decide, and the writer commits the events with the HIS order claim, the outcome under the
/// request's ticket and the account's listing in one transaction before answering. A stale activation rebuilds and decides
/// again; a request answered before gets its first answer.
/// </summary>
public sealed class PatientAccountGrain(StreamWriters writers, IGrainFactory grains, TimeProvider clock) : Grain, IPatientAccountGrain
{
    static readonly Refusal NoPatient = Refusal.NotFound("The patient");
    StreamWriter<PatientAccount> _account = null!;
    string _tenantId = "", _id = "";
    CardHolderView? _holder;

    public override Task OnActivateAsync(CancellationToken ct)
    {
        (_tenantId, _id) = GrainKeys.Parse(this.GetPrimaryKeyString());
        var id = _id;
        // Lists, the nightly job and the janitor search the listing, so it follows every change.
        _account = writers.For<PatientAccount>(_tenantId, "hosp-" + id, (s, e) => (s ?? PatientAccount.Empty(id)).Apply(e), NoPatient,
            follow: (next, d) => Insuring.InsuranceClaims.Follow(_tenantId, next, d, _holder?.Name).Upsert(PatientAccountListing.Of(_tenantId, next, clock.GetUtcNow())));
        return _account.Load(ct);
    }

    /// <summary>A patient's account exists before its first event: it is empty then.</summary>
    PatientAccount State => _account.State ?? PatientAccount.Empty(_id);

    /// <summary>The patient is a card holder of kind <c>patient</c>; anyone else has no hospital account.</summary>
    async Task<bool> IsPatient()
    {
        _holder ??= await grains.GetGrain<ICardHolderGrain>(GrainKeys.For(_tenantId, _id)).Get() is { Kind: "patient" } holder ? holder : null;
        return _holder is not null;
    }

    async Task<Outcome<T>> Write<T>(Func<PatientAccount, Decided> decide, Func<PatientAccount, Decided, T> answer,
        IdempotencyTicket? ticket = null, DateTimeOffset now = default)
    {
        if (!await IsPatient()) return NoPatient;
        // The writer answers from the state a decision leads to, which a stream not yet begun lacks when nothing was decided.
        if (_account.State is null && decide(State) is { Refused: false, Events.Count: 0 } nothing) return answer(State, nothing);
        return await _account.Start(s => decide(s ?? PatientAccount.Empty(_id)), answer, ticket, now);
    }

    async Task<Outcome<T>> Read<T>(Func<PatientAccount, Outcome<T>> read) => await IsPatient() ? read(State) : NoPatient;

    PatientAccountView View(PatientAccount s) => PatientViews.Of(s, _holder!.Name, _holder.CardNumber);

    static AccountBalance Balance(PatientAccount s, Decided _) => new(s.Deposit, s.Unpaid.Sum(o => o.Due), s.CreditOutstanding);

    Task<Outcome<PatientAccountView>> IPatientAccountGrain.Get() => Read<PatientAccountView>(s => View(s));

    Task<Outcome<OrderView>> IPatientAccountGrain.PostOrder(PostHisOrder c)
    {
        var orderId = Ids.New("ord");
        var o = c.Spec;
        return Write(s => D.Post(s, new PostOrder(orderId, o.HisOrderId, o.VisitId, o.Kind, o.Description, o.Amount, o.InsuredAmount, o.InsurerId, c.PostedBy, c.Now)),
            (next, _) => PatientViews.Order(next.Orders[orderId]), c.Ticket, c.Now);
    }

    Task<Outcome<OrderView>> IPatientAccountGrain.CancelOrder(string orderId, string reason, DateTimeOffset now) =>
        Write(s => D.Cancel(s, orderId, reason, now), (next, _) => PatientViews.Order(next.Orders[orderId]));

    Task<Outcome<Receipt>> IPatientAccountGrain.Pay(PayOrders c)
    {
        var paymentId = Ids.New("hpay");
        return Write(s => D.Pay(s, new PayFromAccount(paymentId, c.OrderIds, c.Tender, c.Source, c.Now, c.ShiftId)),
            (next, d) => Receipts.Of(next, d.Event<OrdersPaid>()!), c.Ticket, c.Now);
    }

    async Task<Refusal?> IPatientAccountGrain.Check(IReadOnlyList<string> orderIds, long amount) =>
        !await IsPatient() ? NoPatient : orderIds.Count > 0 ? D.CheckOrders(State, orderIds, amount) : null;

    // What the gateway asks for is applied once each: the operation's ticket holds its first answer.

    Task<Outcome<AccountBalance>> IPatientAccountGrain.ApplyChannelMoney(ChannelMoney m)
    {
        var c = new ApplyChannelMoney(m.IntentId, m.Channel, m.Amount, m.OrderIds, m.Source, m.Now);
        return Write(s => m.Kind switch
        {
            HospitalPurposes.Orders => D.ApplyToOrders(s, c),
            HospitalPurposes.Deposit => D.PayIn(s, c),
            HospitalPurposes.Credit => D.Repay(s, c),
            _ => throw new InvalidOperationException($"Unknown hospital payment kind {m.Kind}."),
        }, Balance, IdempotencyTicket.Operation($"hosp-apply:{m.IntentId}"), m.Now);
    }

    Task<Outcome<AccountBalance>> IPatientAccountGrain.FundRefund(FundRefundLine c) =>
        Write(s => D.Fund(s, c.GatewayRefundId, c.IntentId, c.Channel, c.Amount, c.Now), Balance, IdempotencyTicket.Operation($"hosp-fund:{c.GatewayRefundId}"), c.Now);

    Task<Outcome<AccountBalance>> IPatientAccountGrain.ReleaseRefund(string gatewayRefundId, DateTimeOffset now) =>
        Write(s => D.Release(s, gatewayRefundId, null, null, "channel_failed", now), Balance, IdempotencyTicket.Operation($"hosp-release:{gatewayRefundId}"), now);

    Task<Outcome<AccountBalance>> IPatientAccountGrain.AbandonRefundLine(string refundId, int lineNo, string reason, DateTimeOffset now) =>
        Write(s => D.Release(s, null, refundId, lineNo, reason, now), Balance);

    Task<Outcome<HospitalRefundView>> IPatientAccountGrain.RequestRefund(RefundAsk a)
    {
        var refundId = Ids.New("hre");
        return Write(s => D.Ask(s, new AskRefund(refundId, a.Kind, a.OrderId, a.Amount, a.Reason, a.RequestedBy, a.ApprovalThreshold, a.Ticket.DocumentId, a.Now, a.RequestedById, a.Tender, a.ShiftId)),
            (next, _) => PatientViews.Refund(_id, next.Refunds[refundId]), a.Ticket, a.Now);
    }

    Task<Outcome<HospitalRefundView>> IPatientAccountGrain.ApproveRefund(string refundId, string approverId, string approver, DateTimeOffset now) =>
        Write(s => D.ApproveAndExecute(s, refundId, approverId, approver, now), (next, _) => PatientViews.Refund(_id, next.Refunds[refundId]));

    Task<Outcome<HospitalRefundView>> IPatientAccountGrain.GetRefund(string refundId) => Read(s =>
        s.Refunds.TryGetValue(refundId, out var r) ? PatientViews.Refund(_id, r) : Refusal.NotFound("The refund").ToOutcome<HospitalRefundView>());

    Task<Outcome<IReadOnlyList<HeldLine>>> IPatientAccountGrain.HeldLines() => Read<IReadOnlyList<HeldLine>>(s =>
        s.Refunds.Values.OrderBy(r => r.RequestedAt)
            .SelectMany(r => r.Lines.Where(l => l.Status == RefundLineState.Held).Select(l => new HeldLine(r.RefundId, l.No, l.IntentId!, l.Channel!, l.Amount)))
            .ToList());

    Task<Outcome<DischargeView>> IPatientAccountGrain.Discharge(string byId, string by, long approvalThreshold, IdempotencyTicket ticket, DateTimeOffset now)
    {
        var refundId = Ids.New("hre");
        return Write(s => D.Discharge(s, refundId, byId, by, approvalThreshold, ticket.DocumentId, now), (next, _) =>
        {
            var refund = next.Refunds.TryGetValue(refundId, out var r) ? PatientViews.Refund(_id, r) : null;
            // Above the threshold the deposit waits for a second person's approval of the refund.
            return refund is { Status: HospitalRefund.PendingApproval }
                ? new DischargeView(_id, HospitalRefund.PendingApproval, 0, next.Deposit, refund)
                : new DischargeView(_id, "discharged", refund?.Amount ?? 0, next.Deposit, refund);
        }, ticket, now);
    }

    Task<Outcome<PatientAccountView>> IPatientAccountGrain.EnrollCreditCare(long limit, string? linkedChannel, DateTimeOffset now) =>
        Write(s => D.Enroll(s, limit, linkedChannel, now), (next, _) => View(next));

    Task<Outcome<OrderView>> IPatientAccountGrain.Insurance(RecordInsurance c) =>
        Write(s => c.ApprovedAmount is { } approved ? D.AnswerClaim(s, c.OrderId, approved, c.Reason, c.Now) : D.Insurance(s, c.OrderId, c.Settled, c.Reason, c.Now),
            (next, _) => PatientViews.Order(next.Orders[c.OrderId]));

    Task<Outcome<SettlementOutcome>> IPatientAccountGrain.SettleCredit(string localDate, DateTimeOffset now) =>
        Write(s => D.Settle(s, localDate, now), (next, d) => d.Event<CreditSettlementRan>() is { } ran
            ? new SettlementOutcome(true, ran.FromDeposit, next.Overdue ? next.CreditOutstanding : 0, next.Credit?.LinkedChannel)
            : new SettlementOutcome(false, 0, next.Overdue ? next.CreditOutstanding : 0, next.Credit?.LinkedChannel));
}
