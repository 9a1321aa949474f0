using System.Security.Cryptography;
using System.Text;
using SceneFinance.Payments.Channels.UnionPay;
using SceneFinance.Payments.Gateway;
using SceneFinance.Payments.Simulator;

namespace SceneFinance.Tests.Payments.Channels;

/// <summary>UnionPay's adapter over its simulator: the common contract, and UnionPay's own rules.</summary>
public sealed class UnionPayChannelTests : ChannelContract
{
    // One key set for the class: generating RSA keys per test would dominate the run.
    static readonly UnionPayKeys Keys = new();

    protected override string ChannelName => PaymentChannels.UnionPay;
    protected override bool NotifiesFailure => true;

    protected override IChannelAdapter Build(SimulatedChannel sim) =>
        new UnionPayAdapter(new UnionPaySimulator(sim, Keys, TimeProvider.System), Keys, Options);

    protected override InboundNotification Tamper(InboundNotification paid) =>
        paid with { Body = paid.Body.Replace("txnAmt=1234", "txnAmt=9999", StringComparison.Ordinal) };

    protected override InboundNotification Unsigned(InboundNotification paid) =>
        paid with { Body = UnionPaySignature.EncodeForm(UnionPaySignature.ParseForm(paid.Body).Where(f => f.Key != "signature")) };

    [Fact]
    public void Order_ids_are_8_to_40_letters_and_digits_without_underscore()
    {
        var adapter = Rig().Adapter;
        var intent = NewIntentId();
        foreach (var no in new[] { adapter.OrderNo(intent), adapter.RefundNo("re_" + intent[3..]) })
        {
            Assert.Matches("^[0-9A-Za-z]{8,40}$", no);
            Assert.DoesNotContain('_', no);
        }
        Assert.Equal("SF" + intent[3..], adapter.OrderNo(intent));
        Assert.Throws<ArgumentException>(() => adapter.OrderNo("pi_" + new string('g', 26)));
    }

    [Theory]
    [InlineData("SF_0123456789abcdef")] // underscore
    [InlineData("SF01234")]             // 7
    [InlineData("SF0123456789012345678901234567890123456789")] // 41
    [InlineData("SF0123-456789")]
    public async Task The_simulator_refuses_order_ids_unionpay_does_not_take(string orderId)
    {
        var e = await Assert.ThrowsAsync<ChannelRejectedException>(() => Rig().Adapter.Create(Request(orderId, 100), CancellationToken.None));
        Assert.Equal(UpRespCode.BadFormat, e.Code);
    }

    [Theory]
    [InlineData(1, "1")]
    [InlineData(1234, "1234")]
    [InlineData(100_000_000, "100000000")]
    public void Amounts_are_fen_as_digit_strings(long fen, string txnAmt)
    {
        Assert.Equal(txnAmt, UpAmount.Format(fen));
        Assert.Equal(fen, UpAmount.Parse(txnAmt));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("012")]
    [InlineData("-1")]
    [InlineData("12.34")]
    [InlineData("1e3")]
    [InlineData("")]
    [InlineData("1234567890123")]
    public void Anything_but_a_positive_digit_string_is_not_a_txnAmt(string txnAmt) => Assert.False(UpAmount.TryParse(txnAmt, out _));

    [Fact]
    public async Task The_back_notification_is_signed_with_the_secure_key_method()
    {
        var rig = Rig();
        var (orderNo, paid) = await Paid(rig);
        var f = UnionPaySignature.ParseForm(paid.Body);
        Assert.Equal(("11", "01", orderNo, "1234", "00"), (f["signMethod"], f["txnType"], f["orderId"], f["txnAmt"], f["respCode"]));
        Assert.Matches("^[0-9]{14}$", f["txnTime"]);
        Assert.Matches("^[0-9]{14}$", f["respTime"]);

        // Recomputed here from the published recipe: sha256hex(sorted k=v&... + "&" + sha256hex(secure key)), lowercase.
        static string Sha256Hex(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)));
        var content = string.Join("&", f.Where(p => p.Key != "signature" && p.Value != "").OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        Assert.Equal(Sha256Hex(content + "&" + Sha256Hex(Keys.SecureKey)), f["signature"]);
    }

    [Fact]
    public async Task The_payer_scanning_is_not_notified()
    {
        var rig = Rig();
        await Paid(rig);
        var notices = await Notices(rig, _ => true);
        Assert.Equal(IntentStatus.Succeeded, Assert.Single(notices).Status);
    }

    [Fact]
    public async Task A_refund_names_the_consumption_by_query_id_and_comes_back_with_our_order_in_req_reserved()
    {
        var rig = Rig();
        var (orderNo, paid) = await Paid(rig, 1000);
        var refundNo = rig.Adapter.RefundNo(NewRefundId());
        await rig.Adapter.Refund(new ChannelRefundRequest(orderNo, refundNo, 400, 1000, "Partly"), CancellationToken.None);
        await Notices(rig, ns => ns.Any(n => n.RefundNo == refundNo));
        var refund = rig.Delivery.Received.Select(n => UnionPaySignature.ParseForm(n.Body)).Single(f => f["txnType"] == UpTxnType.Refund);
        Assert.Equal((refundNo, orderNo, "400", UnionPaySignature.ParseForm(paid.Body)["queryId"]),
            (refund["orderId"], refund["reqReserved"], refund["txnAmt"], refund["origQryId"]));
    }

    [Fact]
    public async Task An_unpaid_order_cannot_be_refunded()
    {
        var rig = Rig();
        var orderNo = rig.Adapter.OrderNo(NewIntentId());
        await rig.Adapter.Create(Request(orderNo, 100), CancellationToken.None);
        var e = await Assert.ThrowsAsync<ChannelRejectedException>(() =>
            rig.Adapter.Refund(new ChannelRefundRequest(orderNo, rig.Adapter.RefundNo(NewRefundId()), 100, 100, "Early"), CancellationToken.None));
        Assert.Equal(UpRespCode.NoSuchTransaction, e.Code);
    }

    [Fact]
    public async Task A_notification_signed_with_another_secure_key_is_rejected()
    {
        var rig = Rig();
        var (_, paid) = await Paid(rig);
        var other = new UnionPayKeys { MerId = Keys.MerId };
        var adapter = new UnionPayAdapter(new UnionPaySimulator(new SimulatedChannel(ChannelName, new SimulatorBehaviour(), TimeProvider.System), other, TimeProvider.System), other, Options);
        Assert.Throws<NotificationRejectedException>(() => adapter.Read(paid, DateTimeOffset.UtcNow));
    }

    [Fact]
    public void Only_200_with_ok_stops_unionpay()
    {
        var rig = Rig();
        Assert.Equal((200, "ok"), (rig.Adapter.Answer(true).StatusCode, rig.Adapter.Answer(true).Body));
        Assert.False(rig.Sim.IsAccepted!(new ChannelAnswer(200, "text/plain", "success")));
        Assert.False(rig.Sim.IsAccepted!(new ChannelAnswer(204, "text/plain", "")));
    }
}
