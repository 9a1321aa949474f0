using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace SceneFinance.Platform.Postgres;

/// <summary>
/// The least-privilege database role the product runs as (<c>scenefinance_app</c> by default): it reads and writes rows, and
/// nothing more. The schema owner (the configured login) only migrates at startup (<c>Storage.MigrateAsOwner</c>): Marten's
/// schema (every document type is registered, none is created online: the product's store runs with
/// <c>AutoCreate.None</c>), the audit trigger, Quartz's tables, the cluster membership SQL, then <see cref="Grant"/> and
/// <see cref="GrantRows"/>; then its connections close. The app role cannot create, drop, alter or truncate a table, and may
/// not UPDATE or DELETE the audit log (revoked here, besides the audit trigger).
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
    /// What the app role may do in the product's schema, granted by the owner after its migrations, on one database (each
    /// database of a multi-database tenancy gets the same): rows of every table, the sequences and functions; no CREATE on the
    /// schema (taken back from a database where an earlier version granted it, and the tables the role created online then are
    /// handed to the owner). Default privileges make what the owner creates later reachable too. Idempotent.
    /// </summary>
    public static async Task Grant(NpgsqlConnection ownerConnection, string role, string schema, CancellationToken ct)
    {
        await using var tx = await ownerConnection.BeginTransactionAsync(ct);
        await using (var take = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext('scenefinance/app-role-grants'))", ownerConnection, tx))
            await take.ExecuteNonQueryAsync(ct);
        await using (var grant = new NpgsqlCommand($"""
            do $$ begin execute format('grant connect on database %I to {role}', current_database()); end $$;
            revoke create on schema {schema} from {role};
            grant usage on schema {schema} to {role};
            do $$ declare t record; begin
              for t in select schemaname, tablename from pg_tables where schemaname = '{schema}' and tableowner = '{role}' loop
                execute format('alter table %I.%I owner to %I', t.schemaname, t.tablename, current_user);
              end loop;
            exception when insufficient_privilege then
              raise warning 'Tables of {schema} owned by {role} stay its own: the owner may not take them (make it a member of {role}).';
            end $$;
            grant select, insert, update, delete on all tables in schema {schema} to {role};
            grant usage, select, update on all sequences in schema {schema} to {role};
            grant execute on all functions in schema {schema} to {role};
            alter default privileges in schema {schema} grant select, insert, update, delete on tables to {role};
            alter default privileges in schema {schema} grant usage, select, update on sequences to {role};
            alter default privileges in schema {schema} grant execute on functions to {role};
            revoke update, delete, truncate on {schema}.mt_doc_auditentry from {role};
            """, ownerConnection, tx)) await grant.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Rows only, on the tables of <paramref name="schema"/> whose names start with <paramref name="tablePrefix"/> (Quartz's
    /// <c>qrtz_</c> tables, the cluster membership's <c>orleans</c> schema): usage of the schema, select/insert/update/delete.
    /// Run by the owner in its migration's transaction. Idempotent.
    /// </summary>
    public static void GrantRows(NpgsqlConnection ownerConnection, NpgsqlTransaction tx, string role, string schema, string tablePrefix = "")
    {
        if (!IsName(role) || !IsName(schema) || tablePrefix.Any(c => !(c is >= 'a' and <= 'z' or '_')))
            throw new InvalidOperationException($"Not a plain identifier: {role}, {schema}, {tablePrefix}.");
        using var grant = new NpgsqlCommand($"""
            grant usage on schema {schema} to {role};
            do $$ declare t record; begin
              for t in select tablename from pg_tables where schemaname = '{schema}' and starts_with(tablename, '{tablePrefix}') loop
                execute format('grant select, insert, update, delete on %I.%I to {role}', '{schema}', t.tablename);
              end loop;
            end $$;
            """, ownerConnection, tx);
        grant.ExecuteNonQuery();
    }

    /// <summary>The app role's name when the product runs as one (its connection's login differs from the owner's), else null.</summary>
    public static string? Of(string ownerConnectionString, string appConnectionString)
    {
        var app = new NpgsqlConnectionStringBuilder(appConnectionString).Username;
        return app is { Length: > 0 } && app != new NpgsqlConnectionStringBuilder(ownerConnectionString).Username ? app : null;
    }

    static bool IsName(string name) => name.Length is > 0 and <= 63 && name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_') && !char.IsAsciiDigit(name[0]);
}
