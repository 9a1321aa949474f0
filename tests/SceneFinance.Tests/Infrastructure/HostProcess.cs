using System.Diagnostics;
using System.Net.Http.Json;
using SceneFinance.Platform.Postgres;

namespace SceneFinance.Tests.Infrastructure;

/// <summary>The product as its own OS process (the built host), so a test can kill it the hard way.</summary>
public sealed class HostProcess : IAsyncDisposable
{
    readonly Process _process;
    public Uri BaseAddress { get; }

    HostProcess(Process process, Uri baseAddress) => (_process, BaseAddress) = (process, baseAddress);

    /// <summary>Starts the host; without a connection string it starts its own PostgreSQL in the data folder.</summary>
    public static async Task<HostProcess> Start(string? connectionString, string dataPath, IReadOnlyDictionary<string, string>? settings = null)
    {
        var port = EmbeddedPostgres.FreePort();
        var psi = new ProcessStartInfo("dotnet", [HostDll(), "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = dataPath,
        };
        // As deployed, whatever the shell running the tests says.
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = psi.Environment["DOTNET_ENVIRONMENT"] = "Production";
        if (connectionString is not null) psi.Environment["ConnectionStrings__Postgres"] = connectionString;
        psi.Environment["SceneFinance__DataPath"] = dataPath;
        psi.Environment.Remove(TestSecrets.DigestKeyVariable); // the product makes and keeps its own digest key
        psi.Environment["SceneFinance__BootstrapAdminPassword"] = SceneApp.AdminPassword;
        psi.Environment["SceneFinance__Orleans__SiloPort"] = EmbeddedPostgres.FreePort().ToString();
        psi.Environment["SceneFinance__Orleans__GatewayPort"] = EmbeddedPostgres.FreePort().ToString();
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) psi.Environment[key] = value;
        var process = Process.Start(psi)!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        void Keep(string? line) { if (line is null) return; output.Enqueue(line); while (output.Count > 40) output.TryDequeue(out _); }
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var host = new HostProcess(process, new Uri($"http://127.0.0.1:{port}"));
        using var probe = new HttpClient { BaseAddress = host.BaseAddress };
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"The host exited with {process.ExitCode} while starting:\n{string.Join('\n', output)}");
            try
            {
                var answer = await probe.PostAsJsonAsync("/api/v1/auth/token", new { username = "admin", password = SceneApp.AdminPassword });
                if (answer.IsSuccessStatusCode) return host;
            }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException("The host did not start within 180 s.");
    }

    /// <summary>SIGTERM, as a service manager stops it: the host shuts down in order.</summary>
    public async Task Stop()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])) await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, like pulling the plug.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>The host built beside these tests, in the same configuration.</summary>
    static string HostDll()
    {
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var dll = Path.Combine(RepoRoot(), "host", "SceneFinance.Host", "bin", configuration, "net10.0", "SceneFinance.Host.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the host first.", dll);
    }

    /// <summary>The checkout these tests were built in (where SceneFinance.sln is).</summary>
    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SceneFinance.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("SceneFinance.sln not found above the test output.");
    }
}
