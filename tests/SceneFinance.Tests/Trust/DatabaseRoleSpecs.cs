using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SceneFinance.Platform.Audit;
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

        await using var conn = Store.Storage.Database.CreateConnection();
        await conn.OpenAsync();
        await using (var who = new NpgsqlCommand("select current_user", conn))
            Assert.Equal("scenefinance_app", await who.ExecuteScalarAsync());
        // The product's other readers of rows (the live dashboards, the readiness probe) are given the same login.
        Assert.Equal("scenefinance_app", new NpgsqlConnectionStringBuilder(app.Services.GetRequiredService<IConfiguration>().GetConnectionString("Postgres")).Username);

        foreach (var sql in new[]
                 {
                     "drop table scenefinance.mt_events",
                     "alter table scenefinance.mt_doc_terminalrecord add column sneaky int",
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
        await using (var session = Store.QuerySession())
            Assert.Single(await session.Query<AuditEntry>().Where(e => e.Id == entry.Id).ToListAsync());
    }
}
