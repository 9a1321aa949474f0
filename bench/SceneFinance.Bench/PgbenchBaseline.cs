using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace SceneFinance.Bench;

/// <summary>
/// The baseline: what a plain-SQL ledger does per payment, run by pgbench. One transaction debits the
/// card holder's row, credits the merchant's row (half of them the same hot row) and inserts a journal
/// row with both postings.
/// </summary>
public static partial class PgbenchBaseline
{
    const string Script = """
        \set aid random(1, 10000)
        \set hot random(1, 100)
        \set mid random(2, 20)
        \if :hot <= 50
        \set mid 1
        \endif
        \set amount random(1, 500)
        BEGIN;
        UPDATE accounts SET balance = balance - :amount WHERE id = :aid AND balance >= :amount;
        UPDATE merchants SET balance = balance + :amount WHERE id = :mid;
        INSERT INTO journal (amount, postings) VALUES (:amount, jsonb_build_array(jsonb_build_object('account', 'cardholder:' || :aid::int, 'debit', :amount::bigint), jsonb_build_object('account', 'merchant:' || :mid::int, 'credit', :amount::bigint)));
        END;
        """;

    public sealed record Result(double Tps, double AverageLatencyMs, long Transactions);

    public static async Task<Result> Run(string connectionString, int seconds, int clients, CpuMeter cpu)
    {
        var cs = new NpgsqlConnectionStringBuilder(connectionString);
        await using (var conn = new NpgsqlConnection(cs.ConnectionString))
        {
            await conn.OpenAsync();
            await using var setup = new NpgsqlCommand("""
                drop table if exists accounts, merchants, journal;
                create table accounts (id int primary key, balance bigint not null);
                create table merchants (id int primary key, balance bigint not null);
                create table journal (id bigserial primary key, at timestamptz not null default now(), amount bigint not null, postings jsonb not null);
                insert into accounts select g, 100000000 from generate_series(1, 10000) g;
                insert into merchants select g, 0 from generate_series(1, 20) g;
                """, conn);
            await setup.ExecuteNonQueryAsync();
            await using var vacuum = new NpgsqlCommand("vacuum analyze", conn);
            await vacuum.ExecuteNonQueryAsync();
        }

        var before = cpu.Read();
        var output = await Pgbench(cs, ["-c", clients.ToString(), "-j", "2", "-T", seconds.ToString()]);
        var after = cpu.Read();

        var tps = double.Parse(Tps().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var latency = double.Parse(Latency().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var processed = long.Parse(Processed().Match(output).Groups[1].Value);

        // A fast wrong answer is a failure: money is conserved and every transaction left its journal row.
        await using (var conn = new NpgsqlConnection(cs.ConnectionString))
        {
            await conn.OpenAsync();
            await using var check = new NpgsqlCommand(
                "select (select sum(balance) from accounts) + (select sum(balance) from merchants), (select count(*) from journal), (select coalesce(sum(amount), 0) from journal), (select sum(balance) from merchants)", conn);
            await using var reader = await check.ExecuteReaderAsync();
            await reader.ReadAsync();
            var (total, rows, journalled, merchants) = (reader.GetDecimal(0), reader.GetInt64(1), reader.GetDecimal(2), reader.GetDecimal(3));
            if (total != 10_000m * 100_000_000 || rows != processed || journalled != merchants)
                throw new InvalidOperationException($"pgbench baseline is inconsistent: total {total}, journal rows {rows} vs {processed}, journalled {journalled} vs merchants {merchants}");
        }
        Console.WriteLine($"  pgbench: {processed:N0} transactions, {tps:N0} tps, average latency {latency:F2} ms; balances and journal consistent");
        Console.WriteLine($"  {CpuMeter.PerThousand(before, after, processed, withHost: false).Replace("bench process", "bench process (idle)")}");
        return new Result(tps, latency, processed);
    }

    /// <summary>
    /// The same transaction at a fixed rate (<c>pgbench -R</c>, 16 clients), each one's latency taken from its scheduled start
    /// like the HTTP phase's open loop: the floor under our p99 at that rate, on this machine, in this run.
    /// </summary>
    public static async Task<Summary> RunFixedRate(string connectionString, int seconds, int perSecond, int clients)
    {
        var cs = new NpgsqlConnectionStringBuilder(connectionString);
        var logs = Directory.CreateTempSubdirectory("scenefinance-pgbench-log-");
        try
        {
            await Pgbench(cs, ["-c", clients.ToString(), "-j", "2", "-T", seconds.ToString(), "-R", perSecond.ToString(),
                "--log", "--log-prefix", Path.Combine(logs.FullName, "tx")]);
            // Each log line: client, transaction, time (µs), script, epoch, µs, schedule lag (µs).
            var micros = logs.EnumerateFiles().SelectMany(f => File.ReadLines(f.FullName))
                .Select(line => line.Split(' '))
                .Select(cells => long.Parse(cells[2], CultureInfo.InvariantCulture) + long.Parse(cells[6], CultureInfo.InvariantCulture))
                .ToList();
            var latencies = new Latencies();
            latencies.NewWorker().AddRange(micros);
            return latencies.Summarize(TimeSpan.FromSeconds(seconds));
        }
        finally
        {
            logs.Delete(recursive: true);
        }
    }

    static async Task<string> Pgbench(NpgsqlConnectionStringBuilder cs, string[] run)
    {
        var scriptFile = Path.Combine(Path.GetTempPath(), "scenefinance-pgbench.sql");
        await File.WriteAllTextAsync(scriptFile, Script);
        var psi = new ProcessStartInfo("pgbench",
            ["-n", "-M", "prepared", .. run, "-f", scriptFile, "-h", cs.Host!, "-p", cs.Port.ToString(), "-U", cs.Username!, cs.Database!])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        psi.Environment["PGPASSWORD"] = cs.Password;
        using var process = Process.Start(psi)!;
        using var stopOnSignal = Interrupt.OnSignal("pgbench", () => process.Kill());
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"pgbench failed: {errors}\n{await output}");
        return await output;
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")] private static partial Regex Tps();
    [GeneratedRegex(@"latency average = ([0-9.]+) ms")] private static partial Regex Latency();
    [GeneratedRegex(@"number of transactions actually processed: (\d+)")] private static partial Regex Processed();
}
