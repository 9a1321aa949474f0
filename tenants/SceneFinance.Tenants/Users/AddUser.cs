using System.Security.Claims;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;

namespace SceneFinance.Tenants.Users;

public sealed record AddUserRequest(string? Username, string? Password, string? Role);
public sealed record UserResponse(string Username, string Role, string? TenantId);

public static class AddUser
{
    public static void MapAddUser(this IEndpointRouteBuilder api) =>
        api.MapPost("/tenants/{tenantId}/users", async (string tenantId, AddUserRequest body, HttpContext http,
            IDocumentStore store, IGrainFactory grains, IPasswordHasher<UserAccount> hasher, TimeProvider clock) =>
        {
            var user = await Add(http.User, store, grains, hasher, tenantId, body, clock.GetUtcNow());
            return TypedResults.Created($"/api/v1/tenants/{tenantId}/users/{UserAccount.IdFor(user.Username)}", user);
        });

    /// <summary>Adds a user to the tenant: for the route and the admin shell alike.</summary>
    public static async Task<UserResponse> Add(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, IPasswordHasher<UserAccount> hasher,
        string tenantId, AddUserRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, [Roles.TenantAdmin]);
        _ = await grains.GetGrain<ITenantGrain>(tenantId).Get() ?? throw ProblemException.NotFound("The tenant");
        new Validation()
            .Require(body.Username is { Length: >= 3 and <= 64 } u && u.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '@'),
                "username", "username must be 3 to 64 letters, digits or . - _ @.")
            .Require(body.Password is { Length: >= 8 and <= 128 }, "password", "password must be 8 to 128 characters.")
            .OneOf(body.Role, "role", Roles.TenantRoles)
            .ThrowIfInvalid();

        var account = new UserAccount
        {
            Id = UserAccount.IdFor(body.Username!), UserName = body.Username!, Role = body.Role!, TenantId = tenantId, CreatedAt = now,
        };
        account.PasswordHash = hasher.HashPassword(account, body.Password!);
        await using var session = store.LightweightSession();
        session.Insert(account);
        try
        {
            await session.SaveChangesAsync();
        }
        catch (DocumentAlreadyExistsException)
        {
            throw new ProblemException(409, ErrorCodes.Conflict, "This username is taken.", new() { ["username"] = ["already taken"] });
        }
        return new UserResponse(account.UserName, account.Role, tenantId);
    }
}
