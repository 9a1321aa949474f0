using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SceneFinance.Payments.Channels.WeChatPay;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Payments;

/// <summary>Notifications as a channel sends them over HTTP: signed, maybe repeated, maybe forged.</summary>
[Collection(SharedGatewayApp.Name)]
public sealed class ChannelNotificationSpecs(GatewayApp app)
{
    WeChatPayKeys Keys => app.Services.GetRequiredService<WeChatPayKeys>();

    (Dictionary<string, string> Headers, string Body) Success(string orderNo, long amount, string notificationId, DateTimeOffset? signedAt = null)
    {
        var tx = new WxTransaction(Keys.AppId, Keys.MchId, orderNo, "4200000" + Random.Shared.Next(), "NATIVE", "SUCCESS", "支付成功",
            DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture), new WxAmount(amount, "CNY", amount));
        var body = JsonSerializer.Serialize(new WxNotification(notificationId, DateTimeOffset.UtcNow.ToString("O"), "encrypt-resource", "TRANSACTION.SUCCESS", "支付成功",
            WxCrypto.Encrypt(Keys.ApiV3Key, "transaction", JsonSerializer.Serialize(tx, WxCrypto.Json))), WxCrypto.Json);
        var timestamp = (signedAt ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        const string nonce = "5K8264ILTKCH16CQ2502SI8ZNMTM67VS";
        return (new()
        {
            ["Wechatpay-Timestamp"] = timestamp, ["Wechatpay-Nonce"] = nonce, ["Wechatpay-Serial"] = Keys.PlatformSerial,
            ["Wechatpay-Signature"] = WxCrypto.Sign(Keys.PlatformKey, WxCrypto.Message(timestamp, nonce, body)),
        }, body);
    }

    async Task<HttpResponseMessage> Deliver(Infrastructure.Api api, Dictionary<string, string> headers, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/gateway/notifications/wechat-pay")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        foreach (var (k, v) in headers) request.Headers.Add(k, v);
        return await api.Http.SendAsync(request);
    }

    [Fact]
    public async Task A_signed_notification_credits_once_however_often_it_comes_and_forgeries_change_nothing()
    {
        var s = await Scenario.Start(app);
        var (holder, _) = await s.CardHolder();
        var created = (await s.OnlineTopUp(holder, 2600, "wechat-pay")).Expect(HttpStatusCode.Created);
        var id = created["id"].GetValue<string>();
        var orderNo = app.OrderNo("wechat-pay", id);

        var (headers, body) = Success(orderNo, 2600, Guid.NewGuid().ToString());
        var tampered = await Deliver(s.Api, headers, body.Replace("encrypt-resource", "encrypt-resourcf"));
        Assert.Equal(HttpStatusCode.Unauthorized, tampered.StatusCode);
        var (staleHeaders, staleBody) = Success(orderNo, 2600, Guid.NewGuid().ToString(), DateTimeOffset.UtcNow.AddMinutes(-10));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Deliver(s.Api, staleHeaders, staleBody)).StatusCode);
        var wrongSerial = new Dictionary<string, string>(headers) { ["Wechatpay-Serial"] = "0000" };
        Assert.Equal(HttpStatusCode.Unauthorized, (await Deliver(s.Api, wrongSerial, body)).StatusCode);
        Assert.Equal("requires_payment", (await s.Intent(id))["status"]!.GetValue<string>());
        Assert.Equal(0, await s.Balance(holder));

        var (wrongAmountHeaders, wrongAmountBody) = Success(orderNo, 1, Guid.NewGuid().ToString());
        var wrongAmount = await Deliver(s.Api, wrongAmountHeaders, wrongAmountBody);
        Assert.Equal(HttpStatusCode.InternalServerError, wrongAmount.StatusCode); // not accepted: left for review, nothing credited
        Assert.Equal(0, await s.Balance(holder));

        for (var i = 0; i < 3; i++)
        {
            var answer = await Deliver(s.Api, headers, body);
            Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode); // WeChat Pay v3: 204, no body, means received
        }
        // A second notification (new id) about the same payment, as channels send after a lost answer.
        var (againHeaders, againBody) = Success(orderNo, 2600, Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.NoContent, (await Deliver(s.Api, againHeaders, againBody)).StatusCode);

        Assert.Equal("succeeded", (await s.IntentUntil(id, Gateway.Settled))["status"]!.GetValue<string>());
        Assert.Equal(2600, await s.Balance(holder));
        var items = (await s.Api.Get($"{s.Base}/cardholders/{holder}/transactions", s.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray();
        Assert.Single(items);
    }

    [Fact]
    public async Task Notifications_for_unknown_channels_or_orders_are_not_ours()
    {
        var s = await Scenario.Start(app);
        var (headers, body) = Success("SFnotours0000000000000000000", 100, Guid.NewGuid().ToString());
        using (var unknownChannel = new HttpRequestMessage(HttpMethod.Post, "/api/v1/gateway/notifications/paypal") { Content = new StringContent(body) })
            Assert.Equal(HttpStatusCode.NotFound, (await s.Api.Http.SendAsync(unknownChannel)).StatusCode);
        // Acknowledged so the channel stops, and logged: nothing of ours moves.
        Assert.Equal(HttpStatusCode.NoContent, (await Deliver(s.Api, headers, body)).StatusCode);
    }
}
