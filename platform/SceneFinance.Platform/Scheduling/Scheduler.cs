using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;
using Npgsql;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Postgres;
using SceneFinance.Platform.Storage;

namespace SceneFinance.Platform.Scheduling;

/// <summary>
/// The host's one scheduler: Quartz on the product's PostgreSQL (tables <c>public.qrtz_*</c>, created by the schema owner at
/// startup, <see cref="QuartzSchema"/>; Quartz itself runs as the app role and only reads and writes rows), clustered, so
/// several hosts run each job once. Modules add their jobs with <see cref="AddJobs"/>; none creates a scheduler of its own.
/// </summary>
public static class Scheduler
{
    public const string Name = "scenefinance";

    /// <summary>Call after <c>AddStorage</c>: the job store uses its database.</summary>
    public static IHostApplicationBuilder AddScheduler(this IHostApplicationBuilder builder)
    {
        // The product's (least-privilege) connection: the owner created the tables before Quartz starts.
        var connectionString = builder.Configuration.GetConnectionString(Storage.Storage.ConnectionStringName)!;
        builder.Services.AddSingleton<IOwnerMigration, QuartzSchema>();
        builder.Services.AddQuartz(Name, q =>
        {
            q.AddJobMiddleware<SystemActorMiddleware>(); // jobs act as the system (the audit log's actor)
            q.UsePersistentStore(store =>
            {
                store.UsePostgres(Storage.Storage.Named(connectionString, "scenefinance-scheduler"));
                store.UseSystemTextJsonSerializer();
                store.UseClustering();
                store.ConfigureStore(o => o.TablePrefix = QuartzSchema.TablePrefix); // validated at start, never created by Quartz
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

/// <summary>
/// Quartz's tables, created by the schema owner at startup with Quartz's own guarded script (the one its
/// <c>ProvisionSchema()</c> runs: creates only what is missing, never drops), then rows granted to the app role. Schema-qualified
/// (<c>public</c>, where earlier versions' Quartz created them): the owner's and the app role's search paths may differ.
/// </summary>
sealed class QuartzSchema : IOwnerMigration
{
    public const string Schema = "public";
    const string Prefix = "qrtz_";
    public const string TablePrefix = Schema + "." + Prefix;

    public async Task Apply(NpgsqlConnection owner, string? appRole, CancellationToken ct)
    {
        await using var tx = await owner.BeginTransactionAsync(ct);
        await using (var take = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext('scenefinance/quartz-schema'))", owner, tx))
            await take.ExecuteNonQueryAsync(ct);
        foreach (var statement in Statements())
        {
            await using var command = new NpgsqlCommand(statement, owner, tx);
            await command.ExecuteNonQueryAsync(ct);
        }
        if (appRole is not null) AppRole.GrantRows(owner, tx, appRole, Schema, Prefix);
        await tx.CommitAsync(ct);
    }

    /// <summary>Quartz's PostgreSQL script, its statements separated by a line <c>--;;</c>; {0} the prefix, {1} without the schema.</summary>
    static IEnumerable<string> Statements()
    {
        const string resource = "Quartz.Impl.AdoJobStore.Schema.create_postgres.sql";
        using var stream = typeof(IScheduler).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Quartz no longer ships {resource}: see its ProvisionSchema().");
        using var reader = new StreamReader(stream);
        var script = reader.ReadToEnd().Replace("{0}", TablePrefix).Replace("{1}", Prefix);
        return script.Split(["\r\n--;;\r\n", "\n--;;\n"], StringSplitOptions.None)
            .Where(s => s.Split('\n').Any(line => line.Trim() is { Length: > 0 } t && !t.StartsWith("--")))
            .ToList();
    }
}
