using System.Diagnostics;
using System.Net.Http.Json;
using SceneFinance.Platform.Postgres;

namespace SceneFinance.Tests.Infrastructure;

/// <summary>
/// <c>./sf run --silos N</c> as the test's own process: the cluster launcher (host/SceneFinance.Cluster) with N silos of the built
/// host behind its balancer, on a database of the test's. The launcher restarts a silo that exits, as in production.
/// </summary>
public sealed class ClusterProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();
    public Uri BaseAddress { get; }
    public string DataPath { get; }

    ClusterProcess(Process process, Uri baseAddress, string dataPath) => (_process, BaseAddress, DataPath) = (process, baseAddress, dataPath);

    public sealed record Silo(string Name, string Address, int? Pid, bool Running, int Restarts);

    public static async Task<ClusterProcess> Start(string connectionString, int silos)
    {
        var dataPath = Directory.CreateTempSubdirectory("scenefinance-cluster-").FullName;
        var port = EmbeddedPostgres.FreePort();
        var dll = Built("SceneFinance.Cluster");
        var psi = new ProcessStartInfo("dotnet", [dll, "--silos", silos.ToString(), "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = psi.Environment["DOTNET_ENVIRONMENT"] = "Production";
        psi.Environment["ConnectionStrings__Postgres"] = connectionString;
        psi.Environment["SceneFinance__DataPath"] = dataPath;
        psi.Environment.Remove(TestSecrets.DigestKeyVariable); // the silos make and keep their own digest key, one for all
        psi.Environment["SceneFinance__BootstrapAdminPassword"] = SceneApp.AdminPassword;
        psi.Environment["SceneFinance__Orleans__ClusterId"] = "test-" + Guid.NewGuid().ToString("N")[..8];
        var process = Process.Start(psi)!;
        var cluster = new ClusterProcess(process, new Uri($"http://127.0.0.1:{port}"), dataPath);
        process.OutputDataReceived += (_, e) => cluster.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => cluster.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var probe = new HttpClient { BaseAddress = cluster.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow.AddMinutes(6); // three silos, one after the other, on two busy cores
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"The cluster exited with {process.ExitCode} while starting:\n{cluster.Output}");
            try
            {
                if ((await probe.PostAsJsonAsync("/api/v1/auth/token", new { username = "admin", password = SceneApp.AdminPassword })).IsSuccessStatusCode)
                    return cluster;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            await Task.Delay(500);
        }
        await cluster.DisposeAsync();
        throw new TimeoutException($"The cluster did not start within 6 minutes:\n{cluster.Output}");
    }

    void Keep(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        while (_output.Count > 60) _output.TryDequeue(out _);
    }

    public string Output => string.Join('\n', _output);

    public async Task<IReadOnlyList<Silo>> Silos()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        return (await http.GetFromJsonAsync<List<Silo>>("/ops/cluster"))!;
    }

    /// <summary>SIGKILL (the plug pulled) or SIGTERM (a rolling restart) to one silo; the launcher starts it again.</summary>
    public async Task Signal(string silo, string signal)
    {
        var pid = (await Silos()).Single(s => s.Name == silo).Pid ?? throw new InvalidOperationException($"{silo} is not running.");
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString()])!;
        await kill.WaitForExitAsync();
    }

    /// <summary>Waits until <paramref name="silo"/> has been restarted <paramref name="restarts"/> times and every silo is ready.</summary>
    public async Task WaitRecovered(string silo, int restarts, TimeSpan patience)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + patience;
        while (DateTime.UtcNow < deadline)
        {
            var silos = await Silos();
            if (silos.Single(s => s.Name == silo).Restarts >= restarts && silos.All(s => s.Running))
            {
                var ready = await Task.WhenAll(silos.Select(async s =>
                {
                    try { return (await http.GetAsync(new Uri(new Uri(s.Address), "/health/ready"))).IsSuccessStatusCode; }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return false; }
                }));
                if (ready.All(r => r)) return;
            }
            await Task.Delay(500);
        }
        throw new TimeoutException($"{silo} did not come back within {patience.TotalSeconds:0} s:\n{Output}\n{Log(silo)}");
    }

    /// <summary>The end of a silo's own log (in the data folder), for a failure's message.</summary>
    public string Log(string silo)
    {
        var file = Path.Combine(DataPath, "cluster", silo + ".log");
        return File.Exists(file) ? string.Join('\n', File.ReadLines(file).TakeLast(30)) : "";
    }

    /// <summary>SIGTERM to the launcher: the balancer stops, every silo drains and stops.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString()])!) await term.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            try { await _process.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
        }
        _process.Dispose();
    }

    /// <summary>A project of host/ built beside these tests, in the same configuration.</summary>
    static string Built(string project)
    {
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var dll = Path.Combine(HostProcess.RepoRoot(), "host", project, "bin", configuration, "net10.0", project + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build {project} first.", dll);
    }
}
