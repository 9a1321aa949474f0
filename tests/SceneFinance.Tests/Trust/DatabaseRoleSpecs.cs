using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SceneFinance.Platform.Audit;
using SceneFinance.Platform.Postgres;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Trust;

/// <summary>
/// The product connects as a least-privilege role (issue 11, item 6): rows, yes; the schema and the audit log's history, no.
/// The schema owner (the configured login) only migrates.
/// </summary>
[Collection(SharedApp.Name)]
public sealed class DatabaseRoleSpecs(SceneApp app)
{
    IDocumentStore Store => app.Services.GetRequiredService<IDocumentStore>();

    [Fact]
    public async Task The_product_runs_as_the_app_role_which_cannot_drop_or_alter_a_table_nor_rewrite_the_audit_log()
    {
        var s = await Scenario.Start(app);
        await s.Suspend(); // an audit entry to try to delete
        AuditEntry entry;
        await using (var session = Store.QuerySession())
            entry = await session.Query<AuditEntry>().SingleAsync(e => e.TenantId == s.TenantId && e.Action == "tenant.suspended");

        // The connection string the host uses for everything: the product's store, the live dashboards, the readiness probe,
        // Quartz and the cluster membership.
        var appConnection = app.Services.GetRequiredService<IConfiguration>().GetConnectionString("Postgres")!;
        Assert.Equal("scenefinance_app", new NpgsqlConnectionStringBuilder(appConnection).Username);
        await using var conn = new NpgsqlConnection(appConnection);
        await conn.OpenAsync();
        await using (var who = new NpgsqlCommand("select current_user", conn))
            Assert.Equal("scenefinance_app", await who.ExecuteScalarAsync());
        await using (var store = Store.Storage.Database.CreateConnection())
            Assert.Equal("scenefinance_app", new NpgsqlConnectionStringBuilder(store.ConnectionString).Username);

        foreach (var sql in new[]
                 {
                     "create table scenefinance.sneaky (id int)", // no document table is created online: the owner made them all
                     "create table public.sneaky (id int)",
                     "create table sneaky (id int)",
                     "drop table scenefinance.mt_events",
                     "alter table scenefinance.mt_doc_terminalrecord add column sneaky int",
                     "truncate scenefinance.mt_events",
                     "drop table public.qrtz_locks",
                     "truncate scenefinance.mt_doc_auditentry",
                     "delete from scenefinance.mt_doc_auditentry where id = @id",
                     "update scenefinance.mt_doc_auditentry set data = data where id = @id",
                     "drop trigger sf_audit_append_only on scenefinance.mt_doc_auditentry",
                 })
        {
            await using var command = new NpgsqlCommand(sql, conn);
            command.Parameters.AddWithValue("id", entry.Id);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }
        // No table in the product's schema is the app role's own (it could drop that one).
        await using (var owned = new NpgsqlCommand("select count(*) from pg_tables where schemaname in ('scenefinance', 'public', 'orleans') and tableowner = current_user", conn))
            Assert.Equal(0L, await owned.ExecuteScalarAsync());
        await using (var session = Store.QuerySession())
            Assert.Single(await session.Query<AuditEntry>().Where(e => e.Id == entry.Id).ToListAsync());
    }
}

/// <summary>
/// A running host, clustered through PostgreSQL as production runs: Quartz and the cluster membership work on the app role's
/// connection, and the schema owner has no session left once the host has started (it only migrated).
/// </summary>
public sealed class RunningHostRoleSpecs
{
    [Fact]
    public async Task After_startup_only_the_app_role_is_connected_and_it_reads_and_writes_quartz_and_the_membership()
    {
        var owner = TestPostgres.NewDatabase("roles");
        var data = Directory.CreateTempSubdirectory("scenefinance-roles-").FullName;
        await using var host = await HostProcess.Start(owner, data, new Dictionary<string, string>
        {
            ["SceneFinance__Postgres__AppRole"] = "scenefinance_app",
            ["SceneFinance__Orleans__Clustering"] = "postgres",
            ["SceneFinance__Orleans__ClusterId"] = "roles-" + Guid.NewGuid().ToString("N")[..8],
        });
        var ownerName = new NpgsqlConnectionStringBuilder(owner).Username!;

        // The owner's connections close when its migrations are done (not pooled): wait for the last to go, on a loaded machine.
        await using (var watch = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(owner) { Pooling = false }.ConnectionString))
        {
            await watch.OpenAsync();
            var sessions = new Dictionary<string, long>();
            for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(250))
            {
                sessions.Clear();
                await using var who = new NpgsqlCommand(
                    "select usename, count(*) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() group by usename", watch);
                await using (var reader = await who.ExecuteReaderAsync())
                    while (await reader.ReadAsync()) sessions[reader.GetString(0)] = reader.GetInt64(1);
                if (!sessions.ContainsKey(ownerName) || DateTime.UtcNow > deadline) break;
            }
            Assert.False(sessions.ContainsKey(ownerName), $"The owner {ownerName} still has {sessions.GetValueOrDefault(ownerName)} sessions after startup.");
            Assert.True(sessions.GetValueOrDefault("scenefinance_app") > 0, "The running host has no session as the app role.");
        }

        var app = new NpgsqlConnectionStringBuilder(owner) { Username = "scenefinance_app", Password = AppRolePassword(owner), Pooling = false }.ConnectionString;
        await using var conn = new NpgsqlConnection(app);
        await conn.OpenAsync();
        // What the host wrote as the app role: its silo in the membership table, its scheduler's check-in.
        Assert.True(await Count(conn, "select count(*) from orleans.membership") > 0);
        Assert.True(await Count(conn, "select count(*) from public.qrtz_scheduler_state") > 0);
        foreach (var sql in new[]
                 {
                     "insert into public.qrtz_locks (sched_name, lock_name) values ('spec', 'spec')",
                     "update public.qrtz_locks set lock_name = 'spec2' where sched_name = 'spec'",
                     "delete from public.qrtz_locks where sched_name = 'spec'",
                     "insert into orleans.membership_version (deployment_id) values ('spec')",
                     "update orleans.membership_version set version = version + 1 where deployment_id = 'spec'",
                     "delete from orleans.membership_version where deployment_id = 'spec'",
                 })
        {
            await using var command = new NpgsqlCommand(sql, conn);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }
        foreach (var sql in new[] { "create table orleans.sneaky (id int)", "drop table orleans.membership", "truncate public.qrtz_locks" })
        {
            await using var command = new NpgsqlCommand(sql, conn);
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, (await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync())).SqlState);
        }
    }

    static async Task<long> Count(NpgsqlConnection conn, string sql)
    {
        await using var command = new NpgsqlCommand(sql, conn);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The app role's login, as the host derives it (<see cref="AppRole.Ensure"/>: idempotent, the role exists).</summary>
    static string AppRolePassword(string owner) => new NpgsqlConnectionStringBuilder(AppRole.Ensure(owner, "scenefinance_app")).Password!;
}
