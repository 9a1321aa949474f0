using System.Security.Claims;
using SceneFinance.Grains;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;

namespace SceneFinance.BackOffice;

/// <summary>Who may do what in the back office, and the checks every slice makes first (pages and routes alike).</summary>
public static class Access
{
    /// <summary>Those who change a party's settlement account and work on exceptions (the bank's operations do too).</summary>
    public static readonly string[] Finance = [Roles.TenantAdmin, Roles.Finance];

    /// <summary>The tenant exists and the person may read (or do, with <paramref name="roles"/>) its back office; another tenant's: 404.</summary>
    public static async Task<TenantView> Tenant(this ClaimsPrincipal user, IGrainFactory grains, string tenantId, string[] roles)
    {
        user.RequireTenantAccess(tenantId, roles);
        return await grains.GetGrain<ITenantGrain>(tenantId).Get() ?? throw ProblemException.NotFound("The tenant");
    }

    /// <summary>The bank's operations only (the platform administrator), for a tenant that exists.</summary>
    public static async Task<TenantView> BankTenant(this ClaimsPrincipal user, IGrainFactory grains, string tenantId)
    {
        user.RequirePlatformAdmin();
        return await grains.GetGrain<ITenantGrain>(tenantId).Get() ?? throw ProblemException.NotFound("The tenant");
    }

    public static DateOnly Day(string? text, string field = "day") =>
        Validation.TryDay(text, out var day)
            ? day : throw ProblemException.Invalid(field, $"{field} must be a date, yyyy-MM-dd.");

    public static string Name(this ClaimsPrincipal user) => user.Identity?.Name ?? "anonymous";
}
