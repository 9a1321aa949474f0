using System.Collections.Concurrent;
using SceneFinance.Payments.Gateway;

namespace SceneFinance.Payments.Simulator;

/// <summary>
/// How the simulated channels behave. Every random choice is drawn from the seed and the order (or refund)
/// number, so a run is repeatable whatever order the calls arrive in.
/// </summary>
public sealed class SimulatorBehaviour
{
    public int Seed { get; set; } = 20260901;

    /// <summary>The payer approves at once when the order is created (load and fault tests); otherwise a person approves on the simulator's page.</summary>
    public bool AutoPay { get; set; }

    /// <summary>Of the payments a payer attempts, the share the channel declines (e.g. the payer's balance is short).</summary>
    public double DeclineRate { get; set; }

    /// <summary>Of the calls to the channel's API, the share whose answer is lost after the channel acted: the outcome is unknown.</summary>
    public double ApiTimeoutRate { get; set; }

    /// <summary>Of the outcome notifications, the share never delivered at all (only a query finds the outcome).</summary>
    public double NotificationLossRate { get; set; }

    /// <summary>Of the notifications, the share delivered twice.</summary>
    public double DuplicateRate { get; set; }

    /// <summary>Of the payments, the share whose "payer is paying" notification arrives after the final one.</summary>
    public double OutOfOrderRate { get; set; }

    /// <summary>Of the refunds, the share the channel fails (the payer's account was closed...).</summary>
    public double RefundFailureRate { get; set; }

    /// <summary>The share of notifications held back by <see cref="Delay"/> before delivery.</summary>
    public double DelayedRate { get; set; }

    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A refund stays processing this long at the channel before it succeeds or fails.</summary>
    public TimeSpan RefundProcessing { get; set; } = TimeSpan.FromMilliseconds(200);
}

/// <summary>How a channel's statement misstates an order (<see cref="SimulatedChannel.MisstateInStatement"/>).</summary>
public sealed record StatementFault(bool Twice = false, bool LeftOut = false, long? Amount = null);

public enum SimOrderState { Open, Paying, Paid, Failed, Closed }

public enum SimRefundState { Processing, Succeeded, Failed }

public sealed class SimOrder(string orderNo, long amount, string description, DateTimeOffset createdAt, DateTimeOffset expiresAt)
{
    public string OrderNo { get; } = orderNo;
    public long Amount { get; } = amount;
    public string Description { get; } = description;
    public DateTimeOffset CreatedAt { get; } = createdAt;
    public DateTimeOffset ExpiresAt { get; } = expiresAt;
    public SimOrderState State { get; internal set; }
    public string? TransactionId { get; internal set; }
    public DateTimeOffset? PaidAt { get; internal set; }
    public string? FailureCode { get; internal set; }
    public Dictionary<string, SimRefund> Refunds { get; } = new();
}

public sealed class SimRefund(string refundNo, long amount, DateTimeOffset requestedAt)
{
    public string RefundNo { get; } = refundNo;
    public long Amount { get; } = amount;
    public DateTimeOffset RequestedAt { get; } = requestedAt;
    public SimRefundState State { get; internal set; }
    public DateTimeOffset? SettledAt { get; internal set; }
    public string? RefundTransactionId { get; internal set; }
}

public enum SimAgreementState { Pending, Signed, Terminated }

/// <summary>A withholding agreement at the channel: offered, signed by the payer in the wallet app, terminated by either side.</summary>
public sealed class SimAgreement(string agreementNo, string displayAccount, DateTimeOffset offeredAt)
{
    public string AgreementNo { get; } = agreementNo;
    public string DisplayAccount { get; } = displayAccount;
    public DateTimeOffset OfferedAt { get; } = offeredAt;
    public SimAgreementState State { get; internal set; }
    public string? ContractId { get; internal set; }
    public DateTimeOffset? ChangedAt { get; internal set; }
    /// <summary>Who ended it: <c>payer</c> (in the wallet app) or <c>merchant</c>.</summary>
    public string? TerminatedBy { get; internal set; }
}

