using System.Diagnostics;

namespace SceneFinance.Cluster;

/// <summary>
/// One silo: the product's host (<c>SceneFinance.Host.dll</c>) as a child process on ports of its own, always the same ones for
/// its slot, so the balancer's destination stays valid across restarts. Its output goes to <c>{data}/cluster/silo-N.log</c>.
/// </summary>
public sealed class SiloProcess(int number, string hostDll, int httpPort, int siloPort, int gatewayPort, IReadOnlyDictionary<string, string> settings)
{
    Process? _process;

    public int Number => number;
    public string Name => $"silo-{number}";
    public Uri Address { get; } = new($"http://127.0.0.1:{httpPort}");
    public int? Pid => _process is { HasExited: false } p ? p.Id : null;
    public int Restarts { get; private set; }
    public bool Running => _process is { HasExited: false };

    public void Start(string logFolder)
    {
        if (_process is not null) Restarts++;
        var psi = new ProcessStartInfo("dotnet", [hostDll, "--urls", Address.ToString().TrimEnd('/')])
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(hostDll)!, // its appsettings.json (logging) is found there
        };
        foreach (var (key, value) in settings) psi.Environment[key] = value;
        psi.Environment["SceneFinance__Orleans__SiloPort"] = siloPort.ToString();
        psi.Environment["SceneFinance__Orleans__GatewayPort"] = gatewayPort.ToString();
        psi.Environment["SceneFinance__Orleans__SiloName"] = Name;
        var log = new StreamWriter(Path.Combine(logFolder, Name + ".log"), append: true) { AutoFlush = true };
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.Exited += (_, _) => { lock (log) log.Dispose(); };
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    /// <summary>Waits until the silo says it is ready (PostgreSQL, membership, scheduler), or its process ends.</summary>
    public async Task<bool> WaitReady(TimeSpan patience, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(3) };
        var deadline = DateTime.UtcNow + patience;
        while (DateTime.UtcNow < deadline && Running && !ct.IsCancellationRequested)
        {
            try
            {
                if ((await http.GetAsync("/health/ready", ct)).IsSuccessStatusCode) return true;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            await Task.Delay(500, CancellationToken.None);
        }
        return false;
    }

    /// <summary>SIGTERM, then waits: the host drains, hands its grains over and exits.</summary>
    public async Task Stop(TimeSpan patience)
    {
        if (_process is not { HasExited: false } p) return;
        using (var term = Process.Start("kill", ["-TERM", p.Id.ToString()])!) await term.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(patience);
        try { await p.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { p.Kill(entireProcessTree: true); }
    }

    public Task Exited() => _process?.WaitForExitAsync() ?? Task.CompletedTask;
}
