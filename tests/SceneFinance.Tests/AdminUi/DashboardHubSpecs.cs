using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using SceneFinance.AdminUi.Live;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.AdminUi;

/// <summary>The dashboard hub as any client sees it: who may follow which scope, and figures pushed after commits.</summary>
[Collection(SharedApp.Name)]
public sealed class DashboardHubSpecs(SceneApp app)
{
    async Task<(HubConnection Connection, ChannelReader<Figures> Figures)> Follow(string scope, string token)
    {
        var received = Channel.CreateUnbounded<Figures>();
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(app.Server.BaseAddress, $"/hubs/dashboard?scope={Uri.EscapeDataString(scope)}"), o =>
            {
                o.HttpMessageHandlerFactory = _ => app.Server.CreateHandler();
                o.Transports = HttpTransportType.LongPolling; // the test server speaks HTTP only
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
        connection.On<Figures>("figures", f => received.Writer.TryWrite(f));
        await connection.StartAsync();
        return (connection, received.Reader);
    }

    /// <summary>The server closes a refused connection right after the handshake.</summary>
    async Task ExpectRefused(string scope, string token)
    {
        var closed = new TaskCompletionSource<Exception?>();
        var (connection, _) = await Follow(scope, token);
        connection.Closed += e => { closed.TrySetResult(e); return Task.CompletedTask; };
        if (connection.State != HubConnectionState.Disconnected)
            Assert.Same(closed.Task, await Task.WhenAny(closed.Task, Task.Delay(TimeSpan.FromSeconds(10))));
        await connection.DisposeAsync();
    }

    [Fact]
    public async Task A_tenants_people_follow_their_tenant_only_and_the_platform_is_for_the_platform_admin()
    {
        var a = await Scenario.Start(app);
        var b = await Scenario.Start(app);
        var cashierOfA = await a.UserToken("cashier");

        var (own, _) = await Follow(a.TenantId, cashierOfA);
        Assert.Equal(HubConnectionState.Connected, own.State);
        await own.DisposeAsync();

        await ExpectRefused(b.TenantId, cashierOfA);
        await ExpectRefused(LiveFigures.Platform, cashierOfA);

        var anonymous = new HubConnectionBuilder()
            .WithUrl(new Uri(app.Server.BaseAddress, $"/hubs/dashboard?scope={a.TenantId}"), o =>
            {
                o.HttpMessageHandlerFactory = _ => app.Server.CreateHandler();
                o.Transports = HttpTransportType.LongPolling;
            })
            .Build();
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Committed_payments_reach_the_tenants_followers_and_the_platform()
    {
        var s = await Scenario.Start(app);
        var (_, card) = await s.CardHolder(cash: 1_000);
        var till = await s.Terminal();
        var (tenant, tenantFigures) = await Follow(s.TenantId, await s.UserToken("finance"));
        var (platform, platformFigures) = await Follow(LiveFigures.Platform, s.AdminToken);

        (await s.Api.Pay(till, card, 400)).Expect(HttpStatusCode.OK);
        (await s.Api.Pay(till, card, 5_000)).Expect(HttpStatusCode.OK); // declined: insufficient funds

        var seen = await Until(tenantFigures, f => f.Payments == 2);
        Assert.Equal(s.TenantId, seen.Scope);
        Assert.Equal(400, seen.Amount);
        Assert.Equal(500, seen.ApprovalPermille);
        Assert.Equal("insufficient_funds", Assert.Single(seen.DeclineReasons).Key);
        Assert.Equal(till.Id, Assert.Single(seen.TopTerminals).Key);
        Assert.Equal("canteen/pos", Assert.Single(seen.Scenes).Key);
        Assert.NotNull(seen.P99Ms);
        await Until(platformFigures, f => f.Scope == LiveFigures.Platform && f.Payments >= 2);

        await tenant.DisposeAsync();
        await platform.DisposeAsync();
    }

    static async Task<Figures> Until(ChannelReader<Figures> figures, Func<Figures, bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (true)
        {
            var f = await figures.ReadAsync(timeout.Token);
            if (condition(f)) return f;
        }
    }
}
