using System.Diagnostics;
using System.Globalization;
using SceneFinance.Bench;
using SceneFinance.Platform.Postgres;

// ./sf bench: plain SQL (pgbench) vs. the grains in-process vs. the signed HTTP route, in one run on this machine.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var options = BenchOptions.Parse(args);
Console.WriteLine($"SceneFinance benchmark {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, {options}");

Interrupt.Arm();
var pgRoot = Path.Combine(Path.GetTempPath(), "scenefinance-bench", "postgres");
using var pg = EmbeddedPostgres.Start(pgRoot, log: m => Console.WriteLine("  " + m));
using var stopPostgres = Interrupt.OnSignal("PostgreSQL", pg.Stop);
// Every phase makes a fresh database: drop the earlier runs' (they had filled the disk by 2026-11-25). The last run's stay
// until the next, for a look inside.
if (pg.DropDatabases("bench_", TimeSpan.Zero) is { Count: > 0 } dropped) Console.WriteLine($"  dropped {dropped.Count} databases of earlier runs");
CpuMeter.Postmaster = int.Parse(File.ReadLines(Path.Combine(pgRoot, "pgdata", "postmaster.pid")).First()); // only this server's CPU
var stamp = DateTime.UtcNow.ToString("MMddHHmmss");

if (options.Scale > 0)
{
    // Scale of data: a million card holders registered, payments among 100,000 of them, idle ones deactivated.
    Console.WriteLine($"\n[scale] {options.Scale:N0} card holders registered through the grains; payments among {options.Active:N0} of them");
    await using var scale = new InProcess(pg.CreateDatabase($"bench_scale_{stamp}"), options.Scale, options.Terminals);
    await scale.Start();
    await scale.Populate(funded: options.Active);
    Console.WriteLine($"  after registration: {await scale.ActiveCardHolders():N0} card holder grains active; {InProcess.Memory()}");
    var afterCollection = await scale.CollectIdleAndMeasure();
    Console.WriteLine($"  idle grains collected: {await scale.ActiveCardHolders():N0} card holder grains active; {afterCollection}");
    var activations = await scale.Activate(options.Active);
    Console.WriteLine($"  activated {options.Active:N0} card holders and their cards ({activations:N0}/s, each holder rebuilt from its stream, each card read once): {InProcess.Memory()}");
    var warm = await scale.Run(TimeSpan.FromSeconds(options.WarmupSeconds), options.Workers, new Workload(options.Active, options.Terminals, 11), "warm");
    var run = await scale.Run(TimeSpan.FromSeconds(options.Seconds), options.Workers, new Workload(options.Active, options.Terminals, 12), "run");
    Console.WriteLine($"  payments among {options.Active:N0} of {options.Scale:N0}: {run.Summary}");
    Console.WriteLine($"  with {await scale.ActiveCardHolders():N0} card holder grains active: {InProcess.Memory()}");
    await scale.Verify(warm.ApprovedAmount + run.ApprovedAmount, funded: options.Active);
    var afterIdle = await scale.CollectIdleAndMeasure();
    Console.WriteLine($"  idle grains collected again: {await scale.ActiveCardHolders():N0} card holder grains active; {afterIdle}");
    Console.WriteLine($"scale: holders={options.Scale} active={options.Active} per_s={run.Summary.PerSecond:F0} p99_ms={run.Summary.P99Ms:F1}");
    return;
}

if (options.Only == "http")
{
    // Tuning aid: only the open-loop HTTP phase.
    await using var only = new OverHttp(pg.CreateDatabase($"bench_http_{stamp}"), options.CardHolders, options.Terminals);
    await only.Start();
    await only.Populate();
    await only.TapEachCard();
    await only.RunMax(TimeSpan.FromSeconds(options.WarmupSeconds), options.HttpWorkers, new Workload(options.CardHolders, options.Terminals, 3), "warm");
    await FixedRate(only, options);
    return;
}

