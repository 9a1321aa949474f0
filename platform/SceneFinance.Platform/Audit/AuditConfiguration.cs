using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SceneFinance.Platform.Http;

namespace SceneFinance.Platform.Audit;

public static class AuditConfiguration
{
    /// <summary>The audit table (platform-wide, searched by tenant and time) and its append-only trigger.</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.ConfigureMarten(opts => opts.Schema.For<AuditEntry>().SingleTenanted()
            .Index(e => e.TenantId).Index(e => e.At).Index(e => e.ActorId));
        // Its append-only trigger: applied by the schema owner at startup (Storage.MigrateAsOwner, AuditTrigger).
        return services;
    }

    /// <summary>
    /// After authentication: a signed-in person's requests act as them (<see cref="AuditActor"/>), from the request's address,
    /// for every grain call the request makes.
    /// </summary>
    public static IApplicationBuilder UseAuditActor(this IApplicationBuilder app) =>
        app.Use(async (HttpContext http, RequestDelegate next) =>
        {
            // A signed caller (a till, the HIS, a channel) is its own record, whatever bearer token came along with it: a tap
            // is the terminal's, not an audit entry of the person whose token the device happened to carry.
            if (http.GetEndpoint()?.Metadata.GetMetadata<CallerMetadata>()?.Kind is CallerKind.Terminal or CallerKind.SystemClient or CallerKind.Channel
                || AuditActor.Of(http.User, http.Connection.RemoteIpAddress?.ToString()) is not { } actor)
            {
                await next(http);
                return;
            }
            using (AuditActor.Use(actor)) await next(http);
        });
}
