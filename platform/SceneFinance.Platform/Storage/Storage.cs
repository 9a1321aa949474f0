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
using SceneFinance.Platform.Audit;
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

        // The product's store creates nothing (AutoCreate.None): the owner applies every registered type's schema first.
        builder.Services.AddMarten(opts => Configure(opts, split ? app! : owner, AutoCreate.None)).UseLightweightSessions();
        builder.Services.AddHostedService(sp => new MigrateAsOwner(sp, owner, split ? AppRole.Of(owner, app!) : null));
        builder.Services.AddAudit(); // the writer's commits carry who decided: the audit table is the store's from the start
        builder.Services.AddSingleton<GroupCommit>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GroupCommit>());
        builder.Services.AddSingleton<StreamWriters>();
        builder.Services.AddSingleton<Security.SignatureNonces>();
        return builder;
    }

    public const string OwnerConnectionStringName = "PostgresOwner";
    public const string AppConnectionStringName = "PostgresApp";

    /// <summary>
    /// The schema owner's connection: for migrations at startup only (Marten's schema, the audit trigger, Quartz's tables, the
    /// cluster membership SQL, the app role's grants), never pooled, so no session of the owner stays open after them.
    /// </summary>
    public static string OwnerConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(OwnerConnectionStringName) ?? configuration.GetConnectionString(ConnectionStringName)
        ?? throw new InvalidOperationException("No PostgreSQL connection: call AddStorage first.");

    public const string Schema = "scenefinance";

    /// <summary>
    /// The connection string with the component's name, which PostgreSQL shows as <c>application_name</c> (unless one is set):
    /// who holds a transaction open is then readable in <c>pg_stat_activity</c>, as the day-end close's log reports it.
    /// </summary>
    public static string Named(string connectionString, string component)
    {
        var named = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(named.ApplicationName)) named.ApplicationName = component;
        return named.ConnectionString;
    }

    /// <summary>
    /// The store's connections prepare a statement on its fifth use (Npgsql's auto-prepare; a connection string that sets a
    /// number of its own above 0 keeps it): a payment's statements (Marten's append function, the inserts) are then neither
    /// parsed nor planned again. Measured in-process: PostgreSQL's CPU per payment fell from 0.216 to 0.149 CPU-ms
    /// (BENCHMARKS.md). Safe with the schema as it is changed here: migrations run before the store is used, and Marten
    /// replaces functions in place.
    /// </summary>
    static string Prepared(string connectionString)
    {
        var prepared = new NpgsqlConnectionStringBuilder(connectionString);
        if (prepared.MaxAutoPrepare == 0) prepared.MaxAutoPrepare = 128;
        return prepared.ConnectionString;
    }

    static void Configure(StoreOptions opts, string connectionString, AutoCreate autoCreate)
    {
        opts.Connection(Prepared(Named(connectionString, "scenefinance-store")));
        opts.DatabaseSchemaName = Schema;
        opts.AutoCreateSchemaObjects = autoCreate;
        opts.UseSystemTextJsonForSerialization(SceneJson.Configure(new System.Text.Json.JsonSerializerOptions()), EnumStorage.AsString, Casing.CamelCase);
        opts.Events.StreamIdentity = StreamIdentity.AsString;
        opts.Events.TenancyStyle = TenancyStyle.Conjoined;
        opts.Events.AppendMode = EventAppendMode.Quick;
        opts.Events.IgnoreIndex(CommitTimeIndex.Name); // the owner's, not Marten's: a migration must not drop it
        opts.Policies.AllDocumentsAreMultiTenanted();
        // No index on CreatedAt: every payment would pay for it; the rare purge of old replies can scan.
        opts.Schema.For<IdempotentResponse>();
        opts.Schema.For<Security.SeenNonce>().SingleTenanted(); // signature v1.1's replay cache, per signer
    }

    /// <summary>
    /// Everything the schema needs, applied at startup by the owner, not by the product's role, before any other part of the host
    /// starts (this is the first hosted service): on every database of the store, Marten's schema (the same store configuration,
    /// every module's ConfigureMarten, on the owner's connection), the audit log's trigger and the app role's grants; then, on the
    /// main database, every <see cref="IOwnerMigration"/> (Quartz's tables, ...). The owner's connections are not pooled: they
    /// close when it is done, and the product runs on the app role's.
    /// </summary>
    sealed class MigrateAsOwner(IServiceProvider services, string owner, string? role) : IHostedService
    {
        public async Task StartAsync(CancellationToken ct)
        {
            var unpooled = Unpooled(owner);
            var opts = new StoreOptions();
            Configure(opts, unpooled, AutoCreate.CreateOrUpdate);
            foreach (var configure in services.GetServices<IConfigureMarten>()) configure.Configure(services, opts);
            using (var store = new DocumentStore(opts))
            {
                foreach (var database in await store.Storage.AllDatabases())
                {
                    await database.ApplyAllConfiguredChangesToDatabaseAsync(ct: ct);
                    await using var conn = database.CreateConnection();
                    await conn.OpenAsync(ct);
                    await Audit.AuditTrigger.Apply(conn, Schema, ct);
                    await CommitTimeIndex.Apply(conn, Schema, ct);
                    if (role is not null) await AppRole.Grant(conn, role, Schema, ct);
                }
            }
            await using var main = new NpgsqlConnection(unpooled);
            await main.OpenAsync(ct);
            foreach (var migration in services.GetServices<IOwnerMigration>()) await migration.Apply(main, role, ct);
        }

        public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    }

    static string Unpooled(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

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
