using System.Diagnostics;

namespace SceneFinance.Bench;

/// <summary>Latencies of one phase, in microseconds, kept per worker and merged at the end.</summary>
public sealed class Latencies
{
    readonly List<List<long>> _lists = [];

    public List<long> NewWorker()
    {
        var list = new List<long>(1 << 16);
        lock (_lists) _lists.Add(list);
        return list;
    }

    public Summary Summarize(TimeSpan elapsed)
    {
        var all = _lists.SelectMany(l => l).ToArray();
        Array.Sort(all);
        double P(double q) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)(q * all.Length))] / 1000.0;
        return new Summary(all.Length, all.Length / elapsed.TotalSeconds, P(0.50), P(0.95), P(0.99), all.Length == 0 ? 0 : all[^1] / 1000.0);
    }
}

public sealed record Summary(long Count, double PerSecond, double P50Ms, double P95Ms, double P99Ms, double MaxMs)
{
    public override string ToString() => $"{Count:N0} payments, {PerSecond:N0}/s, p50 {P50Ms:F2} ms, p95 {P95Ms:F2} ms, p99 {P99Ms:F2} ms, max {MaxMs:F1} ms";
}

/// <summary>CPU time of this process, a child host process and every PostgreSQL backend, from /proc.</summary>
public sealed class CpuMeter(int? hostPid)
{
    static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public sealed record Reading(TimeSpan Self, TimeSpan Host, TimeSpan Postgres);

    public Reading Read() => new(Process.GetCurrentProcess().TotalProcessorTime,
        hostPid is { } pid ? ProcessCpu(pid) : TimeSpan.Zero, PostgresCpu());

    public static string PerThousand(Reading before, Reading after, long payments, bool withHost)
    {
        double Per(TimeSpan a, TimeSpan b) => payments == 0 ? 0 : (b - a).TotalSeconds * 1000 / payments;
        var parts = new List<string> { $"bench process {Per(before.Self, after.Self):F3}" };
        if (withHost) parts.Add($"host process {Per(before.Host, after.Host):F3}");
        parts.Add($"postgres {Per(before.Postgres, after.Postgres):F3}");
        return "CPU s per 1,000 payments: " + string.Join(", ", parts);
    }

    static TimeSpan ProcessCpu(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // utime and stime are fields 14 and 15 of stat (11 and 12 after the command name), plus waited-for children.
            var ticks = long.Parse(fields[11]) + long.Parse(fields[12]) + long.Parse(fields[13]) + long.Parse(fields[14]);
            return TimeSpan.FromSeconds(ticks / TicksPerSecond);
        }
        catch (IOException) { return TimeSpan.Zero; }
    }

    /// <summary>
    /// The bench's own server (its postmaster, from postmaster.pid): on a shared machine other PostgreSQL servers (other
    /// checkouts' tests) must not be billed to our payments. Null counts every postgres process, as before.
    /// </summary>
    public static int? Postmaster { get; set; }

    static TimeSpan PostgresCpu()
    {
        var total = TimeSpan.Zero;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(dir);
            if (!int.TryParse(name, out var pid)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "comm")).Trim() != "postgres") continue;
                if (Postmaster is { } postmaster && pid != postmaster && ParentOf(pid) != postmaster) continue;
                total += ProcessCpu(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return total;
    }

    static int ParentOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
    }

    /// <summary>Peak resident memory (VmHWM) of a process, in MiB.</summary>
    public static double PeakMemoryMiB(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:"));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
        }
        catch (IOException) { return 0; }
    }

    public static double CurrentMemoryMiB(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:"));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
        }
        catch (IOException) { return 0; }
    }
}

public sealed record Outcome(Summary Summary, long Approved, long ApprovedAmount);

public static class ClosedLoop
{
    /// <summary>
    /// Each worker sends its next payment when the last one is answered. Keys are unique per phase, and
    /// approvals are counted once per payment id, so a replayed answer can't be counted twice.
    /// </summary>
    public static async Task<Outcome> Run(TimeSpan duration, int workers, Workload workload, string phase,
        Func<int, int, long, string, Task<string>> pay)
    {
        var latencies = new Latencies();
        var approvals = new Approvals();
        var stop = DateTime.UtcNow + duration;
        var sw = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var mine = latencies.NewWorker();
            for (var n = 0; DateTime.UtcNow < stop; n++)
            {
                var (h, t, amount) = workload.Next();
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                var answer = await pay(h, t, amount, $"{phase}-{w}-{n}");
                mine.Add((long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMicroseconds);
                approvals.Record(answer, amount);
            }
        })));
        return new Outcome(latencies.Summarize(sw.Elapsed), approvals.Count, approvals.Amount);
    }
}

