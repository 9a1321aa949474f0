using System.Net;
using System.Security.Claims;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using SceneFinance.AdminUi.Live;
using SceneFinance.Platform.Problems;
using SceneFinance.Tenants.SigningIn;
using SceneFinance.Tenants.Users;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.AdminUi;

/// <summary>The live figures inside the server, as the shell's pages follow them: the hub's access check, and committed payments pushed in-process.</summary>
[Collection(SharedApp.Name)]
public sealed class LiveFeedSpecs(SceneApp app)
{
    LiveFeed<Figures> Feed => app.Services.GetRequiredService<LiveFeed<Figures>>();

    static ClaimsPrincipal Person(string role, string? tenantId) =>
        IssueToken.Principal(new UserAccount { Id = role, UserName = role, Role = role, TenantId = tenantId }, "test");

    [Fact]
    public async Task A_tenants_people_follow_their_tenant_only_and_the_platform_is_for_the_platform_admin()
    {
        var a = await Scenario.Start(app);
        var b = await Scenario.Start(app);
        var cashierOfA = Person("cashier", a.TenantId);

        using (var own = await Feed.Follow(cashierOfA, a.TenantId, _ => Task.CompletedTask))
            Assert.Equal(a.TenantId, own.Current.Scope);
        Assert.Equal(404, (await Assert.ThrowsAsync<ProblemException>(() => Feed.Follow(cashierOfA, b.TenantId, _ => Task.CompletedTask))).Status);
        Assert.Equal(403, (await Assert.ThrowsAsync<ProblemException>(() => Feed.Follow(cashierOfA, LiveFigures.Platform, _ => Task.CompletedTask))).Status);
        Assert.Equal(401, (await Assert.ThrowsAsync<ProblemException>(() => Feed.Follow(new ClaimsPrincipal(), a.TenantId, _ => Task.CompletedTask))).Status);
        using var platform = await Feed.Follow(Person("platform-admin", null), LiveFigures.Platform, _ => Task.CompletedTask);
        Assert.Equal(LiveFigures.Platform, platform.Current.Scope);
    }

    [Fact]
    public async Task Committed_payments_reach_the_follower_in_process_until_it_stops()
    {
        var s = await Scenario.Start(app);
        var (_, card) = await s.CardHolder(cash: 1_000);
        var till = await s.Terminal();
        var received = Channel.CreateUnbounded<Figures>();
        var following = await Feed.Follow(Person("finance", s.TenantId), s.TenantId, f => received.Writer.WriteAsync(f).AsTask());
        Assert.Equal(0, following.Current.Payments);

        (await s.Api.Pay(till, card, 400)).Expect(HttpStatusCode.OK);
        (await s.Api.Pay(till, card, 5_000)).Expect(HttpStatusCode.OK); // declined: insufficient funds
        var seen = await Until(received.Reader, f => f.Payments == 2);
        Assert.Equal((s.TenantId, 400L, 500), (seen.Scope, seen.Amount, seen.ApprovalPermille));
        Assert.Equal("insufficient_funds", Assert.Single(seen.DeclineReasons).Key);
        Assert.Equal("canteen/pos", Assert.Single(seen.Scenes).Key);
        Assert.Equal("窗口 Till", Assert.Single(seen.TopTerminals).Label); // the terminal's name, asked of its grain

        following.Dispose();
        while (received.Reader.TryRead(out _)) { }
        (await s.Api.Pay(till, card, 100)).Expect(HttpStatusCode.OK);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.False(received.Reader.TryRead(out var late), $"a snapshot after the end: {late?.Payments} payments");
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
