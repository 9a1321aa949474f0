using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using SceneFinance.Platform.Audit;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Tenants.SigningIn;

namespace SceneFinance.Tenants.Users;

public sealed record RoleRequest(string? Role);
public sealed record ResetPasswordRequest(string? Password);
public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

/// <summary>
/// Access control over a tenant's people: disable and enable, change role, reset a password (the person must choose a new
/// one at their next shell sign-in), and change one's own password. Each change is audited in the same save, and every change
/// that withdraws something (disable, role, reset) renews the account's security stamp, so the person's tokens and cookies stop
/// working within <see cref="SecurityStamps.Fresh"/>. Changing one's own password keeps the stamp: the platform administrator's
/// automation keeps its tokens when the bootstrap password is changed.
/// </summary>
public static class ManageUsers
{
    public const string Disabled = "user.disabled", Enabled = "user.enabled", RoleChanged = "user.role-changed",
        PasswordReset = "user.password-reset", PasswordChanged = "user.password-changed", Created = "user.created";

    public static void MapManageUsers(this IEndpointRouteBuilder api)
    {
        var users = api.MapGroup("/tenants/{tenantId}/users/{username}").WithTags("Tenants");
        users.MapPost("/disable", async (string tenantId, string username, HttpContext http, IDocumentStore store, SecurityStamps stamps, TimeProvider clock) =>
                (await Disable(http.User, store, stamps, tenantId, username, clock.GetUtcNow())).ToOk())
            .Doc("disableTenantUser", "Disable a person of the tenant (platform-admin or the tenant's tenant-admin)",
                "They cannot sign in any more, and their tokens and shell sessions stop working within a minute. Nobody disables themselves (409).")
            .Problems(StatusCodes.Status409Conflict);
        users.MapPost("/enable", async (string tenantId, string username, HttpContext http, IDocumentStore store, SecurityStamps stamps, TimeProvider clock) =>
                (await Enable(http.User, store, stamps, tenantId, username, clock.GetUtcNow())).ToOk())
            .Doc("enableTenantUser", "Enable a disabled person again", "They may sign in again; tokens from before they were disabled stay refused.");
        users.MapPost("/role", async (string tenantId, string username, RoleRequest body, HttpContext http, IDocumentStore store, SecurityStamps stamps, TimeProvider clock) =>
                (await ChangeRole(http.User, store, stamps, tenantId, username, body, clock.GetUtcNow())).ToOk())
            .Doc("changeTenantUserRole", "Change a person's role",
                "One of tenant-admin, finance, cashier, auditor, guardian. Their tokens from before stop working within a minute; they sign in again "
                + "with the new role. Nobody changes their own role (409).")
            .Problems(StatusCodes.Status409Conflict);
        users.MapPost("/reset-password", async (string tenantId, string username, ResetPasswordRequest body, HttpContext http, IDocumentStore store,
                IPasswordHasher<UserAccount> hasher, SecurityStamps stamps, TimeProvider clock) =>
                (await ResetPassword(http.User, store, hasher, stamps, tenantId, username, body, clock.GetUtcNow())).ToOk())
            .Doc("resetTenantUserPassword", "Reset a person's password",
                "Sets a password of 8 to 128 characters that the person must change at their next shell sign-in; their tokens and sessions from "
                + "before stop working within a minute.");
        api.MapPost("/auth/password", async (ChangePasswordRequest body, HttpContext http, IDocumentStore store, IPasswordHasher<UserAccount> hasher,
                IConfiguration configuration, TimeProvider clock) =>
                (await ChangeOwnPassword(http.User, store, hasher, configuration, body, clock.GetUtcNow())).ToOk())
            .WithTags("Auth")
            .Doc("changeOwnPassword", "Change your own password",
                "The current password and a new one of 8 to 128 characters (a different one). Your tokens keep working. The platform administrator's "
                + "generated bootstrap password file is removed from the data folder once it is changed.");
    }

    public static Task<Outcome<UserResponse>> Disable(ClaimsPrincipal user, IDocumentStore store, SecurityStamps stamps, string tenantId, string username, DateTimeOffset now) =>
        Change(user, store, stamps, tenantId, username, Disabled, null, a =>
        {
            if (IsSelf(user, a)) return Refusal.Conflict("You cannot disable yourself.");
            if (a.Disabled) return null;
            a.Disabled = true;
            a.SecurityStamp = UserAccount.NewStamp();
            return a;
        });

    public static Task<Outcome<UserResponse>> Enable(ClaimsPrincipal user, IDocumentStore store, SecurityStamps stamps, string tenantId, string username, DateTimeOffset now) =>
        Change(user, store, stamps, tenantId, username, Enabled, null, a =>
        {
            if (!a.Disabled) return null;
            a.Disabled = false;
            return a;
        });

