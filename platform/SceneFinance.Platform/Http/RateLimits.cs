using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;

namespace SceneFinance.Platform.Http;

/// <summary>
/// ASP.NET Core's rate limiter in front of every route, per terminal (or HIS client: the id header, before its signature is
/// checked), per signed-in user, per tenant (the route's or the user's) and, for callers who are none of those, per client
/// address. Token buckets; a request over any of them is answered <c>429 rate_limited</c> problem+json with Retry-After and
/// changes nothing. The limits (<c>SceneFinance:RateLimits:{Terminal|User|Tenant|Address}:PerSecond</c> and <c>:Burst</c>) are
/// far above what a till, a person or the benches send; <c>SceneFinance:RateLimits:Enabled=false</c> turns them off.
/// </summary>
public static class RateLimits
{
    public sealed record Limit(int PerSecond, int Burst);

    static readonly Dictionary<string, Limit> Defaults = new()
    {
        ["Terminal"] = new(1_000, 5_000),
        ["User"] = new(1_000, 5_000),
        ["Tenant"] = new(20_000, 100_000),
        ["Address"] = new(1_000, 5_000),
    };

    public static Limit For(IConfiguration config, string who) => new(
        config.GetValue($"SceneFinance:RateLimits:{who}:PerSecond", Defaults[who].PerSecond),
        config.GetValue($"SceneFinance:RateLimits:{who}:Burst", Defaults[who].Burst));

    public static IServiceCollection AddRateLimits(this IServiceCollection services, IConfiguration config)
    {
        if (!config.GetValue("SceneFinance:RateLimits:Enabled", true)) return services;
        Limit terminal = For(config, "Terminal"), user = For(config, "User"), tenant = For(config, "Tenant"), address = For(config, "Address");
        return services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(http => CallerOf(http) is { } key
                    ? Bucket(key, key.StartsWith("terminal:", StringComparison.Ordinal) ? terminal : key.StartsWith("user:", StringComparison.Ordinal) ? user : address)
                    : RateLimitPartition.GetNoLimiter("")),
                PartitionedRateLimiter.Create<HttpContext, string>(http => TenantOf(http) is { } id
                    ? Bucket("tenant:" + id, tenant)
                    : RateLimitPartition.GetNoLimiter("")));
            o.OnRejected = async (context, ct) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after))
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(after.TotalSeconds)).ToString();
                var problem = new ProblemException(429, ErrorCodes.RateLimited, "Too many requests; slow down and try again shortly.").ToProblem();
                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>()
                    .WriteAsync(new ProblemDetailsContext { HttpContext = context.HttpContext, ProblemDetails = problem });
            };
        });
    }

    /// <summary>After authentication (the user is known), before authorization and the routes.</summary>
    public static IApplicationBuilder UseRateLimits(this IApplicationBuilder app) =>
        app.ApplicationServices.GetService<Microsoft.Extensions.Options.IOptions<RateLimiterOptions>>()?.Value.GlobalLimiter is null ? app : app.UseRateLimiter();

    static RateLimitPartition<string> Bucket(string key, Limit limit) => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
    {
        TokenLimit = limit.Burst,
        TokensPerPeriod = limit.PerSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    });

    /// <summary>Who is calling: the signing terminal or client, else the signed-in user, else the address.</summary>
    static string? CallerOf(HttpContext http)
    {
        foreach (var header in (string[])["X-Terminal-Id", "X-Client-Id"])
            if (http.Request.Headers[header].ToString() is { Length: > 0 and <= 64 } id) return "terminal:" + id;
        if (http.User.Identity is { IsAuthenticated: true, Name: { } name }) return "user:" + name;
        return "address:" + http.Connection.RemoteIpAddress;
    }

    static string? TenantOf(HttpContext http) =>
        http.Request.RouteValues.TryGetValue("tenantId", out var route) && route is string { Length: > 0 and <= 64 } id ? id
        : http.User.FindFirstValue(Roles.TenantClaim);
}
