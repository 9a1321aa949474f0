using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Npgsql;
using SceneFinance.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SceneFinance.Tests.Cluster;

/// <summary>The cluster tests run alone, after the parallel collections: three silos and a balancer fill two cores by themselves.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "cluster";
}

/// <summary>
/// Lunch peak on three silos behind the balancer: one silo is killed (SIGKILL) mid-rush, later another is restarted the
/// polite way (SIGTERM, as a deploy does). Tills retry a failed request with the same Idempotency-Key until they are answered.
/// Afterwards every approval a till heard is committed exactly once, nothing else is, and the books balance. Correctness is
/// asserted; the gap and the latencies are reported (two shared cores make them noise, not a verdict).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class FailoverTests(ITestOutputHelper output)
{
    const int Tills = 8;
    const int Holders = 24;
    const long StartingCash = 10_000_000;
    static readonly TimeSpan TapPatience = TimeSpan.FromMinutes(3);

    sealed record Answered(string Phase, long AtTicks, double Ms, int Attempts);

    [Fact]
    public async Task Killing_one_silo_and_restarting_another_loses_nothing_and_applies_nothing_twice()
    {
        var db = TestPostgres.NewDatabase("failover");
        await using var cluster = await ClusterProcess.Start(db, silos: 3);
        var http = new HttpClient { BaseAddress = cluster.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var s = await Scenario.Start(new Infrastructure.Api(http));
        var holders = new List<(string Id, string Card)>();
        for (var i = 0; i < Holders; i++) holders.Add(await s.CardHolder(cash: StartingCash));
        var terminals = new List<Terminal>();
        for (var i = 0; i < 4; i++) terminals.Add(await s.Terminal());

        // The sign-in throttle counts per cluster: ten guesses spread over three silos lock the name all the same.
        for (var i = 0; i < 10; i++) (await s.Api.Post("/api/v1/auth/token", new { username = "guesser", password = "wrong" + i }, null)).Expect(HttpStatusCode.Unauthorized);
        (await s.Api.Post("/api/v1/auth/token", new { username = "guesser", password = "wrong" }, null)).ExpectProblem(HttpStatusCode.TooManyRequests, "rate_limited");

        var phase = "steady";
        var approved = new ConcurrentDictionary<string, (string PaymentId, long Amount, string Raw)>(); // key -> what the till heard
        var answered = new ConcurrentBag<Answered>();
        var unanswered = new ConcurrentBag<string>();
        var wrong = new ConcurrentBag<string>();
        var failedAttempts = new ConcurrentDictionary<string, int>();
        var failures = new ConcurrentDictionary<string, int>(); // "phase: what the till saw" -> how often
        using var rush = new CancellationTokenSource();

        var tills = Enumerable.Range(0, Tills).Select(till => Task.Run(async () =>
        {
            for (var n = 0; !rush.IsCancellationRequested; n++)
            {
                var key = $"till{till}-{n}";
                var (_, card) = holders[(till * 7 + n) % Holders];
                var terminal = terminals[till % terminals.Count];
                var amount = 1 + (till * 13 + n) % 50;
                var tapPhase = phase;
                var started = Stopwatch.GetTimestamp();
                for (var attempt = 1; ; attempt++)
                {
                    Answer? answer = null;
                    var failure = "";
                    try { answer = await s.Api.Pay(terminal, card, amount, key); }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { failure = e.GetType().Name; }
                    if (answer is { Status: HttpStatusCode.OK })
                    {
                        answered.Add(new Answered(tapPhase, Stopwatch.GetTimestamp(), Stopwatch.GetElapsedTime(started).TotalMilliseconds, attempt));
                        if (answer["status"].GetValue<string>() == "approved")
                            approved[key] = (answer["paymentId"].GetValue<string>(), amount, answer.Raw);
                        break;
                    }
                    if (answer is { Status: HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.NotFound })
                    {
                        wrong.Add($"{key}: {(int)answer.Status} {answer.Raw}");
                        break;
                    }
                    failedAttempts.AddOrUpdate(tapPhase, 1, (_, c) => c + 1);
                    failures.AddOrUpdate($"{tapPhase}: {(answer is null ? failure : $"{(int)answer.Status} {answer.Code}")}", 1, (_, c) => c + 1);
                    if (Stopwatch.GetElapsedTime(started) > TapPatience)
                    {
                        unanswered.Add(key);
                        break;
                    }
                    await Task.Delay(Math.Min(50 * attempt, 1000));
                }
                await Task.Delay(10);
            }
        })).ToArray();

        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(10));
        phase = "kill";
        var killedAt = Stopwatch.GetTimestamp();
        await cluster.Signal("silo-2", "KILL");
        await cluster.WaitRecovered("silo-2", restarts: 1, TimeSpan.FromMinutes(4));
        var recoveredAfterKill = Stopwatch.GetElapsedTime(killedAt);
        await Task.Delay(TimeSpan.FromSeconds(5));
        phase = "rolling";
        var termAt = Stopwatch.GetTimestamp();
        await cluster.Signal("silo-3", "TERM");
        await cluster.WaitRecovered("silo-3", restarts: 1, TimeSpan.FromMinutes(4));
        var recoveredAfterTerm = Stopwatch.GetElapsedTime(termAt);
        await Task.Delay(TimeSpan.FromSeconds(5));
        phase = "after";
        await Task.Delay(TimeSpan.FromSeconds(5));
        rush.Cancel();
        await Task.WhenAll(tills);

        Assert.True(wrong.IsEmpty, "Requests the product refused as wrong: " + string.Join("; ", wrong.Take(5)));
        Assert.True(unanswered.IsEmpty, $"{unanswered.Count} taps got no answer within {TapPatience.TotalMinutes:0} min of retries: {string.Join(", ", unanswered.Take(5))}");
        Assert.True(approved.Count > 200, $"Only {approved.Count} payments were approved during the run.\n{cluster.Output}");

        // Every approval a till heard is committed exactly once; nothing else was approved.
        var committed = await ApprovalsCommitted(db, s.TenantId);
        Assert.Empty(committed.Where(c => c.Value != 1).Select(c => $"{c.Key} x{c.Value}"));
        Assert.Equal(approved.Values.Select(a => a.PaymentId).Order(), committed.Keys.Order());

        // A till asking again hears the same answer, byte for byte.
        foreach (var (key, heard) in approved.Take(100))
        {
            var till = int.Parse(key[4..key.IndexOf('-')]);
            var n = int.Parse(key[(key.IndexOf('-') + 1)..]);
            var again = (await s.Api.Pay(terminals[till % terminals.Count], holders[(till * 7 + n) % Holders].Card, heard.Amount, key)).Expect(HttpStatusCode.OK);
            Assert.Equal(heard.Raw, again.Raw);
        }

        // The wallets moved by exactly the approved amounts, and the books balance.
        long spent = 0;
        foreach (var (id, _) in holders) spent += StartingCash - await s.Balance(id);
        Assert.Equal(approved.Values.Sum(a => a.Amount), spent);
        var tb = await s.TrialBalance();
        var receivables = tb["accounts"]!.AsArray().Where(a => a!["account"]!.GetValue<string>().StartsWith("merchant-receivable:")).Sum(a => a!["balance"]!.GetValue<long>());
        Assert.Equal(-spent, receivables);

        Report(clock.Elapsed, answered.ToList(), failedAttempts, approved.Count, recoveredAfterKill, recoveredAfterTerm, killedAt, termAt);
        output.WriteLine("failover: failed attempts seen: " + string.Join(", ", failures.OrderBy(f => f.Key).Select(f => $"{f.Key} x{f.Value}")));
    }

    static async Task<Dictionary<string, long>> ApprovalsCommitted(string connectionString, string tenantId)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "select data->>'paymentId', count(*) from scenefinance.mt_events where type = 'payment_approved' and tenant_id = @t group by 1", conn);
        cmd.Parameters.AddWithValue("t", tenantId);
        var result = new Dictionary<string, long>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) result[reader.GetString(0)] = reader.GetInt64(1);
        return result;
    }

    void Report(TimeSpan run, List<Answered> answers, ConcurrentDictionary<string, int> failed, int approved,
        TimeSpan afterKill, TimeSpan afterTerm, long killedAt, long termAt)
    {
        var times = answers.Select(a => a.AtTicks).Order().ToList();
        double Gap(long from, long to) => times.Where(t => t >= from && t <= to).Prepend(from).Append(to).Order()
            .Zip(times.Where(t => t >= from && t <= to).Prepend(from).Append(to).Order().Skip(1), (a, b) => (b - a) * 1000.0 / Stopwatch.Frequency).Max();
        double P99(string phase) => answers.Where(a => a.Phase == phase).Select(a => a.Ms).Order().ToList() is { Count: > 0 } l ? l[(int)Math.Ceiling(l.Count * 0.99) - 1] : 0;
        var longestAfterKill = Gap(killedAt, killedAt + (long)(afterKill.TotalSeconds * Stopwatch.Frequency));
        var longestAfterTerm = Gap(termAt, termAt + (long)(afterTerm.TotalSeconds * Stopwatch.Frequency));
        output.WriteLine($"failover: {answers.Count} taps answered ({approved} approved) by {Tills} tills in {run.TotalSeconds:F0} s; " +
            $"failed attempts retried: steady {failed.GetValueOrDefault("steady")}, kill {failed.GetValueOrDefault("kill")}, " +
            $"rolling {failed.GetValueOrDefault("rolling")}, after {failed.GetValueOrDefault("after")}");
        output.WriteLine($"failover: SIGKILL silo-2: longest gap in answers {longestAfterKill:F0} ms, p99 {P99("kill"):F0} ms, back and ready after {afterKill.TotalSeconds:F0} s");
        output.WriteLine($"failover: SIGTERM silo-3: longest gap in answers {longestAfterTerm:F0} ms, p99 {P99("rolling"):F0} ms, back and ready after {afterTerm.TotalSeconds:F0} s");
        output.WriteLine($"failover: p99 steady {P99("steady"):F0} ms, after {P99("after"):F0} ms; max attempts for one tap {answers.Max(a => a.Attempts)}");
    }
}
