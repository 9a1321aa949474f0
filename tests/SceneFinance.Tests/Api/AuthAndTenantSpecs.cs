using System.Net;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Api;

[Collection(SharedApp.Name)]
public sealed class AuthAndTenantSpecs(SceneApp app)
{
    [Fact]
    public async Task Admin_signs_in_and_gets_a_platform_token()
    {
        var api = app.Api();
        var answer = (await api.Post("/api/v1/auth/token", new { username = "admin", password = SceneApp.AdminPassword }, null)).Expect(HttpStatusCode.OK);
        Assert.False(string.IsNullOrEmpty(answer["accessToken"].GetValue<string>()));
        Assert.True(answer["expiresIn"].GetValue<long>() > 0);
        Assert.Equal("platform-admin", answer["roles"][0]!.GetValue<string>());
        Assert.Contains("\"tenantId\":null", answer.Raw);
    }

    [Fact]
    public async Task Wrong_password_is_401_and_repeated_failures_are_rate_limited()
    {
        var s = await Scenario.Start(app);
        var username = "guess" + Guid.NewGuid().ToString("N")[..6];
        (await s.Api.Post($"{s.Base}/users", new { username, password = "Correct-horse-1", role = "cashier" }, s.AdminToken)).Expect(HttpStatusCode.Created);
        for (var i = 0; i < 10; i++)
            (await s.Api.Post("/api/v1/auth/token", new { username, password = "wrong-" + i }, null)).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        (await s.Api.Post("/api/v1/auth/token", new { username, password = "Correct-horse-1" }, null)).ExpectProblem(HttpStatusCode.TooManyRequests, "rate_limited");
    }

