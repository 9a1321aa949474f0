using Npgsql;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Harness;

/// <summary>The test server does not fill up with the databases of runs that ended long ago.</summary>
public sealed class TestPostgresTests
{
    [Fact]
    public void Leftover_databases_are_dropped_but_not_ones_in_use_or_made_by_this_run()
    {
        // Only databases under a prefix of this test's own, so a run going on elsewhere is never touched.
        var prefix = $"{TestPostgres.Prefix}leftover_{Guid.NewGuid().ToString("N")[..8]}_";
        var (abandoned, inUse) = (prefix + "abandoned", prefix + "in_use");
        using (var maintenance = TestPostgres.Maintenance())
            foreach (var name in new[] { abandoned, inUse })
                using (var create = new NpgsqlCommand($"create database \"{name}\"", maintenance)) create.ExecuteNonQuery();
        var ours = new NpgsqlConnectionStringBuilder(TestPostgres.NewDatabase(prefix[TestPostgres.Prefix.Length..] + "ours"));
        Assert.StartsWith(prefix, ours.Database);

        using (var session = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ours.ConnectionString) { Database = inUse, Pooling = false }.ConnectionString))
        {
            session.Open();
            // Too young: a run that has just created its database may not have connected yet.
            Assert.Empty(TestPostgres.DropLeftovers(prefix, TimeSpan.FromMinutes(10)));
            Assert.Equal(new[] { abandoned }, TestPostgres.DropLeftovers(prefix, TimeSpan.Zero));
        }
        // Once its session has ended (the server notices a moment after the client closed), it goes too.
        IReadOnlyList<string> dropped = [];
        for (var attempt = 0; attempt < 50 && dropped.Count == 0; attempt++)
            if ((dropped = TestPostgres.DropLeftovers(prefix, TimeSpan.Zero)).Count == 0) Thread.Sleep(100);
        Assert.Equal(new[] { inUse }, dropped);
        Assert.Equal(new[] { ours.Database }, Databases(prefix));
    }

    static List<string> Databases(string prefix)
    {
        using var maintenance = TestPostgres.Maintenance();
        using var find = new NpgsqlCommand("select datname from pg_database where starts_with(datname, @prefix) order by datname", maintenance);
        find.Parameters.AddWithValue("prefix", prefix);
        using var reader = find.ExecuteReader();
        var names = new List<string>();
        while (reader.Read()) names.Add(reader.GetString(0));
        return names;
    }
}
