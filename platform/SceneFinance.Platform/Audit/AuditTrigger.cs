using Marten;
using Microsoft.Extensions.Hosting;
using Npgsql;
using SceneFinance.Platform.Postgres;

namespace SceneFinance.Platform.Audit;

/// <summary>
/// Append-only in the database itself: a trigger refuses every UPDATE, DELETE and TRUNCATE of the audit table, whoever
/// asks (a bug, a hand in psql with the product's login). Applied at every start (Marten may recreate the table when the
/// document changes), once at a time across the cluster.
/// </summary>
sealed class AuditTrigger(IDocumentStore store, Microsoft.Extensions.Configuration.IConfiguration configuration) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        await store.Storage.Database.EnsureStorageExistsAsync(typeof(AuditEntry), ct);
        await using var held = await ClusterLock.Acquire(store, "audit-trigger", ct);
        var schema = store.Options.DatabaseSchemaName;
        // As the schema owner: the product's own role may not create triggers on a table it does not own.
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Storage.Storage.OwnerConnectionString(configuration)) { Pooling = false }.ConnectionString);
        await conn.OpenAsync(ct);
        await using var command = new NpgsqlCommand($"""
            create or replace function {schema}.sf_audit_append_only() returns trigger language plpgsql as $$
            begin
              raise exception 'The audit log is append-only: % is refused.', tg_op using errcode = 'insufficient_privilege';
            end $$;
            create or replace trigger sf_audit_append_only before update or delete on {schema}.mt_doc_auditentry
              for each row execute function {schema}.sf_audit_append_only();
            create or replace trigger sf_audit_no_truncate before truncate on {schema}.mt_doc_auditentry
              for each statement execute function {schema}.sf_audit_append_only();
            """, conn);
        await command.ExecuteNonQueryAsync(ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
