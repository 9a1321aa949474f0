using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SceneFinance.Platform.Audit;
using Microsoft.Extensions.Configuration;
using SceneFinance.Platform.Ledger;
using SceneFinance.Platform.Notifying;
using SceneFinance.Platform.Scheduling;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Storage;
using SceneFinance.Platform.Time;

namespace SceneFinance.Platform;

public static class Configuration
{
    /// <summary>The kernel every module stands on: Marten and group commit, the single writer, the tenant clock, the one scheduler, the notifier.</summary>
    public static IHostApplicationBuilder AddPlatform(this IHostApplicationBuilder builder)
    {
        builder.AddStorage();
        builder.Services.AddDigests(); // before the scheduler and the silo: card digests are grain ids
        builder.AddScheduler();
        builder.Services.AddSingleton<TenantClock>();
        builder.Services.AddDataProtection(); // the host says where the key ring lives (HostDefaults)
        builder.Services.AddSingleton<SceneFinance.Platform.Security.Sealer>();
        var rotation = new SceneFinance.Platform.Security.SecretRotation();
        builder.Configuration.GetSection("SceneFinance:Security").Bind(rotation); // SecretGrace
        builder.Services.AddSingleton(rotation);
        var notifications = new NotificationOptions();
        builder.Configuration.GetSection("SceneFinance:Notifications").Bind(notifications);
        builder.Services.AddNotifications(notifications);
        return builder;
    }

    /// <summary>The platform's own routes (under <c>/api/v1</c>): the ledger's trial balance.</summary>
    public static IEndpointRouteBuilder MapPlatform(this IEndpointRouteBuilder api) => api.MapTrialBalance();
}
