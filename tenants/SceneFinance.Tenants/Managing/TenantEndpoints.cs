using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Tenants.Managing;

public sealed record CreateTenantRequest(string? Name, string? Kind);

/// <summary>Managing tenants: the routes, and the same functions for the admin shell (one check, one validation).</summary>
public static class TenantEndpoints
{
    public static readonly string[] Kinds = ["campus", "hospital", "canteen"];

    public static void MapTenantEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapPost("/tenants", async (CreateTenantRequest body, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
            (await Create(http.User, grains, body, clock.GetUtcNow())).ToCreated(t => $"/api/v1/tenants/{t.Id}"));

        api.MapGet("/tenants/{tenantId}", async (string tenantId, HttpContext http, IGrainFactory grains) =>
        {
            http.RequireTenantAccess(tenantId, Roles.TenantReaders);
            return (await grains.FindTenant(tenantId)).ToOk();
        });

        api.MapPost("/tenants/{tenantId}/suspend", async (string tenantId, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
            (await Suspend(http.User, grains, tenantId, clock.GetUtcNow())).ToOk());

        api.MapPost("/tenants/{tenantId}/resume", async (string tenantId, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
            (await Resume(http.User, grains, tenantId, clock.GetUtcNow())).ToOk());
    }

    // The functions below are the slice: the routes above and the admin shell's pages both call them. Access and
    // validation throw (the edge's own problems); what the grain refuses comes back as a typed outcome.

    public static async Task<Outcome<TenantView>> Create(ClaimsPrincipal user, IGrainFactory grains, CreateTenantRequest body, DateTimeOffset now)
    {
        user.RequirePlatformAdmin();
        new Validation().Text(body.Name, "name", 100).OneOf(body.Kind, "kind", Kinds).ThrowIfInvalid();
        return await grains.GetGrain<ITenantGrain>(Ids.New("tn")).Create(body.Name!.Trim(), body.Kind!, now);
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