/// <summary>Something the channel tells the merchant about: a channel's own simulator turns it into that channel's notification.</summary>
public sealed record SimEvent(string Kind, SimOrder Order, SimRefund? Refund)
{
    public const string Paying = "paying", Paid = "paid", PaymentFailed = "payment-failed", Refunded = "refunded", RefundFailed = "refund-failed";
}

/// <summary>Delivers a notification to the merchant and returns its answer (null when it could not be reached).</summary>
public interface INotificationDelivery
{
    Task<ChannelAnswer?> Deliver(string channel, InboundNotification notification);
}

/// <summary>
/// The channel's side of the world, shared by the four simulated channels: orders, payers, refunds, a ledger of
/// what was settled, and notifications with the faults of <see cref="SimulatorBehaviour"/>. Each channel's
/// simulator wraps this in that channel's own API shapes and notification format.
/// </summary>
public sealed class SimulatedChannel(string channel, SimulatorBehaviour behaviour, TimeProvider clock)
{
    readonly ConcurrentDictionary<string, SimOrder> _orders = new();
    readonly ConcurrentDictionary<string, int> _attempts = new();
    int _inFlight, _lost, _duplicated, _reordered, _delayed;
    long _txSequence;

    public string Channel { get; } = channel;
    public SimulatorBehaviour Behaviour { get; } = behaviour;

    /// <summary>Formats and signs an event as this channel's notification; set by the channel's simulator.</summary>
    public Func<SimEvent, InboundNotification?>? Format { get; set; }

    /// <summary>Whether the merchant's answer means "received" in this channel's words.</summary>
    public Func<ChannelAnswer, bool>? IsAccepted { get; set; }

    public INotificationDelivery? Delivery { get; set; }

    /// <summary>Notifications scheduled or being delivered.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public IReadOnlyCollection<SimOrder> Orders => _orders.Values.ToArray();

    /// <summary>The faults injected so far (for reports, and for tests to prove they ran).</summary>
    public (int Lost, int Duplicated, int Reordered, int Delayed) Faults =>
        (Volatile.Read(ref _lost), Volatile.Read(ref _duplicated), Volatile.Read(ref _reordered), Volatile.Read(ref _delayed));

    public SimOrder? Find(string orderNo) => _orders.GetValueOrDefault(orderNo);

    readonly ConcurrentDictionary<string, SimAgreement> _agreements = new();

    /// <summary>Formats and signs an agreement's change as this channel's notification; set by a simulator whose channel offers agreements.</summary>
    public Func<SimAgreement, InboundNotification?>? FormatAgreement { get; set; }

    public IReadOnlyCollection<SimAgreement> Agreements => _agreements.Values.ToArray();

    public SimAgreement? FindAgreement(string agreementNo) => _agreements.GetValueOrDefault(agreementNo);

    /// <summary>Offers an agreement for the payer to sign (the same number again is the same agreement).</summary>
    public SimAgreement OfferAgreement(string agreementNo, string displayAccount) =>
        _agreements.GetOrAdd(agreementNo, no => new SimAgreement(no, displayAccount, clock.GetUtcNow()));

    /// <summary>The payer signs (or refuses) the agreement in the wallet app; the merchant is notified of a signature.</summary>
    public SimAgreement PayerSigns(string agreementNo, bool sign = true)
    {
        var agreement = FindAgreement(agreementNo) ?? throw new ChannelRejectedException(Channel, "CONTRACT_NOT_EXIST", "No such agreement.");
        lock (agreement)
        {
            if (agreement.State != SimAgreementState.Pending) return agreement;
            agreement.State = sign ? SimAgreementState.Signed : SimAgreementState.Terminated;
            agreement.TerminatedBy = sign ? null : "payer";
            agreement.ContractId = sign ? NewTransactionId() : null;
            agreement.ChangedAt = clock.GetUtcNow();
        }
        NotifyAgreement(agreement);
        return agreement;
    }

