using System.Security.Cryptography;
using System.Text.Json;
using JasperFx;
using Marten;
using Microsoft.Extensions.Logging;
using SceneFinance.Payments.Gateway;
using SceneFinance.Platform;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
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
    IDocumentStore store, ChannelAdapters adapters, IEnumerable<IIntentFulfilment> fulfilments, GatewayOptions options,
    ILogger<PaymentIntentGrain> log) : Grain, IPaymentIntentGrain
{
    string _tenantId = "", _id = "";
    Intent? _state;
    long _version;

    public override Task OnActivateAsync(CancellationToken ct)
    {
        (_tenantId, _id) = GrainKeys.Parse(this.GetPrimaryKeyString());
        return Rebuild(ct);
    }

    async Task Rebuild(CancellationToken ct = default) =>
        (_state, _version) = await Streams.Load<Intent>(store, _tenantId, _id, Intent.Fold, ct);

    Intent State => _state ?? throw ProblemException.NotFound("The payment intent");
    IChannelAdapter Adapter => adapters.Get(State.Channel);
    IIntentFulfilment Fulfilment(string kind) => fulfilments.FirstOrDefault(f => f.Kind == kind)
        ?? throw new InvalidOperationException($"No fulfilment for payments of kind {kind}.");

    async Task<Reply> IPaymentIntentGrain.Create(CreateIntent c)
    {
        if (_state is not null)
        {
            if (_state.TicketId != c.Ticket.DocumentId || _state.RequestHash != c.Ticket.RequestHash) return Reply.Conflict();
            await using var session = store.QuerySession(_tenantId);
            if (await session.LoadAsync<IdempotentResponse>(c.Ticket.DocumentId) is { } stored) return stored.ReplayFor(c.Ticket);
            return await Submit(c.Now); // the first attempt stopped before it answered: finish it
        }
        var adapter = adapters.Get(c.Channel);
        var created = new PaymentIntentCreated(_id, c.Channel, adapter.OrderNo(_id), c.Amount, c.Description, c.Purpose,
            c.Ticket.DocumentId, c.Ticket.RequestHash, c.RequestedBy, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant(),
            c.Now, c.Now.AddMinutes(options.IntentLifetimeMinutes));
        // Recorded before the channel hears of it: whatever happens next, the janitor can find and finish it.
        await Append([created], [new ChannelOrder { Id = ChannelOrder.Key(c.Channel, created.OrderNo), TenantId = _tenantId, IntentId = _id }]);
        return await Submit(c.Now);
    }

    /// <summary>Creates the order at the channel (it is idempotent on the order number there) and stores the answer.</summary>
    async Task<Reply> Submit(DateTimeOffset now)
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
                    var payment = await Call(ct => Adapter.Create(request, ct));
                    events.Add(new PaymentIntentSubmitted(_id, payment.PayUrl ?? "", now));
                }
                catch (ChannelTimeoutException) when (attempt < 2)
                {
                    // asked again under the same order number: the channel will not create it twice
                }
                catch (ChannelTimeoutException)
                {
                    events.Add(new PaymentIntentProcessing(_id, "channel_timeout", now));
                }
                catch (ChannelRejectedException e)
                {
                    log.LogWarning("Intent {IntentId}: {Channel} refused the order: {Code}", _id, s.Channel, e.Code);
                    events.Add(new PaymentIntentFailed(_id, "channel_rejected", now));
                }
            }
        }
        var next = events.Aggregate(s, (state, e) => Intent.Fold(state, e)!);
        var reply = new Reply(201, JsonSerializer.Serialize(View(next), SceneJson.Options));
        await Append(events, [LegacyReplies.From(new IdempotencyTicket(s.TicketId, s.RequestHash), reply, now)]);
        return reply;
    }

    Task<PaymentIntentView?> IPaymentIntentGrain.Get() => Task.FromResult(_state is null ? null : View(_state));

    async Task<PaymentIntentView> IPaymentIntentGrain.Cancel(DateTimeOffset now)
    {
        var s = State;
        if (s.Status == IntentStatus.Canceled) return View(s);
        if (IntentStatus.IsFinal(s.Status)) throw ProblemException.Conflict($"This payment is {s.Status} and can no longer be canceled.");
        ChannelPayment closed;
        try
        {
            closed = await Call(ct => Adapter.Close(s.OrderNo, ct));
        }
        catch (ChannelTimeoutException)
        {
            throw new ProblemException(503, "channel_unavailable", "The payment channel did not answer; try again shortly.");
        }
        catch (ChannelRejectedException)
        {
            // The channel never saw this order: nobody can pay it.
            closed = new ChannelPayment(s.OrderNo, IntentStatus.Canceled, s.Amount);
        }
        // A payer who paid just before the close wins: the channel's "succeeded" is recorded, not our wish.
        await Apply(OnPayment(closed.Status == IntentStatus.RequiresPayment ? IntentStatus.Canceled : closed.Status, closed, "canceled_by_merchant", now));
        await Settle(now);
        return View(State);
    }

    async Task<PaymentIntentView> IPaymentIntentGrain.Notify(ChannelNotice notice, DateTimeOffset now)
    {
        var s = State;
        if (notice.RefundNo is null)
            await Apply(IntentDecisions.OnPayment(s, notice.Status, notice.Amount, notice.TransactionId, null, now));
        else if (s.Refunds.FirstOrDefault(r => r.RefundNo == notice.RefundNo) is { } refund)
            await Apply(IntentDecisions.OnRefund(s, refund.RefundId, notice.Status, notice.TransactionId, null, now));
        else
            log.LogWarning("Intent {IntentId}: a notification names refund {RefundNo}, which is not ours", _id, notice.RefundNo);
        await Settle(now);
        return View(State);
    }

    async Task<Reply> IPaymentIntentGrain.Refund(RefundIntent c)
    {
        var s = State;
        var existing = s.Refunds.FirstOrDefault(r => r.TicketId == c.Ticket.DocumentId);
        if (existing is not null)
        {
            if (existing.RequestHash != c.Ticket.RequestHash) return Reply.Conflict();
            await using var session = store.QuerySession(_tenantId);
            if (await session.LoadAsync<IdempotentResponse>(c.Ticket.DocumentId) is { } stored) return stored.ReplayFor(c.Ticket);
        }
        else
        {
            var refundId = "re_" + Digest($"{_id}|{c.Ticket.DocumentId}");
            await Apply(IntentDecisions.RequestRefund(s, refundId, Adapter.RefundNo(refundId), c.Amount, c.Reason,
                c.Ticket.DocumentId, c.Ticket.RequestHash, c.RequestedBy, c.Now));
            existing = State.Refund(refundId)!;
        }
        await RunRefund(existing.RefundId, c.Now);
        var reply = Reply.Ok(RefundView(State.Refund(existing.RefundId)!));
        await Append([], [LegacyReplies.From(c.Ticket, reply, c.Now)]);
        return reply;
    }

    /// <summary>Takes the money back from the purpose (once), then asks the channel (idempotent on the refund number).</summary>
    async Task RunRefund(string refundId, DateTimeOffset now)
    {
        var s = State;
        var refund = s.Refund(refundId)!;
        if (refund.Status != RefundStatus.Pending) return;
        var declined = (await Fulfilment(s.Purpose.Kind).Fund(_tenantId, new FundRefund(refundId, _id, s.Channel, refund.Amount, s.Purpose, now)))?.Code;
        if (declined is not null)
        {
            await Apply(new IntentRefundRejected(_id, refundId, declined, now));
            return;
        }
        try
        {
            var answer = await Call(ct => Adapter.Refund(new ChannelRefundRequest(s.OrderNo, refund.RefundNo, refund.Amount, s.Amount, refund.Reason), ct));
            await Apply(IntentDecisions.OnRefund(State, refundId, answer.Status, null, answer.FailureCode, now));
        }
        catch (ChannelTimeoutException)
        {
            // Outcome unknown: the refund stays pending; a notification or the janitor settles it.
        }
        catch (ChannelRejectedException e)
        {
            await Apply(new IntentRefundFailed(_id, refundId, "channel_" + e.Code.ToLowerInvariant(), now));
        }
        await Settle(now);
    }

    async Task<PaymentIntentView> IPaymentIntentGrain.Reconcile(DateTimeOffset now)
    {
        var s = State;
        if (!IntentStatus.IsFinal(s.Status))
        {
            try
            {
                var payment = await Call(ct => Adapter.Query(s.OrderNo, ct));
                await Apply(OnPayment(payment.Status, payment, null, now));
                // Nobody can pay an order that expired or whose QR code never reached the payer: close it.
                if (!IntentStatus.IsFinal(State.Status) && (now > s.ExpiresAt || s.PayUrl is null))
                {
                    var closed = await Call(ct => Adapter.Close(s.OrderNo, ct));
                    // Unpaid: an expired intent is canceled (the payer had their chance); one whose order never reached the payer failed.
                    var outcome = closed.Status is IntentStatus.RequiresPayment or IntentStatus.Canceled
                        ? s.PayUrl is null ? IntentStatus.Failed : IntentStatus.Canceled
                        : closed.Status;
                    await Apply(OnPayment(outcome, closed, s.PayUrl is null ? "channel_timeout" : "expired", now));
                }
            }
            catch (ChannelRejectedException) when (s.PayUrl is null)
            {
                await Apply(new PaymentIntentFailed(_id, "channel_unavailable", now)); // the order never reached the channel
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
            await Apply(IntentDecisions.OnRefund(State, refund.RefundId, known.Status, null, known.FailureCode, now));
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

    object? OnPayment(string status, ChannelPayment p, string? failureCode, DateTimeOffset now) =>
        IntentDecisions.OnPayment(State, status, p.Amount, p.TransactionId, p.FailureCode ?? failureCode, now);

    /// <summary>Finishes what the recorded facts still owe: the purpose's money once succeeded, a failed refund's money back.</summary>
    async Task Settle(DateTimeOffset now)
    {
        var s = State;
        if (s.Status == IntentStatus.Succeeded && !s.Fulfilled)
        {
            await Fulfilment(s.Purpose.Kind).Fulfil(_tenantId, new FulfilIntent(_id, s.Channel, s.Amount, s.Purpose, now));
            await Apply(new PaymentIntentFulfilled(_id, now));
        }
        foreach (var refund in State.Refunds.Where(r => r.Status == RefundStatus.Failed && !r.Released).ToList())
        {
            await Fulfilment(s.Purpose.Kind).Release(_tenantId, new FundRefund(refund.RefundId, _id, s.Channel, refund.Amount, s.Purpose, now));
            await Apply(new IntentRefundReleased(_id, refund.RefundId, now));
        }
    }

    Task Apply(object? e) => e is null ? Task.CompletedTask : Append([e], []);

    /// <summary>Appends with the expected version, rewrites the listing, inserts the documents: one transaction.</summary>
    async Task Append(IReadOnlyList<object> events, IReadOnlyList<object> inserts)
    {
        var next = events.Aggregate(_state, Intent.Fold) ?? throw new InvalidOperationException($"Intent {_id} has no state to record.");
        await using var session = store.LightweightSession(_tenantId);
        if (events.Count > 0) session.Events.Append(_id, _version + events.Count, [.. events]);
        foreach (var doc in inserts) session.Insert(doc);
        session.Store(IntentListing.Of(_tenantId, next));
        try
        {
            await session.SaveChangesAsync();
        }
        catch (ConcurrencyException)
        {
            await Rebuild(); // another activation wrote: this call fails, the caller (channel retry, janitor) comes again
            throw new InvalidOperationException($"Intent {_id} changed meanwhile.");
        }
        (_state, _version) = (next, _version + events.Count);
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

    public static string IdFor(string tenantId, IdempotencyTicket ticket) => "pi_" + Digest($"{tenantId}|{ticket.DocumentId}");

    static string Digest(string text) =>
        Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)), 0, 13).ToLowerInvariant();

    PaymentIntentView View(Intent s) => new(s.Id, s.Status, s.Amount, "CNY", s.Channel, s.Purpose, s.PayUrl,
        options.Simulated ? $"{options.PublicBaseUrl.TrimEnd('/')}/pay/{_tenantId}/{s.Id}?secret={s.ClientSecret}" : null,
        s.Refunded, s.Refundable, s.Refunds.Select(RefundView).ToList(), s.FailureCode, s.Fulfilled, s.CreatedAt, s.ExpiresAt);

    RefundView RefundView(IntentRefund r) => new(r.RefundId, _id, r.Amount, r.Status, r.FailureCode, r.Reason, r.RequestedAt);
}
