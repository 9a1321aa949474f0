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
            http.RequireTenantAccess(tenantId, [Roles.TenantAdmin]);
            await grains.RequireTenant(tenantId);
            new Validation().Text(body.Name, "name", 100).OneOf(body.Kind, "kind", Kinds).ThrowIfInvalid();
            var id = Ids.New("trm");
            var (t, secret) = await grains.GetGrain<IMerchantTerminalGrain>(GrainKeys.For(tenantId, id)).Register(body.Name!.Trim(), body.Kind!, clock.GetUtcNow());
            return TypedResults.Created($"/api/v1/tenants/{tenantId}/terminals/{id}",
                new RegisteredTerminalResponse(t.Id, t.Name, t.Kind, t.Status, secret, t.CreatedAt));
        });

        terminals.MapGet("/{id}", async (string tenantId, string id, HttpContext http, IGrainFactory grains) =>
        {
            http.RequireTenantAccess(tenantId, Roles.TenantReaders);
            return TypedResults.Ok(await Require(grains, tenantId, id).Get());
        });

        terminals.MapPost("/{id}/disable", async (string tenantId, string id, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
        {
            http.RequireTenantAccess(tenantId, [Roles.TenantAdmin]);
            var terminal = Require(grains, tenantId, id);
            _ = await terminal.Get() ?? throw ProblemException.NotFound("The terminal");
            return TypedResults.Ok(await terminal.Disable(clock.GetUtcNow()));
        });
    }

    static IMerchantTerminalGrain Require(IGrainFactory grains, string tenantId, string id) =>
        id.StartsWith("trm_", StringComparison.Ordinal)
            ? grains.GetGrain<IMerchantTerminalGrain>(GrainKeys.For(tenantId, id))
            : throw ProblemException.NotFound("The terminal");
}
