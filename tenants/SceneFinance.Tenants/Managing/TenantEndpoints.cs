using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Tenants.Managing;

public sealed record CreateTenantRequest(string? Name, string? Kind);

public static class TenantEndpoints
{
    public static readonly string[] Kinds = ["campus", "hospital", "canteen"];

    public static void MapTenantEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapPost("/tenants", async (CreateTenantRequest body, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
        {
            http.RequirePlatformAdmin();
            new Validation().Text(body.Name, "name", 100).OneOf(body.Kind, "kind", Kinds).ThrowIfInvalid();
            var id = Ids.New("tn");
            var tenant = await grains.GetGrain<ITenantGrain>(id).Create(body.Name!.Trim(), body.Kind!, clock.GetUtcNow());
            return TypedResults.Created($"/api/v1/tenants/{id}", tenant);
        });

        api.MapGet("/tenants/{tenantId}", async (string tenantId, HttpContext http, IGrainFactory grains) =>
        {
            http.RequireTenantAccess(tenantId, Roles.TenantReaders);
            return TypedResults.Ok(await grains.RequireTenant(tenantId));
        });

        api.MapPost("/tenants/{tenantId}/suspend", async (string tenantId, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
        {
            http.RequirePlatformAdmin();
            await grains.RequireTenant(tenantId);
            return TypedResults.Ok(await grains.GetGrain<ITenantGrain>(tenantId).Suspend(clock.GetUtcNow()));
        });

        api.MapPost("/tenants/{tenantId}/resume", async (string tenantId, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
        {
            http.RequirePlatformAdmin();
            await grains.RequireTenant(tenantId);
            return TypedResults.Ok(await grains.GetGrain<ITenantGrain>(tenantId).Resume(clock.GetUtcNow()));
        });
    }
}
