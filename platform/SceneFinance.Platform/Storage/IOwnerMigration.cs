using Npgsql;

namespace SceneFinance.Platform.Storage;

/// <summary>
/// A part of the schema that is not Marten's (Quartz's tables, ...), created by the schema owner at startup after Marten's
/// schema and before anything else starts, with the app role's row grants on it. Idempotent, and safe when several hosts start
/// at once (take an advisory lock in the transaction). Registered with <c>services.AddSingleton&lt;IOwnerMigration, T&gt;()</c>.
/// </summary>
public interface IOwnerMigration
{
    /// <param name="owner">An open connection as the schema owner to the main database.</param>
    /// <param name="appRole">The role the product runs as, to grant rows to; null when one login does both.</param>
    Task Apply(NpgsqlConnection owner, string? appRole, CancellationToken ct);
}
