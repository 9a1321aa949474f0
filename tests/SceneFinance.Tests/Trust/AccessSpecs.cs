using System.Net;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using SceneFinance.Tenants.Users;
using SceneFinance.Tests.Hospital;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Trust;

/// <summary>Access can be withdrawn (issue 11, item 5): disable, role change, password reset, HIS clients.</summary>
[Collection(SharedApp.Name)]
public sealed class AccessSpecs(SceneApp app)
{
    static async Task<(string Name, string Token)> User(Scenario s, string role, string password = "Passw0rd-first")
    {
        var username = role + Guid.NewGuid().ToString("N")[..8];
        (await s.Api.Post($"{s.Base}/users", new { username, password, role }, s.AdminToken)).Expect(HttpStatusCode.Created);
        return (username, await s.Api.Token(username, password));
    }

    async Task<UserAccount> Account(string username)
    {
        await using var session = app.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.LoadAsync<UserAccount>(username))!;
    }

    [Fact]
    public async Task A_disabled_persons_token_is_refused_and_they_cannot_sign_in_until_enabled()
    {
        var s = await Scenario.Start(app);
        var (name, token) = await User(s, "finance");
        (await s.Api.Get(s.Base, token)).Expect(HttpStatusCode.OK);

        var disabled = (await s.Api.Post($"{s.Base}/users/{name}/disable", null, s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal("disabled", disabled["status"].GetValue<string>());
        // Within the minute (on the host that disabled them, at once): the token that worked a moment ago is refused.
        (await s.Api.Get(s.Base, token)).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        (await s.Api.Post("/api/v1/auth/token", new { username = name, password = "Passw0rd-first" }, null)).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");

        (await s.Api.Post($"{s.Base}/users/{name}/enable", null, s.AdminToken)).Expect(HttpStatusCode.OK);
        (await s.Api.Get(s.Base, token)).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized"); // tokens from before stay withdrawn
        (await s.Api.Get(s.Base, await s.Api.Token(name, "Passw0rd-first"))).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_role_change_withdraws_the_old_token_and_the_next_sign_in_carries_the_new_role()
    {
        var s = await Scenario.Start(app);
        var (name, token) = await User(s, "cashier");
        (await s.Api.Post($"{s.Base}/cardholders", new { externalId = "R1", name = "x", kind = "student" }, token)).Expect(HttpStatusCode.Created);

        (await s.Api.Post($"{s.Base}/users/{name}/role", new { role = "auditor" }, s.AdminToken)).Expect(HttpStatusCode.OK);
        (await s.Api.Post($"{s.Base}/cardholders", new { externalId = "R2", name = "x", kind = "student" }, token)).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        var again = (await s.Api.Post("/api/v1/auth/token", new { username = name, password = "Passw0rd-first" }, null)).Expect(HttpStatusCode.OK);
        Assert.Equal("auditor", again["roles"][0]!.GetValue<string>());
        (await s.Api.Post($"{s.Base}/cardholders", new { externalId = "R3", name = "x", kind = "student" }, again["accessToken"].GetValue<string>()))
            .ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await s.Api.Post($"{s.Base}/users/{name}/role", new { role = "banker" }, s.AdminToken)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task A_reset_password_must_be_changed_and_only_tenant_admins_of_the_tenant_manage_people()
    {
        var s = await Scenario.Start(app);
        var (name, token) = await User(s, "finance");
        var (tenantAdmin, adminToken) = await User(s, "tenant-admin");
        (await s.Api.Post($"{s.Base}/users/{name}/reset-password", new { password = "Reset-Passw0rd" }, token)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await s.Api.Post($"{s.Base}/users/{tenantAdmin}/disable", null, adminToken)).ExpectProblem(HttpStatusCode.Conflict, "conflict"); // not yourself
        var other = await Scenario.Start(app);
        (await s.Api.Post($"{other.Base}/users/{name}/disable", null, other.AdminToken)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        (await s.Api.Post($"{s.Base}/users/admin/disable", null, adminToken)).ExpectProblem(HttpStatusCode.NotFound, "not_found");

        (await s.Api.Post($"{s.Base}/users/{name}/reset-password", new { password = "Reset-Passw0rd" }, adminToken)).Expect(HttpStatusCode.OK);
        (await s.Api.Get(s.Base, token)).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.True((await Account(name)).MustChangePassword);
        var fresh = await s.Api.Token(name, "Reset-Passw0rd");
        (await s.Api.Post("/api/v1/auth/password", new { currentPassword = "wrong", newPassword = "Mine-Passw0rd" }, fresh))
            .ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        (await s.Api.Post("/api/v1/auth/password", new { currentPassword = "Reset-Passw0rd", newPassword = "Mine-Passw0rd" }, fresh)).Expect(HttpStatusCode.OK);
        Assert.False((await Account(name)).MustChangePassword);
        (await s.Api.Get(s.Base, fresh)).Expect(HttpStatusCode.OK); // one's own change keeps one's tokens
        await s.Api.Token(name, "Mine-Passw0rd");
    }

    [Fact]
    public async Task A_disabled_his_client_is_refused_like_an_unknown_one_and_works_again_when_enabled()
    {
        var h = await HospitalScenario.Start(app.Api(), null);
        var (patient, _) = await h.Patient();
        await h.Order(patient, 1200);

        (await h.S.Api.Post($"{h.S.Base}/hospital/his-clients/{h.His.Id}/disable", null, h.S.AdminToken)).Expect(HttpStatusCode.OK);
        (await h.HisPost("/api/v1/his/orders", new { patientId = patient, visitId = "V1", hisOrderId = "H-off", kind = "lab", description = "x", amount = 100 }))
            .ExpectProblem(HttpStatusCode.Unauthorized, "signature_invalid");
        (await h.S.Api.Post($"{h.S.Base}/hospital/his-clients/{h.His.Id}/enable", null, h.S.AdminToken)).Expect(HttpStatusCode.OK);
        await h.Order(patient, 1300);
    }
}
