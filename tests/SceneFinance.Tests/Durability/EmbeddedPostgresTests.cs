using System.Net;
using System.Net.Sockets;
using SceneFinance.Platform.Postgres;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Durability;

/// <summary>With no connection string the product runs its own PostgreSQL in its data folder, and stops it when it stops.</summary>
public sealed class EmbeddedPostgresTests
{
    [Fact]
    public async Task The_host_creates_reuses_and_stops_its_own_database()
    {
        var dataPath = Directory.CreateTempSubdirectory("scenefinance-embedded-").FullName;
        // Like a checkout's .data: the postgres OS user must be able to reach its folder inside.
        File.SetUnixFileMode(dataPath, (UnixFileMode)Convert.ToInt32("755", 8));
        var pgData = Path.Combine(dataPath, "postgres", "pgdata");
        string tenantId;

        await using (var first = await HostProcess.Start(connectionString: null, dataPath))
        {
            Assert.True(File.Exists(Path.Combine(pgData, "PG_VERSION")));
            Assert.True(File.Exists(Path.Combine(pgData, "postmaster.pid")));
            var s = await Scenario.Start(new Infrastructure.Api(new HttpClient { BaseAddress = first.BaseAddress }));
            tenantId = s.TenantId;
            await first.Stop();
        }
        Assert.False(File.Exists(Path.Combine(pgData, "postmaster.pid")), "PostgreSQL should stop with the host");

        await using var second = await HostProcess.Start(connectionString: null, dataPath);
        var api = new Infrastructure.Api(new HttpClient { BaseAddress = second.BaseAddress });
        (await api.Get($"/api/v1/tenants/{tenantId}", await api.AdminToken())).Expect(HttpStatusCode.OK);
        await second.Stop();
    }

    [Fact]
    public void Ports_for_listeners_are_free_and_below_the_range_outgoing_connections_take_theirs_from()
    {
        var ephemeralLow = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split('\t', ' ')[0]);
        var ports = Enumerable.Range(0, 50).Select(_ => EmbeddedPostgres.FreePort()).ToList();
        Assert.All(ports, p => Assert.InRange(p, 1024, ephemeralLow - 1));
        Assert.True(ports.Distinct().Count() > 40, "the ports are spread, so two listeners starting together rarely pick the same one");

        using var taken = new TcpListener(IPAddress.Any, ports[0]);
        taken.Start();
        Assert.DoesNotContain(ports[0], Enumerable.Range(0, 500).Select(_ => EmbeddedPostgres.FreePort()));
    }
}
