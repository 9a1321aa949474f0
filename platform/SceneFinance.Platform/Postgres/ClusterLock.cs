using System.Security.Cryptography;
using System.Text;
using Marten;
using Npgsql;

namespace SceneFinance.Platform.Postgres;

/// <summary>
/// A lock every host of the cluster respects (one roster import per school at a time, whichever silo the upload reached): a
/// PostgreSQL session advisory lock, held on a connection of its own until disposed. A host that dies drops its connection,
/// and PostgreSQL releases the lock with it: nothing stays locked after a crash.
/// </summary>
public static class ClusterLock
{
    /// <summary>Waits until no other host (or task) holds <paramref name="name"/>, then holds it until the handle is disposed.</summary>
    public static async Task<IAsyncDisposable> Acquire(IDocumentStore store, string name, CancellationToken ct = default)
    {
        var key = Key(name);
        var conn = store.Storage.Database.CreateConnection();
        try
        {
            await conn.OpenAsync(ct);
            await using var take = new NpgsqlCommand("select pg_advisory_lock(@key)", conn) { CommandTimeout = 0 };
            take.Parameters.AddWithValue("key", key);
            await take.ExecuteNonQueryAsync(ct);
            return new Held(conn, key);
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    /// <summary>Advisory locks are numbers: the name's digest, so different names practically never share one.</summary>
    static long Key(string name) => BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("scenefinance/" + name)));

    sealed class Held(NpgsqlConnection conn, long key) : IAsyncDisposable
    {
        // Unlocked explicitly: the connection goes back to a pool that does not reset sessions (NoResetOnClose).
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var release = new NpgsqlCommand("select pg_advisory_unlock(@key)", conn);
                release.Parameters.AddWithValue("key", key);
                await release.ExecuteNonQueryAsync();
            }
            finally
            {
                await conn.DisposeAsync();
            }
        }
    }
}
