using Npgsql;

namespace SceneFinance.Platform.Audit;

/// <summary>
/// Append-only in the database itself: a trigger refuses every UPDATE, DELETE and TRUNCATE of the audit table, whoever
/// asks (a bug, a hand in psql with the product's login). Applied by the schema owner at every start, after Marten's schema
/// (which may recreate the table when the document changes), once at a time across the cluster (<c>Storage.MigrateAsOwner</c>).
/// </summary>
static class AuditTrigger
{
    /// <param name="owner">An open connection as the schema owner: the product's role may not create triggers.</param>
    public static async Task Apply(NpgsqlConnection owner, string schema, CancellationToken ct)
    {
        await using var tx = await owner.BeginTransactionAsync(ct);
        await using var command = new NpgsqlCommand($"""
            select pg_advisory_xact_lock(hashtext('scenefinance/audit-trigger'));
            create or replace function {schema}.sf_audit_append_only() returns trigger language plpgsql as $$
            begin
              raise exception 'The audit log is append-only: % is refused.', tg_op using errcode = 'insufficient_privilege';
            end $$;
            create or replace trigger sf_audit_append_only before update or delete on {schema}.mt_doc_auditentry
              for each row execute function {schema}.sf_audit_append_only();
            create or replace trigger sf_audit_no_truncate before truncate on {schema}.mt_doc_auditentry
              for each statement execute function {schema}.sf_audit_append_only();
            """, owner, tx);
        await command.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }
}
