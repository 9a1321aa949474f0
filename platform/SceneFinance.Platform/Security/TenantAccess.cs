using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using SceneFinance.Platform.Problems;

namespace SceneFinance.Platform.Security;

/// <summary>
/// The one check every tenant route and admin page makes. Another tenant's data answers <c>404</c> (ids don't
/// leak); the right tenant with the wrong role answers <c>403</c>. The API passes the request's user, the admin
/// shell its signed-in user: both go through the same check.
/// </summary>
public static class TenantAccess
{
    public static void RequireTenantAccess(this HttpContext http, string tenantId, string[] roles) => http.User.RequireTenantAccess(tenantId, roles);

    public static void RequirePlatformAdmin(this HttpContext http) => http.User.RequirePlatformAdmin();

    public static void RequireTenantAccess(this ClaimsPrincipal user, string tenantId, string[] roles)
    {
        if (user.Identity?.IsAuthenticated != true)
            throw new ProblemException(401, ErrorCodes.Unauthorized, "Sign in first: send a bearer token.");
        if (user.IsInRole(Roles.PlatformAdmin)) return;
        // A person may belong to several tenants (a guardian with children at two schools signs in once): any of their tenant claims.
        if (!user.HasClaim(Roles.TenantClaim, tenantId))
            throw ProblemException.NotFound("The tenant");
        if (!roles.Any(user.IsInRole))
            throw new ProblemException(403, ErrorCodes.Forbidden, "Your role may not do this.");
    }

    public static void RequirePlatformAdmin(this ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true)
            throw new ProblemException(401, ErrorCodes.Unauthorized, "Sign in first: send a bearer token.");
        if (!user.IsInRole(Roles.PlatformAdmin))
            throw new ProblemException(403, ErrorCodes.Forbidden, "Only the platform administrator may do this.");
    }

    /// <summary>Whether the user may do what <paramref name="roles"/> may in the tenant (for showing or hiding, never instead of the check).</summary>
    public static bool May(this ClaimsPrincipal user, string tenantId, string[] roles) =>
        user.IsInRole(Roles.PlatformAdmin) || (user.HasClaim(Roles.TenantClaim, tenantId) && roles.Any(user.IsInRole));

    public static string UserName(this HttpContext http) => http.User.Identity?.Name ?? "anonymous";

    /// <summary>
    /// The signed-in person's user id (never their name): what a second approver is compared by and what events record.
    /// A sign-in from before ids were carried has none and must sign in again.
    /// </summary>
    public static string UserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) is { Length: > 0 } id ? id
            : throw new ProblemException(401, ErrorCodes.Unauthorized, "Sign in again: this sign-in carries no user id.");

    /// <summary>The user id a user name is stored under: trimmed, lower case (the one rule; accounts and old records both use it).</summary>
    public static string UserIdOf(string userName) => userName.Trim().ToLowerInvariant();
}