if (options.Only == "rebuild")
{
    // What an activation costs as a holder's stream grows: each rebuilds its wallet from every event it ever had.
    const int holders = 200;
    Console.WriteLine($"\n[rebuild] {holders} card holders with long streams against {holders} with two events");
    await using var rebuild = new InProcess(pg.CreateDatabase($"bench_rebuild_{stamp}"), 2 * holders, options.Terminals);
    await rebuild.Start();
    await rebuild.Populate();
    var taps = await rebuild.Run(TimeSpan.FromSeconds(options.Seconds), options.Workers, new Workload(holders, options.Terminals, 30), "long");
    var events = 2 + taps.Summary.Count / holders;
    Console.WriteLine($"  {taps.Summary.Count:N0} taps among the first {holders}: about {events:N0} events per stream");
    foreach (var (label, from) in new[] { ("two events", holders), ($"about {events:N0} events", 0), ("two events, again", holders), ($"about {events:N0} events, again", 0) })
    {
        await rebuild.CollectIdleAndMeasure();
        var cpu = new CpuMeter(null);
        var before = cpu.Read();
        var perSecond = await rebuild.Activate(holders, from);
        var after = cpu.Read();
        Console.WriteLine($"  {holders} holders with {label}: {perSecond:N0} activations/s; CPU ms per activation: " +
            $"silo {(after.Self - before.Self).TotalMilliseconds / holders:F2}, postgres {(after.Postgres - before.Postgres).TotalMilliseconds / holders:F2}");
    }
    return;
}

if (options.Only == "risk")
{
    // The cost of 20 live risk rules: evaluated alone, then in-process alternating without and with them (A B A B) so the machine's drift shows.
    BenchRules.MeasureEvaluation();
    await using var risk = new InProcess(pg.CreateDatabase($"bench_risk_{stamp}"), options.CardHolders, options.Terminals);
    await risk.Start();
    await risk.Populate();
    await risk.Run(TimeSpan.FromSeconds(options.WarmupSeconds), options.Workers, new Workload(options.CardHolders, options.Terminals, 20), "warm");
    var cpu = new CpuMeter(null);
    for (var round = 0; round < 2; round++)
    {
        foreach (var rules in new[] { false, true })
        {
            await risk.SetRiskRules(rules ? 20 : 0);
            var before = cpu.Read();
            var run = await risk.Run(TimeSpan.FromSeconds(options.Seconds), options.Workers, new Workload(options.CardHolders, options.Terminals, 21 + round * 2 + (rules ? 1 : 0)), "run");
            var after = cpu.Read();
            Console.WriteLine($"  {(rules ? "20 rules" : "no rules")}: {run.Summary}");
            Console.WriteLine($"    {CpuMeter.PerThousand(before, after, run.Summary.Count, withHost: false).Replace("bench process", "bench process (silo inside)")}");
        }
    }
    return;
}

if (options.Only == "inproc")
{
    // Profiling aid: only the in-process phase, for as long as asked (dotnet-trace attaches meanwhile).
    var grainsOnly = pg.CreateDatabase($"bench_grains_{stamp}");
    await using var only = new InProcess(grainsOnly, options.CardHolders, options.Terminals);
    await only.Start();
    await only.Populate();
    await Settle.Postgres(grainsOnly);
    Console.WriteLine($"  ready (pid {Environment.ProcessId})");
    await only.Run(TimeSpan.FromSeconds(options.WarmupSeconds), options.Workers, new Workload(options.CardHolders, options.Terminals, 1), "warm");
    var cpu = new CpuMeter(null);
    var db = new DbCounters(grainsOnly);
    var (before, rowsBefore) = (cpu.Read(), await db.Read());
    var run = await only.Run(TimeSpan.FromSeconds(options.Seconds), options.Workers, new Workload(options.CardHolders, options.Terminals, 2), "run");
    var (after, rowsAfter) = (cpu.Read(), await db.Read());
    Console.WriteLine($"  {run.Summary}");
    Console.WriteLine($"  {CpuMeter.PerThousand(before, after, run.Summary.Count, withHost: false).Replace("bench process", "bench process (silo inside)")}");
    Console.WriteLine($"  {DbCounters.PerPayment(rowsBefore, rowsAfter, run.Summary.Count)}");
    return;
}

