using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry.Metrics;
using Quartz;
using Orleans.Dashboard;
using SceneFinance.Platform.Security;

namespace SceneFinance.Platform.Operations;

/// <summary>
/// What an operator (and a balancer) needs from every host: <c>/health/live</c>, <c>/health/ready</c> (PostgreSQL, this silo's
/// cluster membership, the scheduler, not draining), <c>/metrics</c> (Prometheus text; from loopback or
/// <c>SceneFinance:Operations:ScrapeFrom</c> networks, or a platform admin), the Orleans dashboard at <c>/ops/orleans</c> (platform
/// admins), structured logs carrying the trace id, and an orderly stop on SIGTERM. None of it is part of the public API document.
/// </summary>
public static class HostOperations
{
    const string Ready = "ready";
    public const string DashboardPath = "/ops/orleans";

    public static WebApplicationBuilder AddOperations(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        // Every log line written while serving a request carries its trace and span id (and, in JSON, the request's scope).
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(config.GetValue("SceneFinance:Shutdown:TimeoutSeconds", 60)));
        builder.Services.AddSingleton<Draining>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Draining>());
        builder.Services.AddHealthChecks()
            .AddCheck<HostStateCheck>("host", tags: [Ready])
            .AddCheck<PostgresCheck>("postgres", tags: [Ready])
            .AddCheck<MembershipCheck>("cluster", tags: [Ready])
            // Quartz's own check of the one scheduler (running, and checking in to its clustered store).
            .AddQuartz(Scheduling.Scheduler.Name, o => { o.Name = "scheduler"; o.Tags.Add(Ready); });
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(SceneMeters.Name, "Microsoft.Orleans")
            // Orleans' per-message and per-call instruments would be measured on every grain call of every payment: the
            // cluster's shape (activations, directory, ring, membership, watchdog) is what an operator reads here, and the
            // dashboard shows calls. A dropped instrument is never listened to, so it costs nothing.
            .AddView(i => i.Meter.Name == "Microsoft.Orleans" && PerCall.Any(i.Name.StartsWith) ? MetricStreamConfiguration.Drop : null)
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddNpgsqlInstrumentation()
            .AddPrometheusExporter());
        builder.Services.AddAuthorizationBuilder().AddPolicy(ScrapePolicy, p => p.RequireAssertion(ctx =>
            ctx.User.IsInRole(Roles.PlatformAdmin) || (ctx.Resource as HttpContext)?.Connection.RemoteIpAddress is { } ip && ScrapersMay(config, ip)));
        return builder;
    }

    const string ScrapePolicy = "metrics-scrape";
    static readonly string[] PerCall = ["orleans-messaging", "orleans-app-requests", "orleans-catalog-activation-latency"];

    /// <summary>
    /// Call first: behind the balancer the client's address (which the sign-in throttle and the rate limits key on) comes from
    /// X-Forwarded-For, taken only from the proxies named in <c>SceneFinance:Http:KnownProxies</c> (addresses or networks,
    /// comma-separated); <c>SceneFinance:Http:BehindProxy</c> without a list trusts loopback proxies only. Without either,
    /// the header is ignored: a client cannot choose the address it is counted under.
    /// </summary>
    public static WebApplication UseOperations(this WebApplication app)
    {
        if (ForwardedHeadersFrom(app.Configuration) is { } forwarded) app.UseForwardedHeaders(forwarded);
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous().ExcludeFromDescription();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteReport })
            .AllowAnonymous().ExcludeFromDescription();
        app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(ScrapePolicy).ExcludeFromDescription();
        if (DashboardOn(app.Configuration))
            app.MapOrleansDashboard(DashboardPath).RequireAuthorization(p => p.RequireRole(Roles.PlatformAdmin)).ExcludeFromDescription();
        return app;
    }

    public static ForwardedHeadersOptions? ForwardedHeadersFrom(IConfiguration config)
    {
        var proxies = (config["SceneFinance:Http:KnownProxies"] ?? "").Split([',', ' '], StringSplitOptions.RemoveEmptyEntries);
        if (proxies.Length == 0 && !config.GetValue("SceneFinance:Http:BehindProxy", false)) return null;
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto, ForwardLimit = 1 };
        if (proxies.Length == 0) return options; // loopback only, the framework's default
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in proxies)
        {
            if (System.Net.IPNetwork.TryParse(proxy, out var network) && proxy.Contains('/')) options.KnownIPNetworks.Add(network);
            else if (IPAddress.TryParse(proxy, out var address)) options.KnownProxies.Add(address);
            else throw new InvalidOperationException($"SceneFinance:Http:KnownProxies: '{proxy}' is not an address or a network.");
        }
        return options;
    }

    /// <summary><c>SceneFinance:Orleans:Dashboard</c>: the silo collects the dashboard's figures and the host serves it.</summary>
    public static bool DashboardOn(IConfiguration config) => config.GetValue("SceneFinance:Orleans:Dashboard", false);

    static bool ScrapersMay(IConfiguration config, IPAddress ip) =>
        IPAddress.IsLoopback(ip) || (config["SceneFinance:Operations:ScrapeFrom"] ?? "")
            .Split([',', ' '], StringSplitOptions.RemoveEmptyEntries)
            .Any(network => System.Net.IPNetwork.TryParse(network, out var n) && n.Contains(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip));

    /// <summary>Each check's status and short reason: no connection strings, no stack traces.</summary>
    static Task WriteReport(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        }));
    }
}
