using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace SceneFinance.Platform.Postgres;

/// <summary>
/// The least-privilege database role the product runs as (<c>scenefinance_app</c> by default): it reads and writes rows, and
/// nothing more. The schema owner (the configured login) only migrates: Marten's schema at startup, the audit trigger, then
/// <see cref="Grant"/>. The app role cannot drop, alter or truncate the owner's tables, and may not UPDATE or DELETE the audit
/// log (revoked here, besides the audit trigger). It may CREATE in the product's schema: Marten creates the table of a
/// document type first used after startup (online schema management), and such a table is the app role's own.
/// </summary>
public static class AppRole
{
    public const string DefaultName = "scenefinance_app";

    /// <summary>
    /// Creates the login role when it does not exist yet (roles are server-wide: one for every database of the server) and
    /// returns the product's connection string as that role. Its password is derived from the owner's, so every host (and
    /// every test database on a shared server) reaches it without a file of its own.
    /// </summary>
    public static string Ensure(string ownerConnectionString, string role)
    {
        if (!IsName(role)) throw new InvalidOperationException($"SceneFinance:Postgres:AppRole '{role}' must be a lowercase identifier.");
        var owner = new NpgsqlConnectionStringBuilder(ownerConnectionString);
        var password = Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(owner.Password ?? ""),
            Encoding.UTF8.GetBytes("scenefinance/app-role/" + role))).ToLowerInvariant();
        // In the maintenance database: advisory locks are per database, and every database of the server shares the role.
        using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ownerConnectionString) { Database = "postgres", Pooling = false }.ConnectionString);
        conn.Open();
        using var tx = conn.BeginTransaction();
        using (var take = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext('scenefinance/app-role'))", conn, tx)) take.ExecuteNonQuery();
        using (var create = new NpgsqlCommand($"""
            do $$ begin
              if not exists (select from pg_roles where rolname = '{role}') then
                create role {role} login password '{password}' nosuperuser nocreatedb nocreaterole noreplication nobypassrls;
              end if;
            end $$;
            """, conn, tx)) create.ExecuteNonQuery();
        tx.Commit();
        return new NpgsqlConnectionStringBuilder(ownerConnectionString) { Username = role, Password = password }.ConnectionString;
    }

    /// <summary>
    /// What the app role may do in the product's schemas, granted by the owner after its migrations; default privileges make
    /// the tables, sequences and functions the owner creates later reachable too. Idempotent.
    /// </summary>
    public static async Task Grant(string ownerConnectionString, string role, string schema, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ownerConnectionString) { Pooling = false }.ConnectionString);
        await conn.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var take = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext('scenefinance/app-role-grants'))", conn, tx))
            await take.ExecuteNonQueryAsync(ct);
        await using (var grant = new NpgsqlCommand($"""
            do $$ begin execute format('grant connect, temporary on database %I to {role}', current_database()); end $$;
            grant usage, create on schema {schema} to {role};
            grant select, insert, update, delete on all tables in schema {schema} to {role};
            grant usage, select, update on all sequences in schema {schema} to {role};
            grant execute on all functions in schema {schema} to {role};
            alter default privileges in schema {schema} grant select, insert, update, delete on tables to {role};
            alter default privileges in schema {schema} grant usage, select, update on sequences to {role};
            alter default privileges in schema {schema} grant execute on functions to {role};
            revoke update, delete, truncate on {schema}.mt_doc_auditentry from {role};
            """, conn, tx)) await grant.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }

    static bool IsName(string name) => name.Length is > 0 and <= 63 && name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_') && !char.IsAsciiDigit(name[0]);
}
