using Marten;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using SceneFinance.Platform.Scheduling;
using SceneFinance.Platform.Time;

namespace SceneFinance.Platform.Notifying;

public static class NotifyingConfiguration
{
    /// <summary>
    /// The notifier, its retry job on the one scheduler, and the sandbox's simulated SMS, WeChat template and in-app channels (a real
    /// deployment registers its SDK's <see cref="INotificationChannel"/> for a name instead).
    /// </summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, NotificationOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<Notifier>();
        foreach (var name in NotificationChannels.All)
            services.AddSingleton<INotificationChannel>(sp => new SimulatedChannel(name, sp.GetRequiredService<IDocumentStore>(), sp.GetRequiredService<TimeProvider>(), options,
                sp.GetRequiredService<ITenantDirectory>()));
        services.ConfigureMarten(opts =>
        {
            opts.Schema.For<Notification>().SingleTenanted().Index(n => n.NextAttemptAt).Index(n => n.Status);
            opts.Schema.For<ReceivedMessage>().SingleTenanted().Index(m => m.To).Index(m => m.ReceivedAt);
        });
        services.AddJobs(q => q.ScheduleJob<NotificationJob>(
            trigger => trigger.WithIdentity("notifications-delivery", "platform").StartNow()
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(Math.Max(1, options.DeliverEverySeconds))).RepeatForever()),
            job => job.WithIdentity(NotificationJob.Key)));
        return services;
    }
}
