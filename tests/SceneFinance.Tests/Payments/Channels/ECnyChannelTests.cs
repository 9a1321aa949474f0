using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SceneFinance.Payments.Channels.ECny;
using SceneFinance.Payments.Gateway;
using SceneFinance.Payments.Simulator;

namespace SceneFinance.Tests.Payments.Channels;

/// <summary>The e-CNY adapter over its simulator: the common contract, and the operator bank's own rules.</summary>
public sealed class ECnyChannelTests : ChannelContract
{
    // One key set for the class: generating RSA keys per test would dominate the run.
    static readonly ECnyKeys Keys = new();

    protected override string ChannelName => PaymentChannels.ECny;
    protected override bool NotifiesFailure => true;

    protected override IChannelAdapter Build(SimulatedChannel sim) =>
        new ECnyAdapter(new ECnySimulator(sim, Keys, TimeProvider.System), Keys, Options);

    protected override InboundNotification Tamper(InboundNotification paid) =>
        paid with { Body = paid.Body.Replace("\"amount\":1234", "\"amount\":9999", StringComparison.Ordinal) };

    protected override InboundNotification Unsigned(InboundNotification paid) =>
        paid with { Headers = paid.Headers.Where(h => h.Key != ECnyCrypto.SignatureHeader).ToDictionary() };

    [Theory]
    [InlineData("pi_00000000000000000000000000", "00000000000000000000000000000000")]
    [InlineData("pi_00000000000000000000000001", "00000000000000000000000000000001")]
    [InlineData("pi_ffffffffffffffffffffffffff", "20282409603651670423947251286015")] // 2^104 - 1
    public void Order_numbers_are_the_intent_ids_hex_as_32_decimal_digits(string intentId, string orderNo) =>
        Assert.Equal(orderNo, Rig().Adapter.OrderNo(intentId));

    [Theory]
    [InlineData("re_00000000000000000000000000", "50000000000000000000000000000000")]
    [InlineData("re_ffffffffffffffffffffffffff", "70282409603651670423947251286015")]
    public void Refund_numbers_are_32_digits_kept_apart_from_order_numbers(string refundId, string refundNo) =>
        Assert.Equal(refundNo, Rig().Adapter.RefundNo(refundId));

    [Fact]
    public void Order_numbers_are_32_digits_that_lead_back_to_the_intent()
    {
        var adapter = Rig().Adapter;
        for (var i = 0; i < 200; i++)
        {
            var intent = NewIntentId();
            var no = adapter.OrderNo(intent);
            Assert.Matches("^[0-9]{32}$", no);
            var back = BigInteger.Parse(no, CultureInfo.InvariantCulture).ToString("x", CultureInfo.InvariantCulture).TrimStart('0').PadLeft(26, '0');
            Assert.Equal(intent[3..], back);
        }
    }

    [Theory]
    [InlineData("0000000000000000000000000000001")]   // 31
    [InlineData("000000000000000000000000000000001")] // 33
    [InlineData("0000000000000000000000000000000a")]
    public async Task The_simulator_refuses_order_numbers_that_are_not_32_digits(string orderNo)
    {
        var e = await Assert.ThrowsAsync<ChannelRejectedException>(() => Rig().Adapter.Create(Request(orderNo, 100), CancellationToken.None));
        Assert.Equal("INVALID_MERCHANT_ORDER_NO", e.Code);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public async Task The_simulator_refuses_amounts_that_are_not_positive(long amount)
    {
        var rig = Rig();
        var e = await Assert.ThrowsAsync<ChannelRejectedException>(() => rig.Adapter.Create(Request(rig.Adapter.OrderNo(NewIntentId()), amount), CancellationToken.None));
        Assert.Equal("INVALID_AMOUNT", e.Code);
    }

    [Fact]
    public async Task Paying_then_paid_are_notified_and_signed_over_timestamp_nonce_and_body()
    {
        var rig = Rig();
        var (orderNo, paid) = await Paid(rig);
        var notices = await Notices(rig, _ => true);
        Assert.Equal([IntentStatus.Processing, IntentStatus.Succeeded], notices.Select(n => n.Status).Order(StringComparer.Ordinal));

        using var body = JsonDocument.Parse(paid.Body);
        Assert.Equal(("PAYMENT", "PAID", orderNo, 1234L), (body.RootElement.GetProperty("notifyType").GetString(), body.RootElement.GetProperty("status").GetString(),
            body.RootElement.GetProperty("merchantOrderNo").GetString(), body.RootElement.GetProperty("amount").GetInt64()));
        var timestamp = paid.Headers[ECnyCrypto.TimestampHeader];
        Assert.InRange(long.Parse(timestamp, CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var expected = HMACSHA256.HashData(Keys.MerchantKey, Encoding.UTF8.GetBytes($"{timestamp}\n{paid.Headers[ECnyCrypto.NonceHeader]}\n{paid.Body}"));
        Assert.Equal(Convert.ToBase64String(expected), paid.Headers[ECnyCrypto.SignatureHeader]);
    }

    [Fact]
    public async Task A_notification_signed_with_another_key_is_rejected()
    {
        var rig = Rig();
        var (_, paid) = await Paid(rig);
        var other = new ECnyKeys { MerchantNo = Keys.MerchantNo };
        var adapter = new ECnyAdapter(new ECnySimulator(new SimulatedChannel(ChannelName, new SimulatorBehaviour(), TimeProvider.System), other, TimeProvider.System), other, Options);
        Assert.Throws<NotificationRejectedException>(() => adapter.Read(paid, DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task A_signed_notification_of_an_unknown_type_is_rejected()
    {
        var rig = Rig();
        var (_, paid) = await Paid(rig);
        var body = paid.Body.Replace("\"notifyType\":\"PAYMENT\"", "\"notifyType\":\"CHARGEBACK\"", StringComparison.Ordinal);
        Assert.NotEqual(paid.Body, body);
        var timestamp = paid.Headers[ECnyCrypto.TimestampHeader];
        var nonce = paid.Headers[ECnyCrypto.NonceHeader];
        var resigned = new InboundNotification(new Dictionary<string, string>
        {
            [ECnyCrypto.TimestampHeader] = timestamp,
            [ECnyCrypto.NonceHeader] = nonce,
            [ECnyCrypto.SignatureHeader] = ECnyCrypto.Sign(Keys.MerchantKey, ECnyCrypto.Message(timestamp, nonce, body)),
        }, body, "application/json");
        Assert.Throws<NotificationRejectedException>(() => rig.Adapter.Read(resigned, DateTimeOffset.UtcNow));
    }

    [Fact]
    public void Only_200_with_result_received_stops_the_bank()
    {
        var rig = Rig();
        Assert.Equal((200, """{"result":"RECEIVED"}"""), (rig.Adapter.Answer(true).StatusCode, rig.Adapter.Answer(true).Body));
        Assert.False(rig.Sim.IsAccepted!(new ChannelAnswer(500, "application/json", """{"result":"RECEIVED"}""")));
        Assert.False(rig.Sim.IsAccepted!(new ChannelAnswer(200, "application/json", """{"result":"RETRY"}""")));
        Assert.False(rig.Sim.IsAccepted!(new ChannelAnswer(200, "text/plain", "ok")));
    }
}
