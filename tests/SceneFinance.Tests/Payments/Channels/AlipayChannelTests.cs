using SceneFinance.Payments.Channels.Alipay;
using SceneFinance.Payments.Gateway;
using SceneFinance.Payments.Simulator;

namespace SceneFinance.Tests.Payments.Channels;

/// <summary>Alipay's adapter over its simulator: the common contract, and Alipay's own rules.</summary>
public sealed class AlipayChannelTests : ChannelContract
{
    // One key set for the class: generating RSA keys per test would dominate the run.
    static readonly AlipayKeys Keys = new();

    protected override string ChannelName => PaymentChannels.Alipay;
    protected override bool NotifiesFailure => true;

    protected override IChannelAdapter Build(SimulatedChannel sim) =>
        new AlipayAdapter(new AlipaySimulator(sim, Keys, TimeProvider.System), Keys, Options);

    protected override InboundNotification Tamper(InboundNotification paid) =>
        paid with { Body = paid.Body.Replace("total_amount=12.34", "total_amount=99.99", StringComparison.Ordinal) };

    protected override InboundNotification Unsigned(InboundNotification paid) =>
        paid with { Body = AlipaySignature.EncodeForm(AlipaySignature.ParseForm(paid.Body).Where(p => p.Key != "sign")) };

    [Theory]
    [InlineData("0.01", 1)]
    [InlineData("0.10", 10)]
    [InlineData("0.1", 10)]
    [InlineData("12.34", 1234)]
    [InlineData("12", 1200)]
    [InlineData("1000000.00", 100_000_000)]
    [InlineData("100000000.00", 10_000_000_000)]
    public void Yuan_strings_become_fen_with_integer_arithmetic(string yuan, long fen) => Assert.Equal(fen, AlipayAmount.ToFen(yuan));

    [Theory]
    [InlineData(0, "0.00")]
    [InlineData(1, "0.01")]
    [InlineData(10, "0.10")]
    [InlineData(1234, "12.34")]
    [InlineData(100, "1.00")]
    [InlineData(100_000_000, "1000000.00")]
    public void Fen_become_yuan_strings_with_two_decimals(long fen, string yuan) => Assert.Equal(yuan, AlipayAmount.ToYuan(fen));

    [Theory]
    [InlineData("1.234")]
    [InlineData("-1.00")]
    [InlineData("1e3")]
    [InlineData("+1.00")]
    [InlineData("")]
    [InlineData(".5")]
    [InlineData("1.")]
    [InlineData(" 1.00")]
    [InlineData("1.00 ")]
    [InlineData("1,00")]
    [InlineData("1.2a")]
    [InlineData("１.00")]
    [InlineData("NaN")]
    [InlineData("1234567890123456.00")]
    public void Anything_but_yuan_with_at_most_two_decimals_is_refused(string yuan)
    {
        Assert.False(AlipayAmount.TryToFen(yuan, out _));
        Assert.Throws<FormatException>(() => AlipayAmount.ToFen(yuan));
    }

    [Fact]
    public void Negative_fen_have_no_yuan_string() => Assert.Throws<ArgumentOutOfRangeException>(() => AlipayAmount.ToYuan(-1));

    [Fact]
    public async Task One_fen_and_a_million_yuan_cross_the_wire_as_yuan_strings()
    {
        var rig = Rig();
        var (small, notice) = await Paid(rig, 1);
        Assert.Contains("total_amount=0.01", notice.Body, StringComparison.Ordinal);
        Assert.Equal(1, rig.Adapter.Read(notice, DateTimeOffset.UtcNow).Amount);
        Assert.Equal(1, rig.Sim.Find(small)!.Amount);

        var (large, _) = await Paid(rig, 100_000_000);
        Assert.Equal(100_000_000, (await rig.Adapter.Query(large, CancellationToken.None)).Amount);
        Assert.Equal(100_000_000, rig.Sim.Find(large)!.Amount);
    }

    [Fact]
    public void Order_numbers_are_up_to_64_of_letters_digits_and_underscores()
    {
        var adapter = Rig().Adapter;
        Assert.Matches("^[A-Za-z0-9_]{1,64}$", adapter.OrderNo(NewIntentId()));
        Assert.Matches("^[A-Za-z0-9_]{1,64}$", adapter.RefundNo(NewRefundId()));
        Assert.Throws<ArgumentException>(() => adapter.OrderNo("pi_not-hex"));
    }

    [Theory]
    [InlineData("SF-1234")]
    [InlineData("SF 1234")]
    [InlineData("")]
    [InlineData("A123456789012345678901234567890123456789012345678901234567890123X")]
    public async Task The_simulator_refuses_order_numbers_alipay_does_not_take(string orderNo)
    {
        var e = await Assert.ThrowsAsync<ChannelRejectedException>(() => Rig().Adapter.Create(Request(orderNo, 100), CancellationToken.None));
        Assert.Equal("ACQ.INVALID_PARAMETER", e.Code);
    }

    [Fact]
    public async Task The_payer_scanning_is_notified_as_wait_buyer_pay_and_read_as_processing()
    {
        var rig = Rig();
        var (orderNo, _) = await Paid(rig);
        var notices = await Notices(rig, _ => true);
        Assert.Equal([IntentStatus.Processing, IntentStatus.Succeeded], notices.Select(n => n.Status).Order(StringComparer.Ordinal));
        var paying = rig.Delivery.Received.Select(n => AlipaySignature.ParseForm(n.Body)).Single(p => p["trade_status"] == "WAIT_BUYER_PAY");
        Assert.Equal(("trade_status_sync", orderNo, "RSA2"), (paying["notify_type"], paying["out_trade_no"], paying["sign_type"]));
    }

    [Fact]
    public async Task A_refund_is_notified_on_the_trade_with_out_biz_no_and_refund_fee()
    {
        var rig = Rig();
        var (orderNo, _) = await Paid(rig, 1000);
        var refundNo = rig.Adapter.RefundNo(NewRefundId());
        await rig.Adapter.Refund(new ChannelRefundRequest(orderNo, refundNo, 250, 1000, "Partly"), CancellationToken.None);
        await Notices(rig, ns => ns.Any(n => n.RefundNo == refundNo));
        var refund = rig.Delivery.Received.Select(n => AlipaySignature.ParseForm(n.Body)).Single(p => p.ContainsKey("out_biz_no"));
        Assert.Equal((refundNo, "TRADE_SUCCESS", "2.50", "10.00"), (refund["out_biz_no"], refund["trade_status"], refund["refund_fee"], refund["total_amount"]));
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", refund["gmt_refund"]);
    }

    [Fact]
    public async Task A_notification_signed_with_another_key_is_rejected()
    {
        var rig = Rig();
        var (_, paid) = await Paid(rig);
        var impostor = new AlipayKeys(); // same app_id, another key pair
        var adapter = new AlipayAdapter(new AlipaySimulator(new SimulatedChannel(ChannelName, new SimulatorBehaviour(), TimeProvider.System), impostor, TimeProvider.System), impostor, Options);
        Assert.Throws<NotificationRejectedException>(() => adapter.Read(paid, DateTimeOffset.UtcNow));
    }

    [Fact]
    public void Only_the_exact_word_success_stops_alipay()
    {
        var rig = Rig();
        Assert.Equal(new ChannelAnswer(200, "text/plain", "success"), rig.Adapter.Answer(true));
        Assert.False(rig.Sim.IsAccepted!(new ChannelAnswer(200, "text/plain", "SUCCESS")));
        Assert.False(rig.Sim.IsAccepted!(new ChannelAnswer(200, "text/plain", "fail")));
    }
}
