using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Grains.Tenants;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Platform.Time;

namespace SceneFinance.Tenants.Managing;

/// <summary>
/// A new tenant; <c>timeZone</c> (an IANA id) is optional, the platform's default zone when absent; <c>mode</c> is
/// <c>sandbox</c> (the default: simulated channels) or <c>live</c> (real channels only).
/// </summary>
public sealed record CreateTenantRequest(string? Name, string? Kind, string? TimeZone = null, string? Mode = null);

/// <summary>Managing tenants: the routes, and the same functions for the admin shell (one check, one validation).</summary>
public static class TenantEndpoints
{
    public static readonly string[] Kinds = ["campus", "hospital", "canteen"];

    public static void MapTenantEndpoints(this IEndpointRouteBuilder api)
    {
        var tenants = api.MapGroup("/tenants").WithTags("Tenants");

        tenants.MapPost("", async (CreateTenantRequest body, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
                (await Create(http.User, grains, body, clock.GetUtcNow())).ToCreated(t => $"/api/v1/tenants/{t.Id}"))
            .Doc("createTenant", "Create a tenant (platform-admin)",
                "Creates a school, hospital or canteen operator, active at once. kind is campus, hospital or canteen; timeZone (an IANA id, "
                + "optional) is the zone its days, daily limits and shown times are counted in. mode (optional) is sandbox, the default, whose online "
                + "payments go to the simulated channels, or live, whose online payments go only to channels configured with real credentials.")
            .Problems(StatusCodes.Status409Conflict);

        tenants.MapGet("/{tenantId}", async (string tenantId, HttpContext http, IGrainFactory grains) =>
                (await Get(http.User, grains, tenantId)).ToOk())
            .Doc("getTenant", "Read a tenant", "The tenant's name, scene, status and time zone; a tenant's own users may read their tenant only.");

        tenants.MapPost("/{tenantId}/suspend", async (string tenantId, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
                (await Suspend(http.User, grains, tenantId, clock.GetUtcNow())).ToOk())
            .Doc("suspendTenant", "Suspend a tenant (platform-admin)",
                "From now on every payment and top-up of the tenant is declined or refused with tenant_suspended. Suspending a suspended tenant changes nothing.");

        tenants.MapPost("/{tenantId}/resume", async (string tenantId, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
                (await Resume(http.User, grains, tenantId, clock.GetUtcNow())).ToOk())
            .Doc("resumeTenant", "Resume a suspended tenant (platform-admin)", "Its payments are decided as usual again.");
    }

    // The functions below are the slice: the routes above and the admin shell's pages both call them. Access and
    // validation throw (the edge's own problems); what the grain refuses comes back as a typed outcome.

    public static async Task<Outcome<TenantView>> Create(ClaimsPrincipal user, IGrainFactory grains, CreateTenantRequest body, DateTimeOffset now)
    {
        user.RequirePlatformAdmin();
        new Validation()
            .Text(body.Name, "name", 100)
            .OneOf(body.Kind, "kind", Kinds)
            .Require(body.TimeZone is null || Zones.IsKnown(body.TimeZone), "timeZone", $"timeZone must be an IANA time zone id, such as {Zones.Default}.")
            .Require(body.Mode is null || TenantModes.All.Contains(body.Mode), "mode", "mode must be one of: sandbox, live.")
            .ThrowIfInvalid();
        return await grains.GetGrain<ITenantGrain>(Ids.New("tn")).Create(body.Name!.Trim(), body.Kind!, now, body.TimeZone, body.Mode);
    }

    /// <summary>The tenant, for the platform admin or the tenant's own people.</summary>
    public static async Task<Outcome<TenantView>> Get(ClaimsPrincipal user, IGrainFactory grains, string tenantId)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        return await grains.FindTenant(tenantId);
    }

    public static Task<Outcome<TenantView>> Suspend(ClaimsPrincipal user, IGrainFactory grains, string tenantId, DateTimeOffset now)
    {
        user.RequirePlatformAdmin();
        return grains.GetGrain<ITenantGrain>(tenantId).Suspend(now);
    }

    public static Task<Outcome<TenantView>> Resume(ClaimsPrincipal user, IGrainFactory grains, string tenantId, DateTimeOffset now)
    {
        user.RequirePlatformAdmin();
        return grains.GetGrain<ITenantGrain>(tenantId).Resume(now);
    }
}
