using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc.Testing;
using SceneFinance.Payments.Simulator;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Trust;

/// <summary>
/// Sandbox and live, like a payment provider's test mode: the simulator acts only for sandbox tenants and only for people
/// signed in to them (or the platform admin); a live tenant without live channels pays nothing online and nothing is simulated.
/// </summary>
[Collection(SharedGatewayApp.Name)]
public sealed class SandboxModeSpecs(GatewayApp app)
{
    [Fact]
    public async Task A_tenant_is_sandbox_unless_created_live_and_says_so()
    {
        var api = app.Api();
        var admin = await api.AdminToken();
        var sandbox = (await api.Post("/api/v1/tenants", new { name = "Sandbox school", kind = "campus" }, admin)).Expect(HttpStatusCode.Created);
        Assert.Equal("sandbox", sandbox["mode"].GetValue<string>());
        var live = (await api.Post("/api/v1/tenants", new { name = "Live school", kind = "campus", mode = "live" }, admin)).Expect(HttpStatusCode.Created);
        Assert.Equal("live", live["mode"].GetValue<string>());
        Assert.Equal("live", (await api.Get($"/api/v1/tenants/{live["id"].GetValue<string>()}", admin)).Expect(HttpStatusCode.OK)["mode"].GetValue<string>());
        (await api.Post("/api/v1/tenants", new { name = "Odd", kind = "campus", mode = "test" }, admin)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task A_live_tenant_without_live_channels_is_refused_online_payment_and_nothing_is_simulated()
    {
        var s = await Start("live");
        var (holder, _) = await s.CardHolder();
        var before = app.Simulators["alipay"].Orders.Count;
        (await s.OnlineTopUp(holder, 5000, "alipay")).ExpectProblem(HttpStatusCode.Conflict, "channel_not_configured");
        Assert.Equal(before, app.Simulators["alipay"].Orders.Count);
        Assert.Empty((await s.Api.Get($"{s.Base}/payment-intents", s.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray());
        Assert.Equal(0, await s.Balance(holder));
    }

    [Fact]
    public async Task Nobody_signed_out_or_of_another_tenant_can_mark_a_sandbox_order_paid()
    {
        var s = await Scenario.Start(app, "campus");
        var (holder, _) = await s.CardHolder();
        var intent = (await s.OnlineTopUp(holder, 100_000, "wechat-pay")).Expect(HttpStatusCode.Created);
        var orderNo = app.OrderNo("wechat-pay", intent["id"].GetValue<string>());
        var wallet = $"/simulator/wechat-pay/{orderNo}";
        using var http = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using (var anonymous = await http.PostAsync(wallet, Approve()))
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var stranger = await (await Scenario.Start(app, "campus")).UserToken("cashier");
        using (var other = await http.SendAsync(Post(wallet, stranger)))
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal(SimOrderState.Open, app.Simulators["wechat-pay"].Find(orderNo)!.State);
        Assert.Equal(0, await s.Balance(holder));
        // The page itself shows a signed-out visitor only how to sign in, not the order's description.
        var page = await http.GetStringAsync(wallet);
        Assert.Contains("sign-in-to-pay", page);
        Assert.DoesNotContain("data-testid=\"approve\"", page);

        // A person of the tenant may, in its sandbox.
        using (var own = await http.SendAsync(Post(wallet, await s.UserToken("cashier"))))
            Assert.Equal(HttpStatusCode.Redirect, own.StatusCode);
        await s.IntentUntil(intent["id"].GetValue<string>(), Gateway.Settled);
        Assert.Equal(100_000, await s.Balance(holder));
    }

    [Fact]
    public async Task A_signed_in_form_without_its_antiforgery_token_pays_nothing()
    {
        var s = await Scenario.Start(app, "campus");
        var (holder, _) = await s.CardHolder();
        var intent = (await s.OnlineTopUp(holder, 5000, "alipay")).Expect(HttpStatusCode.Created);
        var orderNo = app.OrderNo("alipay", intent["id"].GetValue<string>());
        using var http = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await SignIn(http);
        using var forged = await http.PostAsync($"/simulator/alipay/{orderNo}", Approve());
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(SimOrderState.Open, app.Simulators["alipay"].Find(orderNo)!.State);
    }

    [Fact]
    public async Task Only_platform_admins_see_the_simulators_lists()
    {
        var s = await Scenario.Start(app, "campus");
        using var http = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using (var anonymous = await http.GetAsync("/simulator"))
            Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        using (var tenantUser = await http.SendAsync(Get("/simulator", await s.UserToken("tenant-admin"))))
            Assert.Equal(HttpStatusCode.NotFound, tenantUser.StatusCode);
        using var admin = await http.SendAsync(Get("/simulator", s.AdminToken));
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
    }

    async Task<Scenario> Start(string mode)
    {
        var api = app.Api();
        var admin = await api.AdminToken();
        var tenant = (await api.Post("/api/v1/tenants", new { name = "Test " + mode, kind = "canteen", mode }, admin)).Expect(HttpStatusCode.Created);
        return new Scenario { Api = api, AdminToken = admin, TenantId = tenant["id"].GetValue<string>() };
    }

    static async Task SignIn(HttpClient http)
    {
        var login = await http.GetStringAsync("/login");
        var token = System.Text.RegularExpressions.Regex.Match(login, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using var signedIn = await http.PostAsync("/admin/login", new FormUrlEncodedContent([
            new("username", "admin"), new("password", SceneApp.AdminPassword), new("returnUrl", "/"), new("__RequestVerificationToken", token)]));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/", signedIn.Headers.Location?.ToString());
    }

    static FormUrlEncodedContent Approve() => new([new("decision", "approve")]);

    static HttpRequestMessage Post(string path, string token) =>
        new(HttpMethod.Post, path) { Content = Approve(), Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };

    static HttpRequestMessage Get(string path, string token) =>
        new(HttpMethod.Get, path) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };
}
