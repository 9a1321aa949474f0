using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SceneFinance.Platform.Ledger;
using SceneFinance.Platform.Postgres;

namespace SceneFinance.Bench;

/// <summary>The workload through the signed <c>POST /api/v1/terminal/payments</c> route of the product running as its own process.</summary>
public sealed class OverHttp(string connectionString, int cardHolders, int terminals) : IAsyncDisposable
{
    const string AdminPassword = "bench-admin-password";
    Process _host = null!;
    IDisposable? _stopOnSignal;
    HttpClient _http = null!;   // the administrator's calls: setting up and checking
    HttpClient _tills = null!;  // the terminals' signed taps carry no bearer token, as at a real till
    string _token = "", _tenantId = "";
    string[] _cards = [], _holders = [];
    (string Id, byte[] Secret)[] _terminals = [];

    public int HostPid => _host.Id;

    /// <summary>The host's runtime counters from its own <c>/metrics</c> (loopback may scrape): GCs, their pauses, the JIT.</summary>
    public async Task<RuntimeCounters> HostRuntime()
    {
        var text = await _http!.GetStringAsync("/metrics");
        double Sum(string metric, string? label = null) => text.Split('\n')
            .Where(l => l.StartsWith(metric, StringComparison.Ordinal) && (label is null || l.Contains(label, StringComparison.Ordinal)))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        return new RuntimeCounters((long)Sum("dotnet_gc_collections_total", "\"gen0\""), (long)Sum("dotnet_gc_collections_total", "\"gen1\""),
            (long)Sum("dotnet_gc_collections_total", "\"gen2\""), Sum("dotnet_gc_pause_time_seconds_total"),
            Sum("dotnet_jit_compilation_time_seconds_total"), (long)Sum("dotnet_monitor_lock_contentions_total"),
            (long)Sum("dotnet_gc_heap_total_allocated_bytes_total"));
    }

    public async Task Start()
    {
        var port = EmbeddedPostgres.FreePort();
        var psi = new ProcessStartInfo("dotnet", [HostDll(), "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        psi.Environment["ConnectionStrings__Postgres"] = connectionString;
        psi.Environment["SceneFinance__DataPath"] = Directory.CreateTempSubdirectory("scenefinance-bench-host-").FullName;
        psi.Environment["SceneFinance__BootstrapAdminPassword"] = AdminPassword;
        psi.Environment["SceneFinance__Orleans__SiloPort"] = EmbeddedPostgres.FreePort().ToString();
        psi.Environment["SceneFinance__Orleans__GatewayPort"] = EmbeddedPostgres.FreePort().ToString();
        psi.Environment["SceneFinance__RateLimits__Enabled"] = "false"; // the bench is one client creating and paying at full speed: measured, not throttled
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in HostOnlySettings()) psi.Environment[name] = value;
        _host = Process.Start(psi)!;
        _stopOnSignal = Interrupt.OnSignal($"the host (pid {_host.Id})", () =>
        {
            using (var term = Process.Start("kill", ["-TERM", _host.Id.ToString()])) term?.WaitForExit();
            if (!_host.WaitForExit(TimeSpan.FromSeconds(30))) _host.Kill(entireProcessTree: true);
        });
        _host.OutputDataReceived += (_, _) => { };
        _host.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("  host: " + e.Data); };
        _host.BeginOutputReadLine();
        _host.BeginErrorReadLine();

        var connections = new SocketsHttpHandler { MaxConnectionsPerServer = 1024, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        _http = new HttpClient(connections) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        _tills = new HttpClient(connections, disposeHandler: false) { BaseAddress = _http.BaseAddress, Timeout = _http.Timeout };
        for (var deadline = DateTime.UtcNow.AddSeconds(120); ; await Task.Delay(250))
        {
            if (_host.HasExited) throw new InvalidOperationException("The host exited while starting.");
            try
            {
                var answer = await _http.PostAsJsonAsync("/api/v1/auth/token", new { username = "admin", password = AdminPassword });
                if (answer.IsSuccessStatusCode)
                {
                    _token = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
                    _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _token);
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline) { }
        }
    }

    public async Task Populate()
    {
        var sw = Stopwatch.StartNew();
        _tenantId = (await Post("/api/v1/tenants", new { name = "Bench canteen (HTTP)", kind = "canteen" })).GetProperty("id").GetString()!;
        _terminals = new (string, byte[])[terminals];
        for (var t = 0; t < terminals; t++)
        {
            var created = await Post($"/api/v1/tenants/{_tenantId}/terminals", new { name = $"Till {t}", kind = "pos" });
            _terminals[t] = (created.GetProperty("id").GetString()!, Encoding.UTF8.GetBytes(created.GetProperty("secret").GetString()!));
        }
        _cards = Enumerable.Range(0, cardHolders).Select(i => $"8{i:D11}").ToArray();
        _holders = new string[cardHolders];
        await Parallel.ForEachAsync(Enumerable.Range(0, cardHolders), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
        {
            var created = await Post($"/api/v1/tenants/{_tenantId}/cardholders", new { externalId = $"H{i:D7}", name = $"Diner {i}", kind = "student", cardNumber = _cards[i] });
            _holders[i] = created.GetProperty("id").GetString()!;
            await Post($"/api/v1/tenants/{_tenantId}/cardholders/{_holders[i]}/topups", new { amount = InProcess.StartingCash, channel = "counter" }, $"setup-{i}");
        });
        Console.WriteLine($"  populated {cardHolders:N0} card holders and {terminals} terminals over HTTP in {sw.Elapsed.TotalSeconds:F1} s");
    }

    async Task<JsonElement> Post(string path, object body, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>One signed payment; the answer's body.</summary>
    async Task<string> Pay(int holder, int terminal, long amount, string key)
    {
        const string path = "/api/v1/terminal/payments";
        var (id, secret) = _terminals[terminal];
        var body = Encoding.UTF8.GetBytes($"{{\"cardNumber\":\"{_cards[holder]}\",\"amount\":{amount}}}");
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
        var head = Encoding.UTF8.GetBytes($"{timestamp}\nPOST\n{path}\n");
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(secret, (byte[])[.. head, .. body]));
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-Terminal-Id", id);
        request.Headers.Add("X-Timestamp", timestamp);
        request.Headers.Add("X-Signature", signature);
        request.Headers.Add("Idempotency-Key", key);
        using var response = await _tills.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"payment failed: {(int)response.StatusCode} {text}");
        return text;
    }

