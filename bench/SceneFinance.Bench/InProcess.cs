using System.Diagnostics;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SceneFinance.Grains;
using SceneFinance.Host;
using SceneFinance.Payments.Ledger;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Postgres;
using SceneFinance.Platform.Storage;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Bench;

/// <summary>The workload driven straight into the grains of a silo in this process; every answer is given after its commit.</summary>
public sealed class InProcess(string connectionString, int cardHolders, int terminals) : IAsyncDisposable
{
    public const long StartingCash = 10_000_000;
    IHost _host = null!;
    IGrainFactory _grains = null!;
    readonly string _tenantId = Ids.New("tn");
    string[] _cards = [];
    string[] _terminals = [];

    public async Task Start()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:Postgres"] = connectionString;
        builder.Configuration["SceneFinance:Orleans:SiloPort"] = EmbeddedPostgres.FreePort().ToString();
        builder.Configuration["SceneFinance:Orleans:GatewayPort"] = EmbeddedPostgres.FreePort().ToString();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddStorage();
        builder.AddSilo();
        builder.Services.AddSceneGrains();
        _host = builder.Build();
        await _host.StartAsync();
        _grains = _host.Services.GetRequiredService<IGrainFactory>();
    }

    public async Task Populate()
    {
        var sw = Stopwatch.StartNew();
        var now = DateTimeOffset.UtcNow;
        await _grains.GetGrain<ITenantGrain>(_tenantId).Create("Bench canteen", "canteen", now);
        _terminals = new string[terminals];
        for (var t = 0; t < terminals; t++)
        {
            _terminals[t] = Ids.New("trm");
            await _grains.GetGrain<IMerchantTerminalGrain>(GrainKeys.For(_tenantId, _terminals[t])).Register($"Till {t}", "pos", now);
        }
        _cards = Enumerable.Range(0, cardHolders).Select(i => $"9{i:D11}").ToArray();
        await Parallel.ForEachAsync(Enumerable.Range(0, cardHolders), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) =>
        {
            var holder = _grains.GetGrain<ICardHolderGrain>(GrainKeys.For(_tenantId, $"ch_bench{i:D7}"));
            await holder.Register(new RegisterCardHolder($"B{i:D7}", $"Diner {i}", "student", _cards[i], null, null, null, now));
            await holder.TopUp(new TopUpCard(Ids.New("tu"), StartingCash, "counter", "cash", IdempotencyTicket.For("tenant", $"setup-{i}", "topup"), now));
        });
        Console.WriteLine($"  populated {cardHolders:N0} card holders and {terminals} terminals in {sw.Elapsed.TotalSeconds:F1} s");
    }

    public sealed record Outcome(Summary Summary, long Approved, long ApprovedAmount);

    public async Task<Outcome> Run(TimeSpan duration, int workers, Workload workload)
    {
        var latencies = new Latencies();
        long approved = 0, approvedAmount = 0;
        var stop = DateTime.UtcNow + duration;
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var mine = latencies.NewWorker();
            for (var n = 0; DateTime.UtcNow < stop; n++)
            {
                var (h, t, amount) = workload.Next();
                var terminalId = _terminals[t];
                var now = DateTimeOffset.UtcNow;
                var ticket = IdempotencyTicket.For($"terminal/{terminalId}", $"w{w}-{n}", "pay", _cards[h], amount, null);
                var started = Stopwatch.GetTimestamp();
                var reply = await _grains.GetGrain<IMerchantTerminalGrain>(GrainKeys.For(_tenantId, terminalId))
                    .Pay(new TerminalPayment(_cards[h], amount, now, ticket), now);
                mine.Add((long)Stopwatch.GetElapsedTime(started).TotalMicroseconds);
                if (reply.Json.Contains("\"status\":\"approved\"", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref approved);
                    Interlocked.Add(ref approvedAmount, amount);
                }
            }
        })));
        return new Outcome(latencies.Summarize(sw.Elapsed), approved, approvedAmount);
    }

    /// <summary>Balances in the grains and in the ledger must both equal what was approved, to the fen.</summary>
    public async Task Verify(long approvedAmount)
    {
        long total = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, cardHolders), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) =>
        {
            var view = await _grains.GetGrain<ICardHolderGrain>(GrainKeys.For(_tenantId, $"ch_bench{i:D7}")).Get();
            Interlocked.Add(ref total, view!.Balance.Cash + view.Balance.Subsidy);
        });
        var expected = StartingCash * cardHolders - approvedAmount;
        var tb = await TrialBalanceEndpoint.Read(_host.Services.GetRequiredService<IDocumentStore>(), _tenantId);
        Check.Ledger(tb, expected, approvedAmount, total);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}

public static class Check
{
    public static void Ledger(TrialBalance tb, long expectedWallets, long approvedAmount, long walletTotal)
    {
        var purses = tb.Accounts.Where(a => a.Account.StartsWith("cardholder:")).Sum(a => a.Balance);
        var merchants = tb.Accounts.Where(a => a.Account.StartsWith("merchant-receivable:")).Sum(a => a.Balance);
        if (walletTotal != expectedWallets || tb.TotalDebit != tb.TotalCredit || purses != -expectedWallets || merchants != -approvedAmount)
            throw new InvalidOperationException(
                $"Inconsistent after the run: wallets {walletTotal} (expected {expectedWallets}), ledger purses {-purses}, merchants {-merchants} (approved {approvedAmount}), debit {tb.TotalDebit} credit {tb.TotalCredit}");
        Console.WriteLine($"  verified: wallets, ledger purses and merchant receivables match the approved amount to the fen; trial balance {tb.TotalDebit:N0} = {tb.TotalCredit:N0}");
    }
}
