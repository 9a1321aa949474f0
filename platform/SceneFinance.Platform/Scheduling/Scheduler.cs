using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Storage;

namespace SceneFinance.Platform.Scheduling;

/// <summary>
/// The host's one scheduler: Quartz on the product's PostgreSQL (schema provisioned by Quartz), clustered, so several hosts
/// run each job once. Modules add their jobs with <see cref="AddJobs"/>; none creates a scheduler of its own.
/// </summary>
public static class Scheduler
{
    public const string Name = "scenefinance";

    /// <summary>Call after <c>AddStorage</c>: the job store uses its database.</summary>
    public static IHostApplicationBuilder AddScheduler(this IHostApplicationBuilder builder)
    {
        // The schema owner's: Quartz provisions its own tables when it starts (not yet split from running as the app role).
        var connectionString = Storage.Storage.OwnerConnectionString(builder.Configuration);
        builder.Services.AddQuartz(Name, q =>
        {
            q.AddJobMiddleware<SystemActorMiddleware>(); // jobs act as the system (the audit log's actor)
            q.UsePersistentStore(store =>
            {
                store.UsePostgres(connectionString);
                store.UseSystemTextJsonSerializer();
                store.UseClustering();
                store.ProvisionSchema();
            });
            q.ScheduleJob<StoredOutcomePurgeJob>(
                trigger => trigger.WithIdentity("stored-outcome-purge", "platform").WithCronSchedule("0 30 3 * * ?"),
                job => job.WithIdentity(StoredOutcomePurgeJob.Key));
        });
        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return builder;
    }

    /// <summary>A module's jobs, on the one scheduler (whatever order modules are added in).</summary>
    public static IServiceCollection AddJobs(this IServiceCollection services, Action<IQuartzBuilder> jobs) =>
        services.ConfigureAllQuartzSchedulers(jobs);
}