Console.WriteLine($"\n[1/3] baseline: pgbench, {options.PgbenchClients} clients, {options.Seconds} s, 10,000 accounts, 20 merchants, 50% on one hot merchant");
var sqlDb = pg.CreateDatabase($"bench_sql_{stamp}");
var baseline = await PgbenchBaseline.Run(sqlDb, options.Seconds, options.PgbenchClients, new CpuMeter(null));
var pgbenchAtRate = await PgbenchBaseline.RunFixedRate(sqlDb, options.HttpSeconds, options.FixedRate, options.PgbenchClients);
Console.WriteLine($"  pgbench at a fixed {options.FixedRate:N0}/s, latency from each transaction's scheduled start: {pgbenchAtRate}");
if (options.Only == "pgbench") return;
await Settle.Postgres(sqlDb);

Console.WriteLine($"\n[2/3] in-process: {options.Workers} concurrent callers into the grains, {options.CardHolders:N0} card holders, {options.Terminals} terminals, 50% on the hot one");
Outcome inproc, inprocRules;
var grainsDb = pg.CreateDatabase($"bench_grains_{stamp}");
await using (var grains = new InProcess(grainsDb, options.CardHolders, options.Terminals))
{
    await grains.Start();
    await grains.Populate();
    await Settle.Postgres(grainsDb);
    var warmup = await grains.Run(TimeSpan.FromSeconds(options.WarmupSeconds), options.Workers, new Workload(options.CardHolders, options.Terminals, 1), "warm");
    var cpu = new CpuMeter(null);
    var before = cpu.Read();
    inproc = await grains.Run(TimeSpan.FromSeconds(options.Seconds), options.Workers, new Workload(options.CardHolders, options.Terminals, 2), "run");
    var after = cpu.Read();
    Console.WriteLine($"  {inproc.Summary}");
    Console.WriteLine($"  {CpuMeter.PerThousand(before, after, inproc.Summary.Count, withHost: false).Replace("bench process", "bench process (silo inside)")}");
    Console.WriteLine($"  peak memory of this process: {CpuMeter.PeakMemoryMiB(Environment.ProcessId):N0} MiB");

    // The same workload with 20 live risk rules, evaluated inside every tap (the holder's and the terminal's grains).
    BenchRules.MeasureEvaluation();
    await grains.ActivateRiskRules(20);
    before = cpu.Read();
    inprocRules = await grains.Run(TimeSpan.FromSeconds(options.Seconds), options.Workers, new Workload(options.CardHolders, options.Terminals, 6), "rules");
    after = cpu.Read();
    Console.WriteLine($"  with 20 risk rules: {inprocRules.Summary}");
    Console.WriteLine($"  {CpuMeter.PerThousand(before, after, inprocRules.Summary.Count, withHost: false).Replace("bench process", "bench process (silo inside)")}");
    Console.WriteLine($"  risk rules cost: {(1 - inprocRules.Summary.PerSecond / inproc.Summary.PerSecond) * 100:F1}% of the rate, p99 {inproc.Summary.P99Ms:F1} -> {inprocRules.Summary.P99Ms:F1} ms");
    await grains.Verify(warmup.ApprovedAmount + inproc.ApprovedAmount + inprocRules.ApprovedAmount);
}

Console.WriteLine($"\n[3/3] over HTTP: signed POST /api/v1/terminal/payments against the product in its own process");
Outcome fixedRate, maxRate;
var httpDb = pg.CreateDatabase($"bench_http_{stamp}");
await using (var http = new OverHttp(httpDb, options.CardHolders, options.Terminals))
{
    await http.Start();
    await http.Populate();
    await Settle.Postgres(httpDb);
    var cards = await http.TapEachCard();
    var warmup = await http.RunMax(TimeSpan.FromSeconds(options.WarmupSeconds), options.HttpWorkers, new Workload(options.CardHolders, options.Terminals, 3), "warm");
    var cpu = new CpuMeter(http.HostPid);
    var (firstMinute, fixedRateRun) = await FixedRate(http, options);
    fixedRate = fixedRateRun;

    var before = cpu.Read();
    maxRate = await http.RunMax(TimeSpan.FromSeconds(options.Seconds), options.HttpWorkers, new Workload(options.CardHolders, options.Terminals, 5), "max");
    var after = cpu.Read();
    Console.WriteLine($"  closed loop, {options.HttpWorkers} connections (maximum rate): {maxRate.Summary}");
    Console.WriteLine($"  {CpuMeter.PerThousand(before, after, maxRate.Summary.Count, withHost: true)}");
    Console.WriteLine($"  peak memory: host process {CpuMeter.PeakMemoryMiB(http.HostPid):N0} MiB, bench process {CpuMeter.PeakMemoryMiB(Environment.ProcessId):N0} MiB");
    await http.Verify(cards + warmup.ApprovedAmount + firstMinute.ApprovedAmount + fixedRate.ApprovedAmount + maxRate.ApprovedAmount);
}