    /// <summary>Ends the agreement (the payer in the wallet app, or the merchant through the API); the merchant is notified.</summary>
    public SimAgreement TerminateAgreement(string agreementNo, string by)
    {
        var agreement = FindAgreement(agreementNo) ?? throw new ChannelRejectedException(Channel, "CONTRACT_NOT_EXIST", "No such agreement.");
        lock (agreement)
        {
            if (agreement.State == SimAgreementState.Terminated) return agreement;
            (agreement.State, agreement.TerminatedBy, agreement.ChangedAt) = (SimAgreementState.Terminated, by, clock.GetUtcNow());
        }
        NotifyAgreement(agreement);
        return agreement;
    }

    /// <summary>
    /// Charges the payer under a signed agreement: the order is created and paid (or declined, <see cref="SimulatorBehaviour.DeclineRate"/>)
    /// at once, and notified like a payment. The same order number again is the same charge.
    /// </summary>
    public SimOrder Deduct(string orderNo, long amount, string description, string agreementNo)
    {
        if (FindAgreement(agreementNo) is not { State: SimAgreementState.Signed })
            throw new ChannelRejectedException(Channel, "CONTRACT_ERROR", "No signed agreement under this number.");
        var order = _orders.GetOrAdd(orderNo, no => new SimOrder(no, amount, description, clock.GetUtcNow(), clock.GetUtcNow().AddHours(1)));
        if (order.Amount != amount) throw new ChannelRejectedException(Channel, "ORDER_MISMATCH", "The order number is in use with another amount.");
        lock (order)
        {
            if (order.State != SimOrderState.Open) return order;
            if (!Happens(Behaviour.DeclineRate, orderNo, "decline"))
                (order.State, order.PaidAt, order.TransactionId) = (SimOrderState.Paid, clock.GetUtcNow(), NewTransactionId());
            else
                (order.State, order.FailureCode) = (SimOrderState.Failed, "BALANCE_NOT_ENOUGH");
        }
        Notify(new SimEvent(order.State == SimOrderState.Paid ? SimEvent.Paid : SimEvent.PaymentFailed, order, null), 0);
        return order;
    }

    void NotifyAgreement(SimAgreement agreement)
    {
        if (FormatAgreement?.Invoke(agreement) is not { } notification || Delivery is null) return;
        Interlocked.Increment(ref _inFlight);
        _ = Task.Run(async () =>
        {
            try { await DeliverWithRetries(notification, TimeSpan.Zero); }
            finally { Interlocked.Decrement(ref _inFlight); }
        });
    }

    /// <summary>A draw in [0, 1) fixed by the seed, the subject (order or refund number) and what is drawn for.</summary>
    public double Draw(string subject, string what)
    {
        unchecked
        {
            ulong h = 14695981039346656037UL;
            foreach (var c in $"{Behaviour.Seed}|{Channel}|{subject}|{what}") h = (h ^ c) * 1099511628211UL;
            return (h >> 11) * (1.0 / (1UL << 53));
        }
    }

    bool Happens(double rate, string subject, string what) => rate > 0 && Draw(subject, what) < rate;

    /// <summary>Call after the channel acted: the merchant may not hear the answer (the outcome is then unknown to it).</summary>
    public void MaybeLoseAnswer(string subject, string operation)
    {
        // Each attempt on the same subject draws afresh (by its number), so a retry can get through, and a run repeats.
        var attempt = _attempts.AddOrUpdate($"{subject}|{operation}", 1, (_, n) => n + 1);
        if (Happens(Behaviour.ApiTimeoutRate, subject, $"{operation}#{attempt}")) throw new ChannelTimeoutException(Channel, operation);
    }

    public SimOrder Create(string orderNo, long amount, string description, DateTimeOffset expiresAt)
    {
        var order = _orders.GetOrAdd(orderNo, no => new SimOrder(no, amount, description, clock.GetUtcNow(), expiresAt));
        if (order.Amount != amount) throw new ChannelRejectedException(Channel, "ORDER_MISMATCH", "The order number is in use with another amount.");
        if (Behaviour.AutoPay && order.State == SimOrderState.Open) _ = Task.Run(() => PayerDecides(orderNo, approve: true));
        return order;
    }