/// <summary>
/// Approved payments by id: an answer seen twice (a replay) is still one payment. An id is kept as a 64-bit hash of its text
/// in a list of values, not as a string in a dictionary: what the load generator keeps per payment outlives its young
/// generation, and its collections' pauses would be measured as the product's latency. (Two of a phase's ids sharing a
/// hash would count as one payment and fail the books check, loudly; at 2^-64 per pair that does not happen.)
/// </summary>
public sealed class Approvals
{
    readonly List<(ulong Id, long Amount)> _approved = new(1 << 16);

    public void Record(string answer, long amount)
    {
        if (!answer.Contains("\"status\":\"approved\"", StringComparison.Ordinal)) return;
        var start = answer.IndexOf("\"paymentId\":\"", StringComparison.Ordinal) + 13;
        var id = Fnv1a(answer.AsSpan(start, answer.IndexOf('"', start) - start));
        lock (_approved) _approved.Add((id, amount));
    }

    static ulong Fnv1a(ReadOnlySpan<char> text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text) hash = (hash ^ c) * 1099511628211UL;
        return hash;
    }

    IEnumerable<(ulong Id, long Amount)> Distinct() => _approved.DistinctBy(a => a.Id);

    public long Count => Distinct().LongCount();
    public long Amount => Distinct().Sum(a => a.Amount);
}

public static class Settle
{
    /// <summary>Flushes what the previous step wrote and lets autovacuum finish, so it is not billed to the next phase.</summary>
    public static async Task Postgres(string connectionString)
    {
        await using var conn = new Npgsql.NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using (var vacuum = new Npgsql.NpgsqlCommand("vacuum analyze", conn)) await vacuum.ExecuteNonQueryAsync();
        await using (var checkpoint = new Npgsql.NpgsqlCommand("checkpoint", conn)) await checkpoint.ExecuteNonQueryAsync();
        await Task.Delay(TimeSpan.FromSeconds(3));
    }
}

/// <summary>The canteen lunch rush: uniform card holders, half of all payments on one hot till.</summary>
public sealed class Workload(int cardHolders, int terminals, int seed)
{
    static int _threads;
    // Distinct streams per workload and per thread: two phases must never draw the same payments.
    readonly ThreadLocal<Random> _random = new(() => new Random(HashCode.Combine(seed, Interlocked.Increment(ref _threads), Environment.TickCount64)));

    public (int Holder, int Terminal, long Amount) Next()
    {
        var r = _random.Value!;
        var terminal = r.Next(100) < 50 ? 0 : 1 + r.Next(terminals - 1);
        return (r.Next(cardHolders), terminal, 1 + r.Next(500));
    }
}

/// <summary>What PostgreSQL did in one database (its statistics view): transactions and rows written, per payment.</summary>
public sealed class DbCounters(string connectionString)
{
    public sealed record Reading(long Commits, long Inserted, long Updated, long Deleted, long Fetched);

    public async Task<Reading> Read()
    {
        await Task.Delay(TimeSpan.FromSeconds(1.2)); // backends report their counts at most once a second
        await using var conn = new Npgsql.NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(
            "select xact_commit, tup_inserted, tup_updated, tup_deleted, tup_fetched from pg_stat_database where datname = current_database()", conn);
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return new Reading(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4));
    }

    public static string PerPayment(Reading a, Reading b, long payments)
    {
        double Per(long x, long y) => payments == 0 ? 0 : (double)(y - x) / payments;
        return $"per payment: commits {Per(a.Commits, b.Commits):F3}, rows inserted {Per(a.Inserted, b.Inserted):F2}, updated {Per(a.Updated, b.Updated):F2}, " +
               $"deleted {Per(a.Deleted, b.Deleted):F2}, fetched {Per(a.Fetched, b.Fetched):F2}";
    }
}