    public static Task<Outcome<UserResponse>> ChangeRole(ClaimsPrincipal user, IDocumentStore store, SecurityStamps stamps, string tenantId, string username,
        RoleRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, [Roles.TenantAdmin]); // who asks, before what they ask
        new Validation().OneOf(body.Role, "role", Roles.TenantRoles).ThrowIfInvalid();
        return Change(user, store, stamps, tenantId, username, RoleChanged, null, a =>
        {
            if (IsSelf(user, a)) return Refusal.Conflict("You cannot change your own role.");
            if (a.Role == body.Role) return null;
            a.Role = body.Role!;
            a.SecurityStamp = UserAccount.NewStamp();
            return a;
        });
    }

    public static Task<Outcome<UserResponse>> ResetPassword(ClaimsPrincipal user, IDocumentStore store, IPasswordHasher<UserAccount> hasher, SecurityStamps stamps,
        string tenantId, string username, ResetPasswordRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, [Roles.TenantAdmin]); // who asks, before what they ask
        new Validation().Require(body.Password is { Length: >= 8 and <= 128 }, "password", "password must be 8 to 128 characters.").ThrowIfInvalid();
        return Change(user, store, stamps, tenantId, username, PasswordReset, null, a =>
        {
            a.PasswordHash = hasher.HashPassword(a, body.Password!);
            a.MustChangePassword = true;
            a.PasswordChangedAt = now;
            a.SecurityStamp = UserAccount.NewStamp();
            return a;
        });
    }

    /// <summary>The signed-in person's own password (the shell's page and the API). A wrong current password changes nothing (400 on its field).</summary>
    public static async Task<Outcome<UserResponse>> ChangeOwnPassword(ClaimsPrincipal user, IDocumentStore store, IPasswordHasher<UserAccount> hasher,
        IConfiguration configuration, ChangePasswordRequest body, DateTimeOffset now)
    {
        if (user.Identity is not { IsAuthenticated: true, Name: { } name })
            throw new ProblemException(401, ErrorCodes.Unauthorized, "Sign in first: send a bearer token.");
        new Validation()
            .Text(body.CurrentPassword, "currentPassword", 128)
            .Require(body.NewPassword is { Length: >= 8 and <= 128 }, "newPassword", "newPassword must be 8 to 128 characters.")
            .Require(body.NewPassword != body.CurrentPassword, "newPassword", "newPassword must differ from the current password.")
            .ThrowIfInvalid();
        await using var session = store.LightweightSession();
        var account = await session.LoadAsync<UserAccount>(UserAccount.IdFor(name));
        if (account is null) return Refusal.NotFound("The user");
        if (hasher.VerifyHashedPassword(account, account.PasswordHash, body.CurrentPassword!) == PasswordVerificationResult.Failed)
            return Refusal.Invalid("currentPassword", "The current password is wrong.");
        var before = account.Audited();
        var bootstrap = account.Id == AdminBootstrap.AdminUserName && account.MustChangePassword;
        account.PasswordHash = hasher.HashPassword(account, body.NewPassword!);
        account.MustChangePassword = false;
        account.PasswordChangedAt = now;
        session.Store(account);
        session.Audit(account.TenantId, PasswordChanged, Target(account), before, account.Audited());
        await session.SaveChangesAsync();
        // The generated bootstrap password served once; what is on disk now would only mislead (or leak an old secret).
        if (bootstrap) File.Delete(AdminBootstrap.PasswordFile(configuration));
        return Response(account);
    }

    public static string Target(UserAccount account) => $"user:{account.Id}";

    static bool IsSelf(ClaimsPrincipal user, UserAccount account) => user.Identity?.Name is { } me && UserAccount.IdFor(me) == account.Id;

    /// <summary>
    /// Loads the tenant's account, applies the change (null: nothing to change, answered as it is; a refusal: nothing written),
    /// stores it with its audit entry in one save, and makes this host read the account afresh.
    /// </summary>
    static async Task<Outcome<UserResponse>> Change(ClaimsPrincipal user, IDocumentStore store, SecurityStamps stamps, string tenantId, string username,
        string action, string? reason, Func<UserAccount, Outcome<UserAccount>?> change)
    {
        user.RequireTenantAccess(tenantId, [Roles.TenantAdmin]);
        await using var session = store.LightweightSession();
        var account = username.Length <= 64 ? await session.LoadAsync<UserAccount>(UserAccount.IdFor(username)) : null;
        // Accounts are platform-wide; another tenant's person (or the platform administrator) is "not found" here, like any other id.
        if (account is null || account.TenantId != tenantId) return Refusal.NotFound("The user");
        var before = account.Audited();
        var changed = change(account.Copy());
        if (changed is null) return Response(account);
        if (changed.Refusal is { } refusal) return refusal;
        var next = changed.Value!;
        session.Store(next);
        session.Audit(tenantId, action, Target(next), before, next.Audited(), reason);
        await session.SaveChangesAsync();
        stamps.Forget(next.Id);
        return Response(next);
    }

    static UserResponse Response(UserAccount a) => new(a.UserName, a.Role, a.TenantId, a.Status);
}
