using System.Collections.Concurrent;
using Npgsql;
using SceneFinance.Platform.Postgres;

namespace SceneFinance.Tests.Infrastructure;

/// <summary>
/// One real PostgreSQL 15 for the whole test run, started like the product starts its own (or the server
/// named by SCENEFINANCE_TEST_POSTGRES). Every host a test starts gets a fresh database of its own.
/// </summary>
public static class TestPostgres
{
    public const string Prefix = "t_";

    /// <summary>Leftovers younger than this may belong to a run going on right now (in another checkout) that has not connected yet.</summary>
    static readonly TimeSpan LeftoverAge = TimeSpan.FromMinutes(10);

    static readonly ConcurrentDictionary<string, byte> Ours = new();

    static readonly Lazy<EmbeddedPostgres?> Server = new(() =>
    {
        if (Environment.GetEnvironmentVariable("SCENEFINANCE_TEST_POSTGRES") is { Length: > 0 }) return null;
        var pg = EmbeddedPostgres.Start(ServerFolder());
        AppDomain.CurrentDomain.ProcessExit += (_, _) => pg.Stop();
        try
        {
            var dropped = DropLeftovers(pg, Prefix, LeftoverAge);
            if (dropped.Count > 0) Console.WriteLine($"TestPostgres: dropped {dropped.Count} databases left by earlier runs.");
        }
        catch (NpgsqlException e)
        {
            Console.Error.WriteLine($"TestPostgres: could not drop the databases of earlier runs: {e.Message}");
        }
        return pg;
    });

    /// <summary>
    /// One server per checkout: a run stops the server it started when it ends, which must never pull the server
    /// from under a run of another checkout (a worktree) that happens to be going on at the same time.
    /// </summary>
    static string ServerFolder()
    {
        var checkout = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(HostProcess.RepoRoot())), 0, 4).ToLowerInvariant();
        return Path.Combine(Path.GetTempPath(), "scenefinance-tests", checkout, "postgres");
    }

    public static string NewDatabase(string purpose)
    {
        var name = $"{Prefix}{purpose}_{Guid.NewGuid():N}".ToLowerInvariant();
        if (Server.Value is not { } pg)
            throw new NotSupportedException("SCENEFINANCE_TEST_POSTGRES: point the tests at a server by setting it to a connection string whose user may create databases.");
        Ours[name] = 0;
        return pg.CreateDatabase(name);
    }

    static EmbeddedPostgres Embedded => Server.Value ?? throw new NotSupportedException("No embedded test server.");

    /// <summary>A connection to the server's maintenance database ('postgres'), as its superuser.</summary>
    internal static NpgsqlConnection Maintenance() => Embedded.Maintenance();

    /// <summary>
    /// Drops the databases named <paramref name="prefix"/>% that earlier runs left behind: not made by this run, nobody
    /// connected to them, and created more than <paramref name="olderThan"/> ago. Returns their names.
    /// </summary>
    internal static IReadOnlyList<string> DropLeftovers(string prefix, TimeSpan olderThan) => DropLeftovers(Embedded, prefix, olderThan);

    static IReadOnlyList<string> DropLeftovers(EmbeddedPostgres pg, string prefix, TimeSpan olderThan) =>
        pg.DropDatabases(prefix, olderThan, keep: Ours.ContainsKey);
}
