using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Scenes.Terminals;

public sealed record RegisterTerminalRequest(string? Name, string? Kind);

/// <summary>The answer to creating a terminal: the only time its secret is shown.</summary>
public sealed record RegisteredTerminalResponse(string Id, string Name, string Kind, string Status, string Secret, DateTimeOffset CreatedAt);

public static class TerminalEndpoints
{
    public static readonly string[] Kinds = ["pos", "kiosk", "gate"];

    public static void MapTerminals(this IEndpointRouteBuilder api)
    {
        var terminals = api.MapGroup("/tenants/{tenantId}/terminals");

        terminals.MapPost("", async (string tenantId, RegisterTerminalRequest body, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
        {
            var registered = await Register(http.User, grains, tenantId, body, clock.GetUtcNow());
            return TypedResults.Created($"/api/v1/tenants/{tenantId}/terminals/{registered.Id}", registered);
        });

        terminals.MapGet("/{id}", async (string tenantId, string id, HttpContext http, IGrainFactory grains) =>
            TypedResults.Ok(await Get(http.User, grains, tenantId, id)));

        terminals.MapPost("/{id}/disable", async (string tenantId, string id, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
            TypedResults.Ok(await Disable(http.User, grains, tenantId, id, clock.GetUtcNow())));
    }

    // The slice's functions, for the routes above and the admin shell alike.

    public static async Task<RegisteredTerminalResponse> Register(ClaimsPrincipal user, IGrainFactory grains, string tenantId, RegisterTerminalRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, [Roles.TenantAdmin]);
        await grains.RequireTenant(tenantId);
        new Validation().Text(body.Name, "name", 100).OneOf(body.Kind, "kind", Kinds).ThrowIfInvalid();
        var id = Ids.New("trm");
        var (t, secret) = await grains.GetGrain<IMerchantTerminalGrain>(GrainKeys.For(tenantId, id)).Register(body.Name!.Trim(), body.Kind!, now);
        return new RegisteredTerminalResponse(t.Id, t.Name, t.Kind, t.Status, secret, t.CreatedAt);
    }

    /// <summary>The terminal (never its secret), with when it was last heard from.</summary>
    public static async Task<TerminalView?> Get(ClaimsPrincipal user, IGrainFactory grains, string tenantId, string id)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        return await Require(grains, tenantId, id).Get();
    }

    public static async Task<TerminalView> Disable(ClaimsPrincipal user, IGrainFactory grains, string tenantId, string id, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, [Roles.TenantAdmin]);
        var terminal = Require(grains, tenantId, id);
        _ = await terminal.Get() ?? throw ProblemException.NotFound("The terminal");
        return await terminal.Disable(now);
    }

    static IMerchantTerminalGrain Require(IGrainFactory grains, string tenantId, string id) =>
        id.StartsWith("trm_", StringComparison.Ordinal)
            ? grains.GetGrain<IMerchantTerminalGrain>(GrainKeys.For(tenantId, id))
            : throw ProblemException.NotFound("The terminal");
}
