namespace SceneFinance.Cluster;

/// <summary>What the launcher needs: how many silos, where the balancer listens, the data folder, PostgreSQL, the host's build.</summary>
public sealed record ClusterSettings(int SiloCount, string Url, string DataPath, string? ConnectionString, string HostDll)
{
    public static ClusterSettings From(IConfiguration config)
    {
        var silos = config.GetValue("silos", 3);
        if (silos is < 1 or > 16) throw new ArgumentException("--silos must be 1 to 16.");
        var dataPath = Path.GetFullPath(config["SceneFinance:DataPath"] ?? ".data");
        Directory.CreateDirectory(dataPath);
        return new ClusterSettings(silos, (config["urls"] ?? "http://127.0.0.1:5080").Split(';')[0].TrimEnd('/'), dataPath,
            config.GetConnectionString("Postgres") is { Length: > 0 } cs ? cs : null, config["host-dll"] ?? FindHost());
    }

    /// <summary>
    /// Each silo: the shared database and data folder (key ring, administrator password), clustered on PostgreSQL, behind this
    /// balancer (client addresses from X-Forwarded-For, links to payers name the balancer), draining 3 s on SIGTERM so the
    /// balancer's 1 s health check takes it out before it stops listening. Anything else set for the launcher passes through.
    /// </summary>
    public IReadOnlyDictionary<string, string> SiloEnvironment(string connectionString) => new Dictionary<string, string>
    {
        ["ConnectionStrings__Postgres"] = connectionString,
        // The embedded server's superuser only migrates; the silos run as the least-privilege role, as ./sf run does.
        ["SceneFinance__Postgres__AppRole"] = Environment.GetEnvironmentVariable("SceneFinance__Postgres__AppRole")
            ?? (ConnectionString is null ? Platform.Postgres.AppRole.DefaultName : ""),
        ["SceneFinance__DataPath"] = DataPath,
        ["SceneFinance__Orleans__Clustering"] = "postgres",
        ["SceneFinance__Orleans__Dashboard"] = Environment.GetEnvironmentVariable("SceneFinance__Orleans__Dashboard") ?? "true",
        ["SceneFinance__Http__BehindProxy"] = "true",
        ["SceneFinance__Shutdown__DrainSeconds"] = Environment.GetEnvironmentVariable("SceneFinance__Shutdown__DrainSeconds") ?? "3",
        ["SceneFinance__Gateway__PublicBaseUrl"] = Environment.GetEnvironmentVariable("SceneFinance__Gateway__PublicBaseUrl") ?? Url,
    };

    /// <summary>The host built beside this launcher, in the same configuration.</summary>
    static string FindHost()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory); // host/SceneFinance.Cluster/bin/{Configuration}/net10.0/
        var (tfm, configuration) = (here.Name, here.Parent!.Name);
        var dll = Path.Combine(here.Parent!.Parent!.Parent!.Parent!.FullName, "SceneFinance.Host", "bin", configuration, tfm, "SceneFinance.Host.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build host/SceneFinance.Host first (or pass --host-dll).", dll);
    }
}