    [Fact]
    public async Task Routes_need_a_token()
    {
        var s = await Scenario.Start(app);
        (await s.Api.Get($"{s.Base}", null)).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        (await s.Api.Get($"{s.Base}", "not-a-token")).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        (await s.Api.Post("/api/v1/tenants", new { name = "x", kind = "campus" }, null)).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Platform_admin_creates_reads_suspends_and_resumes_a_tenant()
    {
        var s = await Scenario.Start(app, "hospital");
        var tenant = (await s.Api.Get(s.Base, s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal((s.TenantId, "hospital", "active"), (tenant["id"].GetValue<string>(), tenant["kind"].GetValue<string>(), tenant["status"].GetValue<string>()));
        Assert.Equal("suspended", (await s.Api.Post($"{s.Base}/suspend", null, s.AdminToken)).Expect(HttpStatusCode.OK)["status"].GetValue<string>());
        Assert.Equal("suspended", (await s.Api.Get(s.Base, s.AdminToken)).Expect(HttpStatusCode.OK)["status"].GetValue<string>());
        Assert.Equal("active", (await s.Api.Post($"{s.Base}/resume", null, s.AdminToken)).Expect(HttpStatusCode.OK)["status"].GetValue<string>());
    }

    [Fact]
    public async Task Tenant_input_is_validated_field_by_field()
    {
        var s = await Scenario.Start(app);
        var bad = (await s.Api.Post("/api/v1/tenants", new { name = "", kind = "bank" }, s.AdminToken)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(bad["errors"]["name"]);
        Assert.NotNull(bad["errors"]["kind"]);
        (await s.Api.Post("/api/v1/tenants", "{not json", s.AdminToken)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        (await s.Api.Post("/api/v1/tenants", "{\"name\":5}", s.AdminToken)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Unknown_tenant_is_404()
    {
        var s = await Scenario.Start(app);
        (await s.Api.Get("/api/v1/tenants/tn_missing", s.AdminToken)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        (await s.Api.Post("/api/v1/tenants/tn_missing/suspend", null, s.AdminToken)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        (await s.Api.Post("/api/v1/tenants/tn_missing/users", new { username = "nobody1", password = "Passw0rd-x", role = "cashier" }, s.AdminToken))
            .ExpectProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Users_are_added_with_tenant_roles_only_and_unique_names()
    {
        var s = await Scenario.Start(app);
        var username = "bursar" + Guid.NewGuid().ToString("N")[..6];
        var created = (await s.Api.Post($"{s.Base}/users", new { username, password = "Passw0rd-1", role = "finance" }, s.AdminToken)).Expect(HttpStatusCode.Created);
        Assert.Equal("finance", created["role"].GetValue<string>());
        Assert.DoesNotContain("Passw0rd", created.Raw);
        (await s.Api.Post($"{s.Base}/users", new { username, password = "Passw0rd-2", role = "cashier" }, s.AdminToken)).ExpectProblem(HttpStatusCode.Conflict, "conflict");
        (await s.Api.Post($"{s.Base}/users", new { username = "boss" + username, password = "Passw0rd-2", role = "platform-admin" }, s.AdminToken))
            .ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        (await s.Api.Post($"{s.Base}/users", new { username = "short" + username, password = "short", role = "cashier" }, s.AdminToken))
            .ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");

        var token = (await s.Api.Post("/api/v1/auth/token", new { username, password = "Passw0rd-1" }, null)).Expect(HttpStatusCode.OK);
        Assert.Equal(s.TenantId, token["tenantId"].GetValue<string>());
        Assert.Equal("finance", token["roles"][0]!.GetValue<string>());
    }

    [Fact]
    public async Task Tenant_admin_manages_own_users_but_only_platform_admin_manages_tenants()
    {
        var s = await Scenario.Start(app);
        var tenantAdmin = await s.UserToken("tenant-admin");
        (await s.Api.Post($"{s.Base}/users", new { username = "cash" + Guid.NewGuid().ToString("N")[..6], password = "Passw0rd-3", role = "cashier" }, tenantAdmin))
            .Expect(HttpStatusCode.Created);
        (await s.Api.Post("/api/v1/tenants", new { name = "Mine", kind = "campus" }, tenantAdmin)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await s.Api.Post($"{s.Base}/suspend", null, tenantAdmin)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        var cashier = await s.UserToken("cashier");
        (await s.Api.Post($"{s.Base}/users", new { username = "x" + Guid.NewGuid().ToString("N")[..6], password = "Passw0rd-3", role = "cashier" }, cashier))
            .ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task A_person_of_one_tenant_gets_404_for_everything_of_another()
    {
        var mine = await Scenario.Start(app);
        var theirs = await Scenario.Start(app);
        var (holder, _) = await theirs.CardHolder(cash: 500);
        var terminal = await theirs.Terminal();
        var me = await mine.UserToken("tenant-admin");

        (await mine.Api.Get(theirs.Base, me)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        (await mine.Api.Get($"{theirs.Base}/cardholders/{holder}", me)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        (await mine.Api.Get($"{theirs.Base}/cardholders/{holder}/transactions", me)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        (await mine.Api.Post($"{theirs.Base}/cardholders/{holder}/topups", new { amount = 100, channel = "counter" }, me, "x1"))
            .ExpectProblem(HttpStatusCode.NotFound, "not_found");
        (await mine.Api.Post($"{theirs.Base}/cardholders/{holder}/freeze", null, me)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        (await mine.Api.Post($"{theirs.Base}/terminals/{terminal.Id}/disable", null, me)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        (await mine.Api.Get($"{theirs.Base}/ledger/trial-balance", me)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        (await mine.Api.Post($"{theirs.Base}/users", new { username = "spy" + Guid.NewGuid().ToString("N")[..6], password = "Passw0rd-9", role = "cashier" }, me))
            .ExpectProblem(HttpStatusCode.NotFound, "not_found");

        // And an id of theirs under my tenant's path is simply not there.
        (await mine.Api.Get($"{mine.Base}/cardholders/{holder}", me)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(500, await theirs.Balance(holder));
    }

    [Fact]
    public async Task The_card_office_roles_run_the_counter_and_the_tenant_admin_runs_the_terminals()
    {
        var s = await Scenario.Start(app);
        var (cashier, finance, tenantAdmin) = (await s.UserToken("cashier"), await s.UserToken("finance"), await s.UserToken("tenant-admin"));

        var registered = (await s.Api.Post($"{s.Base}/cardholders", new { externalId = "C-" + Guid.NewGuid().ToString("N")[..8], name = "李雷", kind = "student" }, cashier))
            .Expect(HttpStatusCode.Created);
        var holder = registered["id"].GetValue<string>();
        var topups = $"{s.Base}/cardholders/{holder}/topups";
        Assert.Equal(500, (await s.Api.Post(topups, new { amount = 500, channel = "counter" }, cashier, "by-cashier")).Expect(HttpStatusCode.OK)["balance"]["cash"]!.GetValue<long>());
        Assert.Equal(800, (await s.Api.Post(topups, new { amount = 300, channel = "bank-transfer" }, finance, "by-finance")).Expect(HttpStatusCode.OK)["balance"]["cash"]!.GetValue<long>());
        Assert.Equal("frozen", (await s.Api.Post($"{s.Base}/cardholders/{holder}/freeze", null, cashier)).Expect(HttpStatusCode.OK)["status"].GetValue<string>());

        var terminal = await s.Terminal();
        Assert.Equal("disabled", (await s.Api.Post($"{s.Base}/terminals/{terminal.Id}/disable", null, tenantAdmin)).Expect(HttpStatusCode.OK)["status"].GetValue<string>());
        Assert.Equal(800, await s.Balance(holder));
    }

    [Fact]
    public async Task Auditor_reads_but_changes_nothing()
    {
        var s = await Scenario.Start(app);
        var (holder, _) = await s.CardHolder(cash: 300);
        var auditor = await s.UserToken("auditor");
        (await s.Api.Get($"{s.Base}/cardholders/{holder}", auditor)).Expect(HttpStatusCode.OK);
        (await s.Api.Get($"{s.Base}/ledger/trial-balance", auditor)).Expect(HttpStatusCode.OK);
        (await s.Api.Post($"{s.Base}/cardholders/{holder}/topups", new { amount = 100, channel = "counter" }, auditor, "a1"))
            .ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await s.Api.Post($"{s.Base}/cardholders/{holder}/freeze", null, auditor)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await s.Api.Post($"{s.Base}/cardholders", new { externalId = "A1", name = "N", kind = "staff" }, auditor)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(300, await s.Balance(holder));
    }
}
