using System.Collections.Concurrent;
using System.Security.Cryptography;
using SceneFinance.Payments.Gateway;
using SceneFinance.Payments.Simulator;

namespace SceneFinance.Tests.Payments.Channels;

/// <summary>Records the notifications a simulated channel delivers and answers them in the channel's words.</summary>
public sealed class RecordingDelivery(IChannelAdapter adapter) : INotificationDelivery
{
    readonly ConcurrentQueue<InboundNotification> _received = new();

    /// <summary>Whether the merchant answers "got it" (false makes the channel deliver again).</summary>
    public bool Accept { get; set; } = true;

    public IReadOnlyList<InboundNotification> Received => _received.ToArray();

    public Task<ChannelAnswer?> Deliver(string channel, InboundNotification notification)
    {
        _received.Enqueue(notification);
        return Task.FromResult<ChannelAnswer?>(adapter.Answer(Accept));
    }
}

/// <summary>A channel's simulator and adapter wired together, with a recording merchant behind the notifications.</summary>
public sealed record ChannelRig(SimulatedChannel Sim, IChannelAdapter Adapter, RecordingDelivery Delivery);

/// <summary>
/// What every channel adapter must do over its simulator, whatever the channel's words: each channel's test
/// class inherits these and adds its own rules (order numbers, amounts, notification format).
/// </summary>
public abstract class ChannelContract
{
    protected static readonly GatewayOptions Options = new();

    /// <summary>Builds the channel's simulator (which sets the simulated channel's Format and IsAccepted) and adapter.</summary>
    protected abstract IChannelAdapter Build(SimulatedChannel sim);

    protected abstract string ChannelName { get; }

    /// <summary>The paid notice (of 12.34 yuan) with its amount or another signed field changed, signature left as it was.</summary>
    protected abstract InboundNotification Tamper(InboundNotification paid);

    /// <summary>The notice without its signature.</summary>
    protected abstract InboundNotification Unsigned(InboundNotification paid);

    /// <summary>Whether the channel notifies a failed payment (WeChat Pay does not: a query finds it).</summary>
    protected abstract bool NotifiesFailure { get; }

    protected ChannelRig Rig(SimulatorBehaviour? behaviour = null)
    {
        var sim = new SimulatedChannel(ChannelName, behaviour ?? new SimulatorBehaviour { RefundProcessing = TimeSpan.FromMilliseconds(20) }, TimeProvider.System);
        var adapter = Build(sim);
        var delivery = new RecordingDelivery(adapter);
        sim.Delivery = delivery;
        return new ChannelRig(sim, adapter, delivery);
    }

    protected static string NewIntentId() => "pi_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(13));

    protected static string NewRefundId() => "re_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(13));

    protected static ChannelPaymentRequest Request(string orderNo, long amount) =>
        new(orderNo, amount, "Canteen lunch", DateTimeOffset.UtcNow.AddMinutes(15));

