using Npgsql;

namespace SceneFinance.Platform.Postgres;

/// <summary>
/// Where the silos of a cluster find each other: Orleans' membership table in the product's own PostgreSQL (schema
/// <c>orleans</c>, our script <c>ClusterMembership.sql</c>; Orleans' ADO.NET packages ship none). No other server to run:
/// the database every payment already needs is the one the cluster agrees in.
/// </summary>
public static class ClusterMembership
{
    /// <summary>Same lock id on every silo: two silos starting together do not create the tables twice.</summary>
    const long SchemaLock = 0x5CE4EF1_0001;

    /// <summary>
    /// Creates (or updates) the membership schema and its stored statements, as the schema owner; safe on every start. Then the
    /// app role (when the product runs as one) may read and write the rows, and nothing more: Orleans runs on its connection.
    /// </summary>
    public static void Apply(string ownerConnectionString, string? appRole)
    {
        using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ownerConnectionString) { Pooling = false }.ConnectionString);
        conn.Open();
        using var tx = conn.BeginTransaction();
        using (var lockCmd = new NpgsqlCommand($"select pg_advisory_xact_lock({SchemaLock})", conn, tx)) lockCmd.ExecuteNonQuery();
        using (var apply = new NpgsqlCommand(Script(), conn, tx)) apply.ExecuteNonQuery();
        if (appRole is not null) AppRole.GrantRows(conn, tx, appRole, "orleans");
        tx.Commit();
    }

    /// <summary>
    /// The connection string Orleans uses: its one unqualified query (<c>select ... from OrleansQuery</c>) finds our schema, and
    /// times travel as UTC whatever the server's zone.
    /// </summary>
    public static string ConnectionString(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString)
    {
        SearchPath = "orleans", Timezone = "UTC", ApplicationName = "orleans-membership", MaxPoolSize = 10,
    }.ConnectionString;

    static string Script()
    {
        using var stream = typeof(ClusterMembership).Assembly.GetManifestResourceStream("SceneFinance.Platform.Postgres.ClusterMembership.sql")
            ?? throw new InvalidOperationException("ClusterMembership.sql is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
