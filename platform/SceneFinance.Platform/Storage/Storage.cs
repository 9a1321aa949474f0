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
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            var dataPath = DataPath(builder.Configuration);
            var port = builder.Configuration.GetValue<int?>("SceneFinance:Postgres:Port");
            var pg = EmbeddedPostgres.Start(Path.Combine(dataPath, "postgres"), port, Console.WriteLine);
            builder.Services.AddSingleton(pg);
            builder.Services.AddHostedService<StopEmbeddedPostgres>();
            connectionString = pg.ConnectionString;
            builder.Configuration[$"ConnectionStrings:{ConnectionStringName}"] = connectionString;
        }

        builder.Services.AddMarten(opts =>
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
            })
            .UseLightweightSessions()
            .ApplyAllDatabaseChangesOnStartup();
        builder.Services.AddSingleton<GroupCommit>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GroupCommit>());
        builder.Services.AddSingleton<StreamWriters>();
        builder.Services.AddSingleton<Security.SignatureNonces>();
        return builder;
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
