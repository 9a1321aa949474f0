using System.Net;
using System.Net.Http.Headers;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using SceneFinance.Platform.Notifying;
using SceneFinance.Tests.Campus;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Trust;

/// <summary>
/// The sandbox's phone (<c>/simulator/messages</c>) is a test mode's: it shows sandbox tenants' messages only, the whole list only to
/// platform admins, and anyone else one recipient by its exact number. A live tenant's one-time code is never there.
/// </summary>
[Collection(SharedCampusApp.Name)]
public sealed class SandboxPhoneSpecs(CampusApp app)
{
    static string Phone() => "16" + Random.Shared.NextInt64(100_000_000, 999_999_999);

    async Task<(HttpStatusCode Status, string Page)> Read(Infrastructure.Api api, string? to, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, to is null ? "/simulator/messages" : $"/simulator/messages?to={to}");
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await api.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    static async Task<Scenario> Live(Infrastructure.Api api)
    {
        var admin = await api.AdminToken();
        var tenant = (await api.Post("/api/v1/tenants", new { name = "Live school", kind = "campus", mode = "live" }, admin)).Expect(HttpStatusCode.Created);
        return new Scenario { Api = api, AdminToken = admin, TenantId = tenant["id"].GetValue<string>() };
    }

    [Fact]
    public async Task A_live_tenants_guardian_code_cannot_be_read_on_the_sandbox_phone_not_even_by_the_admin()
    {
        var api = app.Api();
        var live = await Live(api);
        var onlyLive = Phone();
        await live.ImportCsv(Roster.Csv(Roster.Row("0801", "小刚", "一年级", "1班", "妈妈", onlyLive)));
        // A guardian known to a sandbox school and a live one: the code signs in to both, so it is the live one's too.
        var both = Phone();
        await live.ImportCsv(Roster.Csv(Roster.Row("0802", "小强", "二年级", "1班", "爸爸", both)));
        var sandbox = await Scenario.Start(app, "campus");
        await sandbox.ImportCsv(Roster.Csv(Roster.Row("0803", "小强", "二年级", "1班", "爸爸", both)));
        var sandboxOnly = Phone();
        await sandbox.ImportCsv(Roster.Csv(Roster.Row("0804", "小丽", "三年级", "1班", "妈妈", sandboxOnly)));

        foreach (var phone in new[] { onlyLive, both, sandboxOnly })
            (await api.Post("/api/v1/auth/one-time-codes", new { phone }, null)).Expect(HttpStatusCode.OK);

        var admin = await api.AdminToken();
        foreach (var phone in new[] { onlyLive, both })
        {
            var (status, page) = await Read(api, phone, null);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.DoesNotContain("验证码", page);
            Assert.DoesNotContain(phone, (await Read(api, null, admin)).Page);
            await using var session = app.Services.GetRequiredService<IDocumentStore>().QuerySession();
            Assert.Empty(await session.Query<ReceivedMessage>().Where(m => m.To == phone).ToListAsync()); // never kept for the page
            var told = Assert.Single(await session.Query<Notification>().Where(n => n.To == phone).ToListAsync());
            Assert.NotEqual(NotificationStatus.Sent, told.Status); // undeliverable without a real SMS gateway
            Assert.Equal(live.TenantId, told.TenantId);
        }
        Assert.Contains("验证码", (await Read(api, sandboxOnly, null)).Page); // the sandbox's phone still works for a sandbox guardian
    }

    [Fact]
    public async Task The_whole_list_is_the_platform_admins_anyone_else_reads_one_exact_number()
    {
        var api = app.Api();
        var s = await Scenario.Start(app, "campus");
        var phone = Phone();
        await s.ImportCsv(Roster.Csv(Roster.Row("0805", "小军", "一年级", "2班", "妈妈", phone)));
        (await api.Post("/api/v1/auth/one-time-codes", new { phone }, null)).Expect(HttpStatusCode.OK);

        var (anonymous, anonymousPage) = await Read(api, null, null);
        Assert.Equal(HttpStatusCode.Forbidden, anonymous);
        Assert.DoesNotContain(phone, anonymousPage);
        var (cashier, cashierPage) = await Read(api, null, await s.UserToken("cashier"));
        Assert.Equal(HttpStatusCode.Forbidden, cashier);
        Assert.DoesNotContain(phone, cashierPage);
        var (blank, _) = await Read(api, "%20", null);
        Assert.Equal(HttpStatusCode.Forbidden, blank);
        Assert.DoesNotContain(phone, (await Read(api, phone[..6], null)).Page); // not by a prefix

        var adminToken = await api.AdminToken();
        var (admin, adminPage) = await Read(api, null, adminToken);
        Assert.Equal(HttpStatusCode.OK, admin);
        Assert.Contains("data-testid=\"message\"", adminPage);
        Assert.Contains("验证码", (await Read(api, phone, adminToken)).Page);
    }
}