    /// <summary>
    /// One tap of 1 fen on every card, so that each card's grain has read its holder before anything is measured, as the
    /// in-process phase reads its cards. Without it, the warm-up and the first window (about 34,000 taps on random cards) leave
    /// e^-3.4, some 3%, of the cards untouched, and their first taps (a read and an activation each) make about 1.4% of the
    /// measured window's payments: where its p99 lies.
    /// Returns the amount approved, for the books check.
    /// </summary>
    public async Task<long> TapEachCard()
    {
        var approvals = new Approvals();
        await Parallel.ForEachAsync(Enumerable.Range(0, cardHolders), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) =>
            approvals.Record(await Pay(i, i % terminals, 1, $"card-{i}"), 1));
        return approvals.Amount;
    }

    /// <summary>Closed loop through the signed HTTP route.</summary>
    public Task<Outcome> RunMax(TimeSpan duration, int workers, Workload workload, string phase) =>
        ClosedLoop.Run(duration, workers, workload, phase, Pay);

    /// <summary>
    /// Open loop: payments leave on a fixed schedule whether or not earlier ones were answered, and latency
    /// is measured from the scheduled time, so a stall shows up in the percentiles instead of hiding.
    /// </summary>
    public async Task<Outcome> RunFixedRate(TimeSpan duration, int perSecond, Workload workload, string phase)
    {
        var latencies = new Latencies();
        var mine = latencies.NewWorker();
        var approvals = new Approvals();
        var total = (int)(duration.TotalSeconds * perSecond);
        // Counted, not listed: a list of 20,000 finished tasks would be kept alive and collected with the payments (Approvals).
        var unanswered = total;
        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Tuning aid: BENCH_TIMELINE=file writes each payment's send time and latency (ms), to see when the slow ones happen.
        var timelineFile = Environment.GetEnvironmentVariable("BENCH_TIMELINE");
        var timeline = timelineFile is null ? null : new List<(long Sent, long Micros)>(total);
        var start = Stopwatch.GetTimestamp();
        var startedAt = DateTime.UtcNow;
        var ticksPerPayment = (double)Stopwatch.Frequency / perSecond;
        for (var i = 0; i < total;)
        {
            var now = Stopwatch.GetTimestamp();
            for (; i < total && start + (long)(i * ticksPerPayment) <= now; i++)
            {
                var scheduled = start + (long)(i * ticksPerPayment);
                var (h, t, amount) = workload.Next();
                var n = i;
                _ = Task.Run(async () =>
                {
                    try
                    {
                        var answer = await Pay(h, t, amount, $"{phase}-{n}");
                        var micros = (long)((Stopwatch.GetTimestamp() - scheduled) * 1_000_000.0 / Stopwatch.Frequency);
                        lock (mine) { mine.Add(micros); timeline?.Add((scheduled - start, micros)); }
                        approvals.Record(answer, amount);
                        if (Interlocked.Decrement(ref unanswered) == 0) answered.TrySetResult();
                    }
                    catch (Exception e)
                    {
                        answered.TrySetException(e);
                    }
                });
            }
            await Task.Delay(1);
        }
        await answered.Task;
        var elapsed = Stopwatch.GetElapsedTime(start);
        if (timeline is not null)
            await File.WriteAllLinesAsync(timelineFile!, timeline.OrderBy(p => p.Sent)
                .Select(p => FormattableString.Invariant($"{p.Sent * 1000.0 / Stopwatch.Frequency:F1} {p.Micros / 1000.0:F1}"))
                .Prepend($"# {phase} started {startedAt:O}; each line: sent (ms after), latency (ms)"));
        return new Outcome(latencies.Summarize(elapsed), approvals.Count, approvals.Amount);
    }

    public async Task Verify(long approvedAmount)
    {
        long total = 0;
        await Parallel.ForEachAsync(_holders, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (id, _) =>
        {
            var holder = await _http.GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{_tenantId}/cardholders/{id}");
            var balance = holder.GetProperty("balance");
            Interlocked.Add(ref total, balance.GetProperty("cash").GetInt64() + balance.GetProperty("subsidy").GetInt64());
        });
        var tb = await _http.GetFromJsonAsync<TrialBalance>($"/api/v1/tenants/{_tenantId}/ledger/trial-balance",
            new JsonSerializerOptions(JsonSerializerDefaults.Web));
        Check.Ledger(tb!, InProcess.StartingCash * cardHolders - approvedAmount, approvedAmount, total);
    }

    /// <summary>
    /// <c>BENCH_HOST_X=v</c> in the bench's environment sets <c>X=v</c> for the host alone, so a runtime setting
    /// (<c>BENCH_HOST_DOTNET_gcServer=0</c>) is measured on the host without changing the client that drives it.
    /// </summary>
    static IEnumerable<(string Name, string Value)> HostOnlySettings() =>
        from System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables()
        let name = (string)e.Key
        where name.StartsWith("BENCH_HOST_", StringComparison.Ordinal)
        select (name["BENCH_HOST_".Length..], (string)e.Value!);

    static string HostDll()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SceneFinance.sln"))) dir = dir.Parent;
        var dll = Path.Combine(dir?.FullName ?? ".", "host", "SceneFinance.Host", "bin", "Release", "net10.0", "SceneFinance.Host.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the host in Release first (./sf bench does).", dll);
    }

    public async ValueTask DisposeAsync()
    {
        _tills?.Dispose();
        _http?.Dispose(); // and the connections both used
        if (_host is { HasExited: false })
        {
            using (var term = Process.Start("kill", ["-TERM", _host.Id.ToString()])) await term.WaitForExitAsync();
            await _host.WaitForExitAsync();
        }
        _stopOnSignal?.Dispose();
    }
}

public sealed record RuntimeCounters(long Gen0, long Gen1, long Gen2, double GcPauseSeconds, double JitSeconds, long LockContentions, long Allocated)
{
    public string Since(RuntimeCounters before, long payments) => FormattableString.Invariant(
        $"host runtime: {(Allocated - before.Allocated) / 1024.0 / Math.Max(1, payments):F0} KiB allocated per payment; {Gen0 - before.Gen0} gen0, {Gen1 - before.Gen1} gen1, {Gen2 - before.Gen2} gen2 GCs, paused {(GcPauseSeconds - before.GcPauseSeconds) * 1000:F0} ms; JIT {(JitSeconds - before.JitSeconds) * 1000:F0} ms; {LockContentions - before.LockContentions} lock contentions");
}