    public SimOrder Close(string orderNo)
    {
        var order = Find(orderNo) ?? throw new ChannelRejectedException(Channel, "ORDER_NOT_EXIST", "No such order.");
        lock (order)
        {
            if (order.State is SimOrderState.Open or SimOrderState.Paying) order.State = SimOrderState.Closed;
        }
        return order;
    }

    /// <summary>The payer scans the code and approves or declines; the channel may still decline (<see cref="SimulatorBehaviour.DeclineRate"/>).</summary>
    public SimOrder PayerDecides(string orderNo, bool approve)
    {
        var order = Find(orderNo) ?? throw new ChannelRejectedException(Channel, "ORDER_NOT_EXIST", "No such order.");
        lock (order)
        {
            if (order.State != SimOrderState.Open) return order;
            if (clock.GetUtcNow() > order.ExpiresAt) { order.State = SimOrderState.Closed; return order; }
            order.State = SimOrderState.Paying;
        }
        var outOfOrder = Happens(Behaviour.OutOfOrderRate, orderNo, "out-of-order");
        if (outOfOrder) Interlocked.Increment(ref _reordered);
        if (!outOfOrder) Notify(new SimEvent(SimEvent.Paying, order, null), 0);
        lock (order)
        {
            if (approve && !Happens(Behaviour.DeclineRate, orderNo, "decline"))
            {
                order.State = SimOrderState.Paid;
                order.PaidAt = clock.GetUtcNow();
                order.TransactionId = NewTransactionId();
            }
            else
            {
                order.State = SimOrderState.Failed;
                order.FailureCode = approve ? "BALANCE_NOT_ENOUGH" : "PAYER_DECLINED";
            }
        }
        Notify(new SimEvent(order.State == SimOrderState.Paid ? SimEvent.Paid : SimEvent.PaymentFailed, order, null), 0);
        // Out of order: the "paying" notice comes after the outcome.
        if (outOfOrder) Notify(new SimEvent(SimEvent.Paying, order, null), 1);
        return order;
    }

    public SimRefund Refund(string orderNo, string refundNo, long amount)
    {
        var order = Find(orderNo) ?? throw new ChannelRejectedException(Channel, "ORDER_NOT_EXIST", "No such order.");
        SimRefund refund;
        lock (order)
        {
            if (order.Refunds.TryGetValue(refundNo, out var existing))
            {
                if (existing.Amount != amount) throw new ChannelRejectedException(Channel, "REFUND_MISMATCH", "The refund number is in use with another amount.");
                return existing;
            }
            if (order.State != SimOrderState.Paid) throw new ChannelRejectedException(Channel, "TRADE_NOT_PAID", "Only a paid order can be refunded.");
            var refunded = order.Refunds.Values.Where(r => r.State != SimRefundState.Failed).Sum(r => r.Amount);
            if (amount <= 0 || refunded + amount > order.Amount) throw new ChannelRejectedException(Channel, "REFUND_AMOUNT_INVALID", "More than the order's unrefunded amount.");
            order.Refunds[refundNo] = refund = new SimRefund(refundNo, amount, clock.GetUtcNow());
        }
        _ = Task.Run(async () =>
        {
            await Task.Delay(Behaviour.RefundProcessing);
            lock (order)
            {
                refund.State = Happens(Behaviour.RefundFailureRate, refundNo, "refund-fails") ? SimRefundState.Failed : SimRefundState.Succeeded;
                refund.SettledAt = clock.GetUtcNow();
                if (refund.State == SimRefundState.Succeeded) refund.RefundTransactionId = NewTransactionId();
            }
            Notify(new SimEvent(refund.State == SimRefundState.Succeeded ? SimEvent.Refunded : SimEvent.RefundFailed, order, refund), 0);
        });
        return refund;
    }