var ratioInproc = inproc.Summary.PerSecond / baseline.Tps;
var ratioHttp = maxRate.Summary.PerSecond / baseline.Tps;
Console.WriteLine();
Console.WriteLine($"goals: ratio_inproc >= 3.0: {(ratioInproc >= 3 ? "met" : "NOT met")}; ratio_http >= 1.0: {(ratioHttp >= 1 ? "met" : "NOT met")}; " +
                  $"p99 at {options.FixedRate:N0}/s <= 20 ms: {(fixedRate.Summary.P99Ms <= 20 ? "met" : "NOT met")} ({fixedRate.Summary.P99Ms:F1} ms)");
Console.WriteLine($"bench: inproc_per_s={inproc.Summary.PerSecond:F0} inproc_rules20_per_s={inprocRules.Summary.PerSecond:F0} http_per_s={maxRate.Summary.PerSecond:F0} http_p99_ms={fixedRate.Summary.P99Ms:F1} " +
                  $"pgbench_tps={baseline.Tps:F0} ratio_inproc={ratioInproc:F2} ratio_http={ratioHttp:F2} pgbench_p99_ms={pgbenchAtRate.P99Ms:F1}");

// The open loop at the fixed rate, twice. The first window is a young host's (the first runs of the jobs, of the idle-grain
// collector and of the rarer paths), so it is printed but the second is the one measured: a host in production has been up for
// days. Both are shown, so the young host's tail stays visible; the JIT still running in the second shows in its runtime line.
static async Task<(Outcome First, Outcome Measured)> FixedRate(OverHttp http, BenchOptions options)
{
    var cpu = new CpuMeter(http.HostPid);
    var seconds = TimeSpan.FromSeconds(options.HttpSeconds);
    await http.HostRuntime(); // the scrape's own first run is not the window's
    var first = await http.RunFixedRate(seconds, options.FixedRate, new Workload(options.CardHolders, options.Terminals, 6), "young");
    Console.WriteLine($"  open loop at {options.FixedRate:N0}/s, the host's first {options.HttpSeconds} s at this rate: {first.Summary}");
    var runtime = await http.HostRuntime();
    var before = cpu.Read();
    var clientPaused = GC.GetTotalPauseDuration();
    var measured = await http.RunFixedRate(seconds, options.FixedRate, new Workload(options.CardHolders, options.Terminals, 4), "fixed");
    var after = cpu.Read();
    clientPaused = GC.GetTotalPauseDuration() - clientPaused;
    Console.WriteLine($"  open loop at {options.FixedRate:N0}/s, measured: {measured.Summary}");
    Console.WriteLine($"  {CpuMeter.PerThousand(before, after, measured.Summary.Count, withHost: true)}");
    Console.WriteLine($"  {(await http.HostRuntime()).Since(runtime, measured.Summary.Count)}; the bench's own GC paused {clientPaused.TotalMilliseconds:F0} ms");
    return (first, measured);
}

sealed record BenchOptions(string? Only, int Scale, int Active, int Seconds, int HttpSeconds, int WarmupSeconds, int CardHolders, int Terminals, int Workers, int HttpWorkers, int PgbenchClients, int FixedRate)
{
    public static BenchOptions Parse(string[] args)
    {
        int Get(string name, int fallback)
        {
            var i = Array.IndexOf(args, "--" + name);
            return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
        }
        var only = Array.IndexOf(args, "--only") is var o and >= 0 && o + 1 < args.Length ? args[o + 1] : null;
        var scale = Array.IndexOf(args, "--scale") is var sc and >= 0 ? (sc + 1 < args.Length && int.TryParse(args[sc + 1], out var n) ? n : 1_000_000) : 0;
        return new BenchOptions(only, scale, Get("active", 100_000), Get("seconds", 30), Get("http-seconds", 20), Get("warmup", 5), Get("holders", 10_000), Get("terminals", 20),
            Get("workers", 256), Get("http-workers", 64), Get("pgbench-clients", 16), Get("rate", 1000));
    }
}
