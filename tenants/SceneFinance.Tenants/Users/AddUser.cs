using System.Security.Claims;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Platform.Audit;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;

namespace SceneFinance.Tenants.Users;

public sealed record AddUserRequest(string? Username, string? Password, string? Role);
/// <summary>A person as the routes answer them; <c>status</c> is <c>active</c> or <c>disabled</c>.</summary>
public sealed record UserResponse(string Username, string Role, string? TenantId, string Status = "active");

public static class AddUser
{
    public static void MapAddUser(this IEndpointRouteBuilder api) =>
        api.MapPost("/tenants/{tenantId}/users", async (string tenantId, AddUserRequest body, HttpContext http,
                IDocumentStore store, IGrainFactory grains, IPasswordHasher<UserAccount> hasher, TimeProvider clock) =>
                (await Add(http.User, store, grains, hasher, tenantId, body, clock.GetUtcNow()))
                    .ToCreated(u => $"/api/v1/tenants/{tenantId}/users/{UserAccount.IdFor(u.Username)}"))
            .WithTags("Tenants")
            .Doc("addTenantUser", "Add a person to a tenant (platform-admin or the tenant's tenant-admin)",
                "A username of 3 to 64 letters, digits or . - _ @ (unique across the platform), a password of 8 to 128 characters and one of "
                + "the tenant roles tenant-admin, finance, cashier, auditor. The password is kept only as a hash.")
            .Problems(StatusCodes.Status409Conflict);

    /// <summary>Adds a user to the tenant: for the route and the admin shell alike. A taken username is refused on its field.</summary>
    public static async Task<Outcome<UserResponse>> Add(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, IPasswordHasher<UserAccount> hasher,
        string tenantId, AddUserRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, [Roles.TenantAdmin]);
        if ((await grains.FindTenant(tenantId)).Refusal is { } missing) return missing;
        new Validation()
            .Require(body.Username is { Length: >= 3 and <= 64 } u && u.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '@'),
                "username", "username must be 3 to 64 letters, digits or . - _ @.")
            .Require(body.Password is { Length: >= 8 and <= 128 }, "password", "password must be 8 to 128 characters.")
            .OneOf(body.Role, "role", Roles.TenantRoles)
            .ThrowIfInvalid();

        var account = new UserAccount
        {
            Id = UserAccount.IdFor(body.Username!), UserName = body.Username!, Role = body.Role!, TenantId = tenantId, CreatedAt = now,
            SecurityStamp = UserAccount.NewStamp(),
        };
        account.PasswordHash = hasher.HashPassword(account, body.Password!);
        await using var session = store.LightweightSession();
        session.Insert(account);
        session.Audit(tenantId, ManageUsers.Created, ManageUsers.Target(account), null, account.Audited());
        try
        {
            await session.SaveChangesAsync();
        }
        catch (DocumentAlreadyExistsException)
        {
            return Refusal.Taken("username", "This username is taken.", "already taken");
        }
        return new UserResponse(account.UserName, account.Role, tenantId);
    }
}
