using System.Security.Cryptography;
using Marten;
using Microsoft.Extensions.Logging;
using SceneFinance.Payments.Gateway;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Storage;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Payments.Intents;

/// <summary>
/// Orchestrates one payment intent: records each step before acting on it, asks the channel, lets
/// <see cref="IntentDecisions"/> decide what the channel's word means, and hands the money to the purpose's
/// <see cref="IIntentFulfilment"/> exactly once. Whatever is left half done (a crash, a lost answer, a lost
/// notification) is visible in the intent's listing and finished by <see cref="Reconcile"/>.
/// </summary>
public sealed class PaymentIntentGrain(
    IDocumentStore store, StreamWriters writers, ChannelAdapters adapters, IEnumerable<IIntentFulfilment> fulfilments, GatewayOptions options,
    ILogger<PaymentIntentGrain> log) : Grain, IPaymentIntentGrain
{
    static readonly Refusal Missing = Refusal.NotFound("The payment intent");
    StreamWriter<Intent> _intent = null!;

    public override Task OnActivateAsync(CancellationToken ct)
    {
        var (tenantId, id) = GrainKeys.Parse(this.GetPrimaryKeyString());
        // Every change rewrites the listing, which lists and the janitor search.
        _intent = writers.For<Intent>(tenantId, id, Intent.Fold, Missing, (next, d) => d.Upsert(IntentListing.Of(tenantId, next)));
        return _intent.Load(ct);
    }

    string TenantId => _intent.TenantId;
    string Id => _intent.StreamKey;
    Intent State => _intent.State!;
    IChannelAdapter Adapter => adapters.Get(State.Channel, State.Live);
    IIntentFulfilment Fulfilment(string kind) => fulfilments.FirstOrDefault(f => f.Kind == kind)
        ?? throw new InvalidOperationException($"No fulfilment for payments of kind {kind}.");

    async Task<Outcome<PaymentIntentView>> IPaymentIntentGrain.Create(CreateIntent c)
    {
        if (_intent.State is { } known)
        {
            if (known.TicketId != c.Ticket.DocumentId || known.RequestHash != c.Ticket.RequestHash) return Refusal.IdempotencyConflict;
            return await StoredOutcomes.Find<PaymentIntentView>(store, TenantId, c.Ticket)
                   ?? await Submit(c.Now); // the first attempt stopped before it answered: finish it
        }
        if (adapters.Find(c.Channel, c.Live) is not { } adapter) return PaymentGateway.ChannelNotConfigured(c.Channel);
        var created = new PaymentIntentCreated(Id, c.Channel, adapter.OrderNo(Id), c.Amount, c.Description, c.Purpose,
            c.Ticket.DocumentId, c.Ticket.RequestHash, c.RequestedBy, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant(),
            c.Now, c.Now.AddMinutes(options.IntentLifetimeMinutes), c.Live, c.AgreementNo);
        // Recorded before the channel hears of it: whatever happens next, the janitor can find and finish it.
        var started = await _intent.Start(s => s is null
                ? Decided.To(created).Insert(new ChannelOrder { Id = ChannelOrder.Key(c.Channel, created.OrderNo), TenantId = TenantId, IntentId = Id, Live = c.Live })
                : Decided.Nothing,
            (next, _) => next);
        if (started.Refusal is { } refused) return refused;
        return State.TicketId == c.Ticket.DocumentId && State.RequestHash == c.Ticket.RequestHash ? await Submit(c.Now) : Refusal.IdempotencyConflict;
    }

    /// <summary>Creates the order at the channel (it is idempotent on the order number there) and stores the answer under the ticket.</summary>
    async Task<Outcome<PaymentIntentView>> Submit(DateTimeOffset now)
    {
        var s = State;
        var events = new List<object>();
        if (s.PayUrl is null && s.Status == IntentStatus.RequiresPayment)
        {
            var request = new ChannelPaymentRequest(s.OrderNo, s.Amount, s.Description, s.ExpiresAt);
            for (var attempt = 1; attempt <= 2 && events.Count == 0; attempt++)
            {
                try
                {
                    if (s.AgreementNo is { } agreementNo)
                    {
                        // A debit under the payer's agreement: charged at once, nobody scans a code. Its outcome is recorded like a
                        // notification's; when the answer is lost, the janitor asks the channel as for any other payment.
                        var debit = await Call(ct => ((IWithholdingChannel)Adapter).Debit(request, agreementNo, ct));
                        events.Add(new PaymentIntentSubmitted(Id, debit.PayUrl ?? "", now));
                        var after = events.Aggregate(s, (state, e) => Intent.Fold(state, e)!);
                        events.AddRange(OnPayment(after, debit.Status, debit, debit.FailureCode, now).Events);
                        continue;
                    }
                    var payment = await Call(ct => Adapter.Create(request, ct));
                    events.Add(new PaymentIntentSubmitted(Id, payment.PayUrl ?? "", now));
                }
                catch (ChannelTimeoutException) when (attempt < 2)
                {
                    // asked again under the same order number: the channel will not create it twice
                }
                catch (ChannelTimeoutException)
                {
                    events.Add(new PaymentIntentProcessing(Id, "channel_timeout", now));
                }
                catch (ChannelRejectedException e)
                {
                    log.LogWarning("Intent {IntentId}: {Channel} refused the order: {Code}", Id, s.Channel, e.Code);
                    events.Add(new PaymentIntentFailed(Id, "channel_rejected", now));
                }
            }
        }
        // Another activation may have recorded the channel's answer meanwhile: then it is not recorded twice.
        var answered = await _intent.Write(state => state.PayUrl is null && state.Status == IntentStatus.RequiresPayment ? Decided.To([.. events]) : Decided.Nothing,
            View, new IdempotencyTicket(s.TicketId, s.RequestHash), now);
        // A debit that succeeded at once hands its money to the purpose now, before it answers.
        if (answered.Refusal is null && State.Status == IntentStatus.Succeeded && !State.Fulfilled)
        {
            await Settle(now);
            return View(State);
        }
        return answered;
    }

    Task<PaymentIntentView?> IPaymentIntentGrain.Get() => Task.FromResult(_intent.State is { } s ? View(s) : null);

    async Task<Outcome<PaymentIntentView>> IPaymentIntentGrain.Cancel(DateTimeOffset now)
    {
        if (_intent.State is not { } s) return Missing;
        if (s.Status == IntentStatus.Canceled) return View(s);
        if (IntentStatus.IsFinal(s.Status)) return Refusal.Conflict($"This payment is {s.Status} and can no longer be canceled.");
        ChannelPayment closed;
        try
        {
            closed = await Call(ct => Adapter.Close(s.OrderNo, ct));
        }
        catch (ChannelTimeoutException)
        {
            return Refusal.Unavailable("channel_unavailable", "The payment channel did not answer; try again shortly.");
        }
        catch (ChannelRejectedException)
        {
            // The channel never saw this order: nobody can pay it.
            closed = new ChannelPayment(s.OrderNo, IntentStatus.Canceled, s.Amount);
        }
        // A payer who paid just before the close wins: the channel's "succeeded" is recorded, not our wish.
        await Record(state => OnPayment(state, closed.Status == IntentStatus.RequiresPayment ? IntentStatus.Canceled : closed.Status, closed, "canceled_by_merchant", now));
        await Settle(now);
        return View(State);
    }

    async Task<Outcome<PaymentIntentView>> IPaymentIntentGrain.Notify(ChannelNotice notice, DateTimeOffset now)
    {
        if (_intent.State is not { } s) return Missing;
        if (notice.RefundNo is null)
            await Record(state => IntentDecisions.OnPayment(state, notice.Status, notice.Amount, notice.TransactionId, null, now));
        else if (s.Refunds.FirstOrDefault(r => r.RefundNo == notice.RefundNo) is { } refund)
            await Record(state => IntentDecisions.OnRefund(state, refund.RefundId, notice.Status, notice.TransactionId, null, now));
        else
            log.LogWarning("Intent {IntentId}: a notification names refund {RefundNo}, which is not ours", Id, notice.RefundNo);
        await Settle(now);
        return View(State);
    }

    async Task<Outcome<RefundView>> IPaymentIntentGrain.Refund(RefundIntent c)
    {
        if (_intent.State is not { } s) return Missing;
        var refundId = s.Refunds.FirstOrDefault(r => r.TicketId == c.Ticket.DocumentId) is { } existing
            ? existing.RequestHash == c.Ticket.RequestHash ? existing.RefundId : null
            : Ids.Derived("re", $"{Id}|{c.Ticket.DocumentId}");
        if (refundId is null) return Refusal.IdempotencyConflict;
        if (State.Refund(refundId) is null)
        {
            var requested = await _intent.Write(state => state.Refund(refundId) is not null ? Decided.Nothing
                    : IntentDecisions.RequestRefund(state, refundId, Adapter.RefundNo(refundId), c.Amount, c.Reason,
                        c.Ticket.DocumentId, c.Ticket.RequestHash, c.RequestedBy, c.Now, c.ApprovalThreshold),
                next => next);
            if (requested.Refusal is { } refused) return refused;
        }
        else if (await StoredOutcomes.Find<RefundView>(store, TenantId, c.Ticket) is { } answered)
        {
            return answered;
        }
        await RunRefund(refundId, c.Now);
        return await _intent.Write(_ => Decided.Nothing, next => RefundView(next.Refund(refundId)!), c.Ticket, c.Now);
    }

    /// <summary>Takes the money back from the purpose (once), then asks the channel (idempotent on the refund number).</summary>
    async Task RunRefund(string refundId, DateTimeOffset now)
    {
        var s = State;
        var refund = s.Refund(refundId)!;
        if (refund.Status != RefundStatus.Pending) return;
        if (await Fulfilment(s.Purpose.Kind).Fund(TenantId, new FundRefund(refundId, Id, s.Channel, refund.Amount, s.Purpose, now)) is { } declined)
        {
            await Record(state => state.Refund(refundId)!.Status == RefundStatus.Pending
                ? Decided.To(new IntentRefundRejected(Id, refundId, declined.Code, now)) : Decided.Nothing);
            return;
        }
        try
        {
            var answer = await Call(ct => Adapter.Refund(new ChannelRefundRequest(s.OrderNo, refund.RefundNo, refund.Amount, s.Amount, refund.Reason), ct));
            await Record(state => IntentDecisions.OnRefund(state, refundId, answer.Status, null, answer.FailureCode, now));
        }
        catch (ChannelTimeoutException)
        {
            // Outcome unknown: the refund stays pending; a notification or the janitor settles it.
        }
        catch (ChannelRejectedException e)
        {
            await Record(state => IntentDecisions.OnRefund(state, refundId, RefundStatus.Failed, null, "channel_" + e.Code.ToLowerInvariant(), now));
        }
        await Settle(now);
    }

    async Task<Outcome<PaymentIntentView>> IPaymentIntentGrain.Reconcile(DateTimeOffset now)
    {
        if (_intent.State is not { } s) return Missing;
        if (!IntentStatus.IsFinal(s.Status))
        {
            try
            {
                var payment = await Call(ct => Adapter.Query(s.OrderNo, ct));
                await Record(state => OnPayment(state, payment.Status, payment, null, now));
                // Nobody can pay an order that expired or whose QR code never reached the payer: close it.
                if (!IntentStatus.IsFinal(State.Status) && (now > s.ExpiresAt || s.PayUrl is null))
                {
                    var closed = await Call(ct => Adapter.Close(s.OrderNo, ct));
                    // Unpaid: an expired intent is canceled (the payer had their chance); one whose order never reached the payer failed.
                    var outcome = closed.Status is IntentStatus.RequiresPayment or IntentStatus.Canceled
                        ? s.PayUrl is null ? IntentStatus.Failed : IntentStatus.Canceled
                        : closed.Status;
                    await Record(state => OnPayment(state, outcome, closed, s.PayUrl is null ? "channel_timeout" : "expired", now));
                }
            }
            catch (ChannelRejectedException) when (s.PayUrl is null)
            {
                // The order never reached the channel.
                await Record(state => IntentStatus.IsFinal(state.Status) ? Decided.Nothing : Decided.To(new PaymentIntentFailed(Id, "channel_unavailable", now)));
            }
            catch (ChannelTimeoutException)
            {
                // still unknown: next round
            }
        }
        await Settle(now);
        foreach (var refund in State.Refunds.Where(r => r.Status == RefundStatus.Pending).ToList())
            await ReconcileRefund(refund, now);
        return View(State);
    }

    /// <summary>A pending refund: what the channel says about it, or, when the channel never got it, the refund run again.</summary>
    async Task ReconcileRefund(IntentRefund refund, DateTimeOffset now)
    {
        try
        {
            var known = await Call(ct => Adapter.QueryRefund(State.OrderNo, refund.RefundNo, ct));
            await Record(state => IntentDecisions.OnRefund(state, refund.RefundId, known.Status, null, known.FailureCode, now));
            await Settle(now);
        }
        catch (ChannelRejectedException)
        {
            await RunRefund(refund.RefundId, now); // unknown at the channel: funding and asking are both idempotent
        }
        catch (ChannelTimeoutException)
        {
            // still unknown: next round
        }
    }

    static Decided OnPayment(Intent s, string status, ChannelPayment p, string? failureCode, DateTimeOffset now) =>
        IntentDecisions.OnPayment(s, status, p.Amount, p.TransactionId, p.FailureCode ?? failureCode, now);

    /// <summary>Finishes what the recorded facts still owe: the purpose's money once succeeded, a failed refund's money back.</summary>
    async Task Settle(DateTimeOffset now)
    {
        var s = State;
        if (s.Status == IntentStatus.Succeeded && !s.Fulfilled)
        {
            await Fulfilment(s.Purpose.Kind).Fulfil(TenantId, new FulfilIntent(Id, s.Channel, s.Amount, s.Purpose, now));
            await Record(state => state.Fulfilled ? Decided.Nothing : Decided.To(new PaymentIntentFulfilled(Id, now)));
        }
        foreach (var refund in State.Refunds.Where(r => r.Status == RefundStatus.Failed && !r.Released).ToList())
        {
            await Fulfilment(s.Purpose.Kind).Release(TenantId, new FundRefund(refund.RefundId, Id, s.Channel, refund.Amount, s.Purpose, now));
            await Record(state => state.Refund(refund.RefundId)!.Released ? Decided.Nothing : Decided.To(new IntentRefundReleased(Id, refund.RefundId, now)));
        }
    }

    /// <summary>
    /// Records what the channel (or the fulfilment) said, decided on the current state; after a conflict with another activation
    /// it is decided again on what that one wrote. Every step is recorded before the next is taken.
    /// </summary>
    async Task Record(Func<Intent, Decided> decide)
    {
        if ((await _intent.Write(decide, next => next)).Refusal is { } refused)
            throw new InvalidOperationException($"Intent {Id}: {refused.Code} {refused.Detail}"); // the caller (a channel's retry, the janitor) comes again
    }

    async Task<T> Call<T>(Func<CancellationToken, Task<T>> call)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(options.ChannelTimeoutSeconds));
        try
        {
            return await call(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new ChannelTimeoutException(State.Channel, "call");
        }
    }

    public static string IdFor(string tenantId, IdempotencyTicket ticket) => Ids.Derived("pi", $"{tenantId}|{ticket.DocumentId}");

    PaymentIntentView View(Intent s) => new(s.Id, s.Status, s.Amount, "CNY", s.Channel, s.Purpose, s.PayUrl,
        options.Simulated ? $"{options.PublicBaseUrl.TrimEnd('/')}/pay/{TenantId}/{s.Id}?secret={s.ClientSecret}" : null,
        s.Refunded, s.Refundable, s.Refunds.Select(RefundView).ToList(), s.FailureCode, s.Fulfilled, s.CreatedAt, s.ExpiresAt);

    RefundView RefundView(IntentRefund r) => new(r.RefundId, Id, r.Amount, r.Status, r.FailureCode, r.Reason, r.RequestedAt);
}
