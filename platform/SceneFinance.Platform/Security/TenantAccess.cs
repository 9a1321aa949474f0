using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using SceneFinance.Platform.Problems;

namespace SceneFinance.Platform.Security;

/// <summary>
/// The one check every tenant route makes. Another tenant's data answers <c>404</c> (ids don't
/// leak); the right tenant with the wrong role answers <c>403</c>.
/// </summary>
public static class TenantAccess
{
    public static void RequireTenantAccess(this HttpContext http, string tenantId, string[] roles)
    {
        var user = http.User;
        if (user.Identity?.IsAuthenticated != true)
            throw new ProblemException(401, ErrorCodes.Unauthorized, "Sign in first: send a bearer token.");
        if (user.IsInRole(Roles.PlatformAdmin)) return;
        if (user.FindFirstValue(Roles.TenantClaim) != tenantId)
            throw ProblemException.NotFound("The tenant");
        if (!roles.Any(user.IsInRole))
            throw new ProblemException(403, ErrorCodes.Forbidden, "Your role may not do this.");
    }

    public static void RequirePlatformAdmin(this HttpContext http)
    {
        if (http.User.Identity?.IsAuthenticated != true)
            throw new ProblemException(401, ErrorCodes.Unauthorized, "Sign in first: send a bearer token.");
        if (!http.User.IsInRole(Roles.PlatformAdmin))
            throw new ProblemException(403, ErrorCodes.Forbidden, "Only the platform administrator may do this.");
    }

    public static string UserName(this HttpContext http) => http.User.Identity?.Name ?? "anonymous";
}