    /// <summary>Waits (at most 5 s) until no notification is in flight and the ones received, read by the adapter, satisfy <paramref name="done"/>.</summary>
    protected static async Task<IReadOnlyList<ChannelNotice>> Notices(ChannelRig rig, Func<IReadOnlyList<ChannelNotice>, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            var notices = rig.Delivery.Received.Select(n => rig.Adapter.Read(n, DateTimeOffset.UtcNow)).ToList();
            if (rig.Sim.InFlight == 0 && done(notices)) return notices;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{notices.Count} notices ({string.Join(", ", notices.Select(n => n.Status))}), {rig.Sim.InFlight} in flight.");
            await Task.Delay(10);
        }
    }

    /// <summary>Creates an order of <paramref name="amount"/> fen, has the payer approve it and returns its order number and the paid notification.</summary>
    protected static async Task<(string OrderNo, InboundNotification Paid)> Paid(ChannelRig rig, long amount = 1234)
    {
        var orderNo = rig.Adapter.OrderNo(NewIntentId());
        await rig.Adapter.Create(Request(orderNo, amount), CancellationToken.None);
        rig.Sim.PayerDecides(orderNo, approve: true);
        await Notices(rig, ns => ns.Any(n => n.OrderNo == orderNo && n.Status == IntentStatus.Succeeded));
        var paid = rig.Delivery.Received.Single(n => rig.Adapter.Read(n, DateTimeOffset.UtcNow) is { RefundNo: null, Status: IntentStatus.Succeeded } notice && notice.OrderNo == orderNo);
        return (orderNo, paid);
    }

    [Fact]
    public async Task A_paid_order_is_notified_as_succeeded_with_its_amount_and_order_number()
    {
        var rig = Rig();
        var orderNo = rig.Adapter.OrderNo(NewIntentId());
        var created = await rig.Adapter.Create(Request(orderNo, 1234), CancellationToken.None);
        Assert.Equal((orderNo, IntentStatus.RequiresPayment, 1234L), (created.OrderNo, created.Status, created.Amount));
        Assert.False(string.IsNullOrEmpty(created.PayUrl));

        rig.Sim.PayerDecides(orderNo, approve: true);
        var notices = await Notices(rig, ns => ns.Any(n => n.Status == IntentStatus.Succeeded));

        var paid = Assert.Single(notices, n => n.Status == IntentStatus.Succeeded);
        Assert.Equal((orderNo, (string?)null, 1234L), (paid.OrderNo, paid.RefundNo, paid.Amount));
        Assert.False(string.IsNullOrEmpty(paid.TransactionId));
        Assert.False(string.IsNullOrEmpty(paid.NotificationId));
        Assert.All(notices, n => Assert.Equal(orderNo, n.OrderNo));
    }

    [Fact]
    public async Task Creating_the_same_order_again_gives_the_same_pay_url()
    {
        var rig = Rig();
        var orderNo = rig.Adapter.OrderNo(NewIntentId());
        var first = await rig.Adapter.Create(Request(orderNo, 500), CancellationToken.None);
        var again = await rig.Adapter.Create(Request(orderNo, 500), CancellationToken.None);
        Assert.Equal(first.PayUrl, again.PayUrl);
        Assert.Single(rig.Sim.Orders);
    }

    [Fact]
    public async Task Query_says_requires_payment_then_succeeded()
    {
        var rig = Rig();
        var orderNo = rig.Adapter.OrderNo(NewIntentId());
        await rig.Adapter.Create(Request(orderNo, 800), CancellationToken.None);
        Assert.Equal(IntentStatus.RequiresPayment, (await rig.Adapter.Query(orderNo, CancellationToken.None)).Status);

        rig.Sim.PayerDecides(orderNo, approve: true);
        var paid = await rig.Adapter.Query(orderNo, CancellationToken.None);
        Assert.Equal((IntentStatus.Succeeded, 800L), (paid.Status, paid.Amount));
        Assert.False(string.IsNullOrEmpty(paid.TransactionId));
    }

    [Fact]
    public async Task Query_says_failed_when_the_channel_declines()
    {
        var rig = Rig(new SimulatorBehaviour { DeclineRate = 1 });
        var orderNo = rig.Adapter.OrderNo(NewIntentId());
        await rig.Adapter.Create(Request(orderNo, 800), CancellationToken.None);
        rig.Sim.PayerDecides(orderNo, approve: true);

        var failed = await rig.Adapter.Query(orderNo, CancellationToken.None);
        Assert.Equal(IntentStatus.Failed, failed.Status);
        Assert.NotNull(failed.FailureCode);

        var notices = await Notices(rig, ns => !NotifiesFailure || ns.Any(n => n.Status == IntentStatus.Failed));
        Assert.DoesNotContain(notices, n => n.Status == IntentStatus.Succeeded);
        if (NotifiesFailure) Assert.Equal(800L, Assert.Single(notices, n => n.Status == IntentStatus.Failed).Amount);
        else Assert.Empty(notices);
    }

    [Fact]
    public async Task Closing_an_unpaid_order_cancels_it_and_the_payer_can_no_longer_pay()
    {
        var rig = Rig();
        var orderNo = rig.Adapter.OrderNo(NewIntentId());
        await rig.Adapter.Create(Request(orderNo, 800), CancellationToken.None);

        Assert.Equal(IntentStatus.Canceled, (await rig.Adapter.Close(orderNo, CancellationToken.None)).Status);
        Assert.Equal(IntentStatus.Canceled, (await rig.Adapter.Query(orderNo, CancellationToken.None)).Status);
        rig.Sim.PayerDecides(orderNo, approve: true);
        Assert.Equal(IntentStatus.Canceled, (await rig.Adapter.Query(orderNo, CancellationToken.None)).Status);
    }

    [Fact]
    public async Task Closing_a_paid_order_says_it_succeeded()
    {
        var rig = Rig();
        var (orderNo, _) = await Paid(rig, 800);
        var closed = await rig.Adapter.Close(orderNo, CancellationToken.None);
        Assert.Equal((IntentStatus.Succeeded, 800L), (closed.Status, closed.Amount));
    }

    [Fact]
    public async Task A_partial_refund_is_queried_notified_and_on_the_statement()
    {
        var rig = Rig();
        var (orderNo, _) = await Paid(rig, 1000);
        var refundNo = rig.Adapter.RefundNo(NewRefundId());

        var asked = await rig.Adapter.Refund(new ChannelRefundRequest(orderNo, refundNo, 300, 1000, "Soup was cold"), CancellationToken.None);
        Assert.Equal((orderNo, refundNo, 300L), (asked.OrderNo, asked.RefundNo, asked.Amount));
        Assert.Contains(asked.Status, new[] { RefundStatus.Pending, RefundStatus.Succeeded });

        var notices = await Notices(rig, ns => ns.Any(n => n.RefundNo == refundNo));
        var refunded = Assert.Single(notices, n => n.RefundNo is not null);
        Assert.Equal((orderNo, refundNo, RefundStatus.Succeeded, 300L), (refunded.OrderNo, refunded.RefundNo, refunded.Status, refunded.Amount));

        var queried = await rig.Adapter.QueryRefund(orderNo, refundNo, CancellationToken.None);
        Assert.Equal((RefundStatus.Succeeded, 300L, (string?)null), (queried.Status, queried.Amount, queried.FailureCode));

        // The rest can be refunded, not more.
        var tooMuch = await Assert.ThrowsAsync<ChannelRejectedException>(() =>
            rig.Adapter.Refund(new ChannelRefundRequest(orderNo, rig.Adapter.RefundNo(NewRefundId()), 701, 1000, "Too much"), CancellationToken.None));
        Assert.False(string.IsNullOrEmpty(tooMuch.Code));

        // A partly refunded payment still stands.
        Assert.Equal(IntentStatus.Succeeded, (await rig.Adapter.Query(orderNo, CancellationToken.None)).Status);

        var day = DateOnly.FromDateTime(rig.Sim.Find(orderNo)!.PaidAt!.Value.UtcDateTime);
        var statement = await rig.Adapter.Statement(day, CancellationToken.None);
        Assert.Contains(statement, l => l is { Kind: "payment", Amount: 1000, RefundNo: null } && l.OrderNo == orderNo && l.Channel == ChannelName);
        Assert.Contains(statement, l => l is { Kind: "refund", Amount: 300 } && l.OrderNo == orderNo && l.RefundNo == refundNo);
    }

    [Fact]
    public async Task Refunding_the_whole_payment_leaves_it_succeeded()
    {
        var rig = Rig();
        var (orderNo, _) = await Paid(rig, 600);
        var refundNo = rig.Adapter.RefundNo(NewRefundId());
        await rig.Adapter.Refund(new ChannelRefundRequest(orderNo, refundNo, 600, 600, "Wrong dish"), CancellationToken.None);
        await Notices(rig, ns => ns.Any(n => n.RefundNo == refundNo));
        Assert.Equal(IntentStatus.Succeeded, (await rig.Adapter.Query(orderNo, CancellationToken.None)).Status);
    }

    [Fact]
    public async Task A_failed_refund_is_queried_and_notified_as_failed()
    {
        var rig = Rig(new SimulatorBehaviour { RefundFailureRate = 1, RefundProcessing = TimeSpan.FromMilliseconds(20) });
        var (orderNo, _) = await Paid(rig, 1000);
        var refundNo = rig.Adapter.RefundNo(NewRefundId());
        await rig.Adapter.Refund(new ChannelRefundRequest(orderNo, refundNo, 400, 1000, "Closed account"), CancellationToken.None);

        var notices = await Notices(rig, ns => ns.Any(n => n.RefundNo == refundNo));
        Assert.Equal(RefundStatus.Failed, Assert.Single(notices, n => n.RefundNo == refundNo).Status);
        var queried = await rig.Adapter.QueryRefund(orderNo, refundNo, CancellationToken.None);
        Assert.Equal(RefundStatus.Failed, queried.Status);
        Assert.NotNull(queried.FailureCode);
    }

    [Fact]
    public async Task Asking_the_same_refund_again_does_not_refund_twice()
    {
        var rig = Rig();
        var (orderNo, _) = await Paid(rig, 1000);
        var refundNo = rig.Adapter.RefundNo(NewRefundId());
        var request = new ChannelRefundRequest(orderNo, refundNo, 700, 1000, "Twice");
        await rig.Adapter.Refund(request, CancellationToken.None);
        var again = await rig.Adapter.Refund(request, CancellationToken.None);
        Assert.Equal((refundNo, 700L), (again.RefundNo, again.Amount));
        Assert.Single(rig.Sim.Find(orderNo)!.Refunds);
    }

    [Fact]
    public async Task A_lost_answer_is_a_timeout_though_the_channel_acted()
    {
        var rig = Rig(new SimulatorBehaviour { ApiTimeoutRate = 1 });
        var orderNo = rig.Adapter.OrderNo(NewIntentId());
        await Assert.ThrowsAsync<ChannelTimeoutException>(() => rig.Adapter.Create(Request(orderNo, 100), CancellationToken.None));
        Assert.NotNull(rig.Sim.Find(orderNo));
    }

    [Fact]
    public async Task A_tampered_or_unsigned_notification_is_rejected()
    {
        var rig = Rig();
        var (_, paid) = await Paid(rig);
        var tampered = Tamper(paid);
        Assert.NotEqual(paid.Body, tampered.Body);
        Assert.Throws<NotificationRejectedException>(() => rig.Adapter.Read(tampered, DateTimeOffset.UtcNow));
        Assert.Throws<NotificationRejectedException>(() => rig.Adapter.Read(Unsigned(paid), DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task A_stale_or_future_notification_is_rejected()
    {
        var rig = Rig();
        var (_, paid) = await Paid(rig);
        var beyond = TimeSpan.FromSeconds(Options.NotificationWindowSeconds + 60);
        var inside = TimeSpan.FromSeconds(Options.NotificationWindowSeconds - 60);
        rig.Adapter.Read(paid, DateTimeOffset.UtcNow + inside);
        rig.Adapter.Read(paid, DateTimeOffset.UtcNow - inside);
        Assert.Throws<NotificationRejectedException>(() => rig.Adapter.Read(paid, DateTimeOffset.UtcNow + beyond));
        Assert.Throws<NotificationRejectedException>(() => rig.Adapter.Read(paid, DateTimeOffset.UtcNow - beyond));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a notification")]
    [InlineData("{\"id\":1}")]
    public void An_unreadable_notification_is_rejected(string body)
    {
        var rig = Rig();
        Assert.Throws<NotificationRejectedException>(() =>
            rig.Adapter.Read(new InboundNotification(new Dictionary<string, string>(), body, "application/json"), DateTimeOffset.UtcNow));
    }

    [Fact]
    public void The_adapter_answers_in_the_words_the_channel_accepts()
    {
        var rig = Rig();
        Assert.True(rig.Sim.IsAccepted!(rig.Adapter.Answer(true)));
        Assert.False(rig.Sim.IsAccepted!(rig.Adapter.Answer(false)));
    }

    [Fact]
    public async Task A_notification_the_merchant_refuses_is_delivered_again()
    {
        var rig = Rig();
        rig.Delivery.Accept = false;
        var orderNo = rig.Adapter.OrderNo(NewIntentId());
        await rig.Adapter.Create(Request(orderNo, 100), CancellationToken.None);
        rig.Sim.PayerDecides(orderNo, approve: true);

        var deadline = DateTime.UtcNow.AddSeconds(5);
        bool Redelivered() => rig.Delivery.Received.Count(n => rig.Adapter.Read(n, DateTimeOffset.UtcNow).Status == IntentStatus.Succeeded) >= 2;
        while (!Redelivered() && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.True(Redelivered());

        rig.Delivery.Accept = true; // the next attempt is accepted and the channel stops
        await Notices(rig, _ => true);
    }

    [Fact]
    public void Order_and_refund_numbers_are_fixed_by_the_ids_and_differ_between_ids()
    {
        var rig = Rig();
        var intent = NewIntentId();
        var refund = "re_" + intent[3..];
        Assert.Equal(rig.Adapter.OrderNo(intent), rig.Adapter.OrderNo(intent));
        Assert.NotEqual(rig.Adapter.OrderNo(intent), rig.Adapter.OrderNo(NewIntentId()));
        Assert.NotEqual(rig.Adapter.RefundNo(refund), rig.Adapter.RefundNo(NewRefundId()));
        Assert.NotEqual(rig.Adapter.OrderNo(intent), rig.Adapter.RefundNo(refund));
        var many = Enumerable.Range(0, 500).Select(_ => rig.Adapter.OrderNo(NewIntentId())).ToHashSet();
        Assert.Equal(500, many.Count);
    }
}