    /// <summary>What this channel settled on <paramref name="day"/> (UTC): paid orders and succeeded refunds.</summary>
    /// <summary>
    /// A settlement fault of the channel's own books, for reconciliation tests and demos: the order's payment line is listed twice,
    /// left out, or listed with another amount in the statements from now on.
    /// </summary>
    public void MisstateInStatement(string orderNo, StatementFault fault) => _statementFaults[orderNo] = fault;

    readonly ConcurrentDictionary<string, StatementFault> _statementFaults = new();

    public IReadOnlyList<StatementLine> Statement(DateOnly day)
    {
        var lines = new List<StatementLine>();
        foreach (var o in _orders.Values)
        {
            lock (o)
            {
                if (o.State == SimOrderState.Paid && DateOnly.FromDateTime(o.PaidAt!.Value.UtcDateTime) == day)
                {
                    var fault = _statementFaults.GetValueOrDefault(o.OrderNo);
                    var line = new StatementLine(Channel, day, "payment", o.OrderNo, null, fault?.Amount ?? o.Amount, o.TransactionId!);
                    if (fault?.LeftOut != true) lines.Add(line);
                    if (fault?.Twice == true) lines.Add(line);
                }
                foreach (var r in o.Refunds.Values.Where(r => r.State == SimRefundState.Succeeded && DateOnly.FromDateTime(r.SettledAt!.Value.UtcDateTime) == day))
                    lines.Add(new StatementLine(Channel, day, "refund", o.OrderNo, r.RefundNo, r.Amount, r.RefundTransactionId!));
            }
        }
        return lines.OrderBy(l => l.OrderNo).ThenBy(l => l.RefundNo).ToList();
    }

    string NewTransactionId() => $"{clock.GetUtcNow():yyyyMMddHHmmss}{Interlocked.Increment(ref _txSequence):D10}";

    /// <summary>Sends an event as a notification with the configured faults; retries (like channels do) until accepted.</summary>
    void Notify(SimEvent e, int ordinal)
    {
        if (Format is null || Delivery is null) return;
        var subject = $"{e.Order.OrderNo}|{e.Refund?.RefundNo}|{e.Kind}|{ordinal}";
        if (e.Kind != SimEvent.Paying && Happens(Behaviour.NotificationLossRate, subject, "lost"))
        {
            Interlocked.Increment(ref _lost);
            return;
        }
        var copies = Happens(Behaviour.DuplicateRate, subject, "duplicate") ? 2 : 1;
        if (copies > 1) Interlocked.Increment(ref _duplicated);
        var delay = Happens(Behaviour.DelayedRate, subject, "delayed") ? Behaviour.Delay : TimeSpan.Zero;
        if (delay > TimeSpan.Zero) Interlocked.Increment(ref _delayed);
        // Out of order: a later notice waits a little longer than the one it follows.
        if (ordinal > 0) delay += TimeSpan.FromMilliseconds(300);
        if (Format(e) is not { } notification) return; // this channel does not notify such events
        for (var i = 0; i < copies; i++)
        {
            Interlocked.Increment(ref _inFlight);
            var extra = TimeSpan.FromMilliseconds(i * 50);
            _ = Task.Run(async () =>
            {
                try { await DeliverWithRetries(notification, delay + extra); }
                finally { Interlocked.Decrement(ref _inFlight); }
            });
        }
    }

    async Task DeliverWithRetries(InboundNotification notification, TimeSpan delay)
    {
        if (delay > TimeSpan.Zero) await Task.Delay(delay);
        var wait = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; attempt <= 8; attempt++)
        {
            try
            {
                var answer = await Delivery!.Deliver(Channel, notification);
                if (answer is not null && (IsAccepted?.Invoke(answer) ?? answer.StatusCode is >= 200 and < 300)) return;
            }
            catch (Exception)
            {
                // The merchant could not be reached: like a real channel, try again later.
            }
            await Task.Delay(wait);
            wait *= 2;
        }
    }
}
