using SceneFinance.Payments.Channels.WeChatPay;
using SceneFinance.Payments.Gateway;
using SceneFinance.Payments.Simulator;

namespace SceneFinance.Tests.Payments.Channels;

/// <summary>WeChat Pay's adapter over its simulator: the common contract, and WeChat's own rules.</summary>
public sealed class WeChatPayChannelTests : ChannelContract
{
    // One key set for the class: generating RSA keys per test would dominate the run.
    static readonly WeChatPayKeys Keys = new();

    protected override string ChannelName => PaymentChannels.WeChatPay;
    protected override bool NotifiesFailure => false;

    protected override IChannelAdapter Build(SimulatedChannel sim) =>
        new WeChatPayAdapter(new WeChatPaySimulator(sim, Keys, TimeProvider.System), Keys, Options);

    protected override InboundNotification Tamper(InboundNotification paid) =>
        paid with { Body = paid.Body.Replace("\"encrypt-resource\"", "\"encrypt-resourcE\"", StringComparison.Ordinal) };

    protected override InboundNotification Unsigned(InboundNotification paid) =>
        paid with { Headers = paid.Headers.Where(h => h.Key != "wechatpay-signature").ToDictionary() };

    [Fact]
    public void Order_numbers_are_6_to_32_of_wechats_characters()
    {
        var adapter = Rig().Adapter;
        foreach (var no in new[] { adapter.OrderNo(NewIntentId()), adapter.RefundNo(NewRefundId()) })
            Assert.Matches("^[0-9A-Za-z_|*-]{6,32}$", no);
    }

    [Fact]
    public async Task The_simulator_refuses_an_order_number_longer_than_32()
    {
        var rig = Rig();
        var e = await Assert.ThrowsAsync<ChannelRejectedException>(() => rig.Adapter.Create(Request(new string('1', 33), 100), CancellationToken.None));
        Assert.Equal("PARAM_ERROR", e.Code);
    }

    [Fact]
    public async Task Only_the_payment_is_notified_not_the_payer_scanning()
    {
        var rig = Rig();
        await Paid(rig);
        var notices = await Notices(rig, _ => true);
        Assert.Equal(IntentStatus.Succeeded, Assert.Single(notices).Status);
    }

    [Fact]
    public async Task A_notification_signed_with_another_platform_key_is_rejected()
    {
        var rig = Rig();
        var (_, paid) = await Paid(rig);
        var other = new WeChatPayAdapter(new WeChatPaySimulator(new SimulatedChannel(ChannelName, new SimulatorBehaviour(), TimeProvider.System), Keys, TimeProvider.System),
            new WeChatPayKeys { ApiV3Key = Keys.ApiV3Key, PlatformSerial = Keys.PlatformSerial }, Options);
        Assert.Throws<NotificationRejectedException>(() => other.Read(paid, DateTimeOffset.UtcNow));
    }
}
