using SceneFinance.Platform.Postgres;

namespace SceneFinance.Cluster;

/// <summary>
/// Keeps N silos running: starts the first alone (it creates the schema, the administrator and the key ring the others
/// then find), the others after it is ready; restarts any silo that exits while the cluster is up (a crash, a kill, or the
/// SIGTERM of a rolling restart); on shutdown stops them all with SIGTERM, in parallel, and waits for each.
/// </summary>
public sealed class Silos(IReadOnlyList<SiloProcess> silos, string logFolder, ILogger<Silos> log) : BackgroundService
{
    static readonly TimeSpan StartPatience = TimeSpan.FromMinutes(3);
    static readonly TimeSpan StopPatience = TimeSpan.FromSeconds(90);
    volatile bool _stopping;

    public IReadOnlyList<SiloProcess> All => silos;

    public static Silos Create(int count, string hostDll, string dataPath, IReadOnlyDictionary<string, string> settings, ILogger<Silos> log)
    {
        var logFolder = Directory.CreateDirectory(Path.Combine(dataPath, "cluster")).FullName;
        var list = Enumerable.Range(1, count).Select(n => new SiloProcess(n, hostDll,
            EmbeddedPostgres.FreePort(), EmbeddedPostgres.FreePort(), EmbeddedPostgres.FreePort(), settings)).ToList();
        return new Silos(list, logFolder, log);
    }

    /// <summary>Starts every silo before the balancer takes requests.</summary>
    public override async Task StartAsync(CancellationToken ct)
    {
        await StartOne(silos[0], ct);
        foreach (var silo in silos.Skip(1)) await StartOne(silo, ct); // one at a time: two cores, and each joins a settled cluster
        await base.StartAsync(ct);
    }

    async Task StartOne(SiloProcess silo, CancellationToken ct)
    {
        silo.Start(logFolder);
        if (!await silo.WaitReady(StartPatience, ct))
        {
            var logFile = Path.Combine(logFolder, silo.Name + ".log");
            throw new InvalidOperationException($"{silo.Name} did not become ready; see {logFile}, which ends:\n{Ending(logFile, 8)}");
        }
        log.LogInformation("{Silo} ready at {Address} (pid {Pid})", silo.Name, silo.Address, silo.Pid);
    }

    static string Ending(string file, int lines)
    {
        using var reader = new StreamReader(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        var all = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (all.LastOrDefault(l => l.StartsWith("Unhandled exception.", StringComparison.Ordinal)) is { } crash) return crash; // not its stack
        return string.Join('\n', all.TakeLast(lines).Select(l => l.Length > 400 ? l[..400] + "…" : l));
    }

    /// <summary>Brings back any silo that went away while the cluster runs.</summary>
    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        var watched = silos.ToDictionary(s => s, s => s.Exited());
        while (!stop.IsCancellationRequested)
        {
            var ended = await Task.WhenAny(watched.Values.Append(Task.Delay(Timeout.Infinite, stop)));
            if (_stopping || stop.IsCancellationRequested) return;
            var silo = watched.First(w => w.Value == ended).Key;
            log.LogWarning("{Silo} exited; starting it again", silo.Name);
            await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
            try { await StartOne(silo, stop); }
            catch (Exception e) when (e is InvalidOperationException or OperationCanceledException) { log.LogError("{Silo}: {Error}", silo.Name, e.Message); }
            watched[silo] = silo.Exited();
        }
    }

    public override async Task StopAsync(CancellationToken ct)
    {
        _stopping = true;
        await base.StopAsync(ct);
        log.LogInformation("Stopping {Count} silos", silos.Count);
        await Task.WhenAll(silos.Select(s => s.Stop(StopPatience)));
    }
}
