using SceneFinance.Platform.Postgres;

namespace SceneFinance.Tests.Infrastructure;

/// <summary>
/// One real PostgreSQL 15 for the whole test run, started like the product starts its own (or the server
/// named by SCENEFINANCE_TEST_POSTGRES). Every host a test starts gets a fresh database of its own.
/// </summary>
public static class TestPostgres
{
    static readonly Lazy<EmbeddedPostgres?> Server = new(() =>
    {
        if (Environment.GetEnvironmentVariable("SCENEFINANCE_TEST_POSTGRES") is { Length: > 0 }) return null;
        var pg = EmbeddedPostgres.Start(Path.Combine(Path.GetTempPath(), "scenefinance-tests", "postgres"));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => pg.Stop();
        return pg;
    });

    public static string NewDatabase(string purpose)
    {
        var name = $"t_{purpose}_{Guid.NewGuid():N}".ToLowerInvariant();
        if (Server.Value is { } pg) return pg.CreateDatabase(name);
        throw new NotSupportedException("SCENEFINANCE_TEST_POSTGRES: point the tests at a server by setting it to a connection string whose user may create databases.");
    }
}
