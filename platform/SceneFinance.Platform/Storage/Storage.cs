using JasperFx;
using JasperFx.Events;
using Marten;
using JasperFx.MultiTenancy;
using Marten.Storage;
using Weasel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Postgres;

namespace SceneFinance.Platform.Storage;

/// <summary>
/// Marten on PostgreSQL, the record of truth. Tenancy is switched on here, once: every document and
/// every event stream is conjoined by tenant unless a module marks a platform-wide document.
/// </summary>
public static class Storage
{
    public const string ConnectionStringName = "Postgres";

    /// <summary>
    /// Uses <c>ConnectionStrings:Postgres</c> when set; otherwise starts the embedded PostgreSQL in the data
    /// folder (<c>SceneFinance:DataPath</c>, default <c>.data</c>) and stops it with the host.
    /// </summary>
    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName);
        var embedded = string.IsNullOrWhiteSpace(connectionString);
        if (embedded)
        {
            var dataPath = DataPath(builder.Configuration);
            var port = builder.Configuration.GetValue<int?>("SceneFinance:Postgres:Port");
            var pg = EmbeddedPostgres.Start(Path.Combine(dataPath, "postgres"), port, Console.WriteLine);
            builder.Services.AddSingleton(pg);
            builder.Services.AddHostedService<StopEmbeddedPostgres>();
            connectionString = pg.ConnectionString;
        }

        // The configured login owns the schema and only migrates; the product runs as the least-privilege role (AppRole):
        // the one given (ConnectionStrings:PostgresApp), or the one created here (SceneFinance:Postgres:AppRole; by default
        // for the embedded server). Neither: one login does both, as before.
        var owner = connectionString!;
        var app = builder.Configuration.GetConnectionString(AppConnectionStringName);
        if (string.IsNullOrWhiteSpace(app) && (builder.Configuration["SceneFinance:Postgres:AppRole"] ?? (embedded ? AppRole.DefaultName : null)) is { Length: > 0 } role)
            app = AppRole.Ensure(owner, role);
        var split = !string.IsNullOrWhiteSpace(app);
        builder.Configuration[$"ConnectionStrings:{OwnerConnectionStringName}"] = owner;
        builder.Configuration[$"ConnectionStrings:{ConnectionStringName}"] = split ? app : owner; // what every reader of rows uses

        var marten = builder.Services.AddMarten(opts => Configure(opts, split ? app! : owner)).UseLightweightSessions();
        if (split) builder.Services.AddHostedService(sp => new MigrateAsOwner(sp, owner, new NpgsqlConnectionStringBuilder(app).Username!));
        else marten.ApplyAllDatabaseChangesOnStartup();
        builder.Services.AddSingleton<GroupCommit>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GroupCommit>());
        builder.Services.AddSingleton<StreamWriters>();
        builder.Services.AddSingleton<Security.SignatureNonces>();
        return builder;
    }

    public const string OwnerConnectionStringName = "PostgresOwner";
    public const string AppConnectionStringName = "PostgresApp";

    /// <summary>The schema owner's connection: for migrations only (Marten's schema, the audit trigger, Quartz's tables, the cluster membership SQL).</summary>
    public static string OwnerConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(OwnerConnectionStringName) ?? configuration.GetConnectionString(ConnectionStringName)
        ?? throw new InvalidOperationException("No PostgreSQL connection: call AddStorage first.");

    static void Configure(StoreOptions opts, string connectionString)
    {
        opts.Connection(connectionString);
        opts.DatabaseSchemaName = "scenefinance";
        opts.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
        opts.UseSystemTextJsonForSerialization(SceneJson.Configure(new System.Text.Json.JsonSerializerOptions()), EnumStorage.AsString, Casing.CamelCase);
        opts.Events.StreamIdentity = StreamIdentity.AsString;
        opts.Events.TenancyStyle = TenancyStyle.Conjoined;
        opts.Events.AppendMode = EventAppendMode.Quick;
        opts.Policies.AllDocumentsAreMultiTenanted();
        // No index on CreatedAt: every payment would pay for it; the rare purge of old replies can scan.
        opts.Schema.For<IdempotentResponse>();
        opts.Schema.For<Security.SeenNonce>().SingleTenanted(); // signature v1.1's replay cache, per signer
    }

    /// <summary>
    /// Marten's schema applied at startup by the owner, not by the product's role: the same store configuration (every module's
    /// ConfigureMarten) on the owner's connection, then the app role's grants.
    /// </summary>
    sealed class MigrateAsOwner(IServiceProvider services, string owner, string role) : IHostedService
    {
        public async Task StartAsync(CancellationToken ct)
        {
            var opts = new StoreOptions();
            Configure(opts, owner);
            foreach (var configure in services.GetServices<IConfigureMarten>()) configure.Configure(services, opts);
            using (var store = new DocumentStore(opts)) await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            await AppRole.Grant(owner, role, "scenefinance", ct);
        }

        public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    }
    public static string DataPath(IConfiguration configuration) =>
        Path.GetFullPath(configuration["SceneFinance:DataPath"] ?? ".data");

    sealed class StopEmbeddedPostgres(EmbeddedPostgres pg, ILogger<StopEmbeddedPostgres> log) : IHostedService
    {
        public Task StartAsync(CancellationToken ct) => Task.CompletedTask;

        public Task StopAsync(CancellationToken ct)
        {
            log.LogInformation("Stopping the embedded PostgreSQL");
            pg.Stop();
            return Task.CompletedTask;
        }
    }
}
