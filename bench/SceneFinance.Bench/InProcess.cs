using System.Text.Json;
using System.Diagnostics;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SceneFinance.Grains;
using SceneFinance.Host;
using SceneFinance.Platform;
using SceneFinance.Platform.Ledger;
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

    /// <summary>One bench process runs several hosts on databases of their own: one digest key for all (a deployment has one).</summary>
    static readonly byte[] DigestKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    public async Task Start()
    {
        SceneFinance.Platform.Security.Digests.Use(DigestKey); // card digests are grain ids (no platform loader in this host)
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:Postgres"] = connectionString;
        builder.Configuration["SceneFinance:Orleans:SiloPort"] = EmbeddedPostgres.FreePort().ToString();
        builder.Configuration["SceneFinance:Orleans:GatewayPort"] = EmbeddedPostgres.FreePort().ToString();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddStorage();
        builder.AddSilo();
        builder.Services.AddSceneGrains();
        SceneFinance.Scenes.Canteen.Configuration.AddCanteen(builder.Services, builder.Configuration); // a till prices every tap with its canteen terms
        _host = builder.Build();
        await _host.StartAsync();
        _grains = _host.Services.GetRequiredService<IGrainFactory>();
    }

    /// <summary>Registers the card holders; only the first <paramref name="funded"/> (all by default) get their starting cash.</summary>
    public async Task Populate(int? funded = null)
    {
        var sw = Stopwatch.StartNew();
        var now = DateTimeOffset.UtcNow;
        await _grains.GetGrain<ITenantGrain>(_tenantId).Create("Bench canteen", "canteen", now);
        _terminals = new string[terminals];
        for (var t = 0; t < terminals; t++)
        {
            _terminals[t] = Ids.New("trm");
            await _grains.GetGrain<IMerchantTerminalGrain>(GrainKeys.For(_tenantId, _terminals[t])).Register($"Till {t}", "pos", null, now);
        }
        _cards = Enumerable.Range(0, cardHolders).Select(i => $"9{i:D11}").ToArray();
        await Parallel.ForEachAsync(Enumerable.Range(0, cardHolders), new ParallelOptions { MaxDegreeOfParallelism = 256 }, async (i, _) =>
        {
            var holder = _grains.GetGrain<ICardHolderGrain>(GrainKeys.For(_tenantId, $"ch_bench{i:D7}"));
            await holder.Register(new RegisterCardHolder($"B{i:D7}", $"Diner {i}", "student", _cards[i], null, null, null, now));
            if (i < (funded ?? cardHolders))
                await holder.TopUp(new TopUpCard(Ids.New("tu"), StartingCash, "counter", "cash", IdempotencyTicket.For("tenant", $"setup-{i}", "topup"), now));
        });
        Console.WriteLine($"  populated {cardHolders:N0} card holders ({cardHolders / sw.Elapsed.TotalSeconds:N0}/s) and {terminals} terminals in {sw.Elapsed.TotalSeconds:F1} s");
        // Each card's first tap reads its holder once (the card grain's activation): done here, so that a phase measures
        // payments and not how many cards a slow warm-up happened to leave unread.
        await Parallel.ForEachAsync(_cards, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (card, _) =>
            await _grains.GetGrain<ICardGrain>(CardKeys.Grain(_tenantId, card)).Holder());
    }

    /// <summary>Closed loop straight into the terminal grains.</summary>
    public Task<Outcome> Run(TimeSpan duration, int workers, Workload workload, string phase) =>
        ClosedLoop.Run(duration, workers, workload, phase, async (h, t, amount, key) =>
        {
            var terminalId = _terminals[t];
            var now = DateTimeOffset.UtcNow;
            var ticket = IdempotencyTicket.For($"terminal/{terminalId}", key, "pay", _cards[h], amount, null);
            var outcome = await _grains.GetGrain<IMerchantTerminalGrain>(GrainKeys.For(_tenantId, terminalId))
                .Pay(new TerminalPayment(_cards[h], amount, now, ticket), now);
            return JsonSerializer.Serialize(outcome.Value, SceneJson.Options);
        });

    /// <summary>Makes <paramref name="count"/> risk rules live for the tenant (the same grains and book as the product).</summary>
    public Task ActivateRiskRules(int count) => BenchRules.Activate(_grains, _host.Services.GetRequiredService<IRiskBook>(), _tenantId, count);

    /// <summary>20 rules live, or none (disabled), for an A/B run.</summary>
    public Task SetRiskRules(int count) => count > 0
        ? BenchRules.Activate(_grains, _host.Services.GetRequiredService<IRiskBook>(), _tenantId, count)
        : BenchRules.DisableAll(_grains, _host.Services.GetRequiredService<IRiskBook>(), _tenantId);

    /// <summary>Balances in the grains and in the ledger must both equal what was approved, to the fen.</summary>
    public async Task Verify(long approvedAmount, int? funded = null)
    {
        long total = 0;
        var count = funded ?? cardHolders;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) =>
        {
            var view = await _grains.GetGrain<ICardHolderGrain>(GrainKeys.For(_tenantId, $"ch_bench{i:D7}")).Get();
            Interlocked.Add(ref total, view!.Balance.Cash + view.Balance.Subsidy);
        });
        var expected = StartingCash * count - approvedAmount;
        var tb = await TrialBalanceEndpoint.Read(_host.Services.GetRequiredService<IDocumentStore>(), _tenantId);
        Check.Ledger(tb, expected, approvedAmount, total);
    }

    /// <summary>Deactivates every grain idle for a second, then measures the managed heap after a full GC (resident memory is not handed back to the OS at once).</summary>
    public async Task<string> CollectIdleAndMeasure()
    {
        await Task.Delay(TimeSpan.FromSeconds(2));
        await _grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.FromSeconds(1));
        await Task.Delay(TimeSpan.FromSeconds(2));
        return Memory();
    }

    public static string Memory()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return $"managed heap {GC.GetTotalMemory(forceFullCollection: true) / 1048576.0:N0} MiB, resident {CpuMeter.CurrentMemoryMiB(Environment.ProcessId):N0} MiB";
    }

    /// <summary>
    /// Activates the first <paramref name="count"/> card holders (each rebuilds from its stream) and their cards (each reads its
    /// holder once), as the 10,000-holder phases have theirs; returns activations per second. Cold cards made each first tap of
    /// the scale phase a read of its own: 0.7 transactions per payment where warm ones need 0.017 (2026-11-25).
    /// </summary>
    public async Task<double> Activate(int count, int from = 0)
    {
        var sw = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(from, count), new ParallelOptions { MaxDegreeOfParallelism = 256 }, async (i, _) =>
        {
            await _grains.GetGrain<ICardHolderGrain>(GrainKeys.For(_tenantId, $"ch_bench{i:D7}")).Get();
            await _grains.GetGrain<ICardGrain>(CardKeys.Grain(_tenantId, _cards[i])).Holder();
        });
        return count / sw.Elapsed.TotalSeconds;
    }

    public async Task<int> ActiveCardHolders()
    {
        var stats = await _grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        return stats.Where(s => s.GrainType.Contains("CardHolderGrain")).Sum(s => s.ActivationCount);
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
