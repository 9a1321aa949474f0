using Marten;
using Microsoft.Extensions.Logging;
using Quartz;
using SceneFinance.Grains.Tenants;
using SceneFinance.Grains.Terminals;
using SceneFinance.Platform.Time;

namespace SceneFinance.Grains.Risk.Backtesting;

/// <summary>
/// Runs the queued backtests of every tenant, one at a time, in the background (the one scheduler: started at once when one
/// is queued, and every 10 s in case a host stopped mid-run). Reads the tenant's stored events in pages by sequence and
/// records its progress on the backtest's document as it goes, for the page's progress bar.
/// </summary>
[DisallowConcurrentExecution]
public sealed class RiskBacktestJob(IDocumentStore store, RiskBook book, ITenantMealPeriods meals, ILogger<RiskBacktestJob> log) : IJob
{
    public static readonly JobKey Key = new("risk-backtests", "risk");
    const int Page = 1000;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        IReadOnlyList<RiskBacktest> queued;
        await using (var session = store.QuerySession())
            queued = await session.Query<RiskBacktest>().Where(b => b.AnyTenant() && (b.Status == "queued" || b.Status == "running"))
                .OrderBy(b => b.RequestedAt).Take(20).ToListAsync(ct);
        foreach (var backtest in queued)
        {
            var tenantId = backtest.TenantId;
            try
            {
                await Run(tenantId, backtest, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Backtest {Id} failed", backtest.Id);
                backtest.Status = "failed";
                backtest.Error = e.Message;
                await Save(tenantId, backtest, ct);
            }
        }
    }

    public async Task Run(string tenantId, RiskBacktest backtest, CancellationToken ct)
    {
        await Task.WhenAll(book.Ensure(tenantId, ct), meals.Ensure(tenantId, ct));
        await using var session = store.QuerySession(tenantId);
        var zone = Zones.Find((await session.LoadAsync<TenantRecord>(tenantId, ct))?.TimeZone ?? Zones.Default);
        var categories = (await session.Query<MerchantListing>().ToListAsync(ct)).ToDictionary(m => m.Id, m => m.Category);
        var merchantOf = (await session.Query<TerminalRecord>().ToListAsync(ct)).ToDictionary(t => t.Id, t => t.MerchantOf(tenantId));
        string Category(string? merchantId, string terminalId) =>
            categories.GetValueOrDefault(merchantId ?? merchantOf.GetValueOrDefault(terminalId) ?? "", MerchantCategories.Other);

        var replay = new BacktestReplay(backtest.Rule, book.Current(tenantId), tenantId, zone, meals, Category, book.IdNumberDigestNow, backtest.From, backtest.To);
        var events = session.Events.QueryAllRawEvents().Where(e => BacktestReplay.EventTypes.Contains(e.EventTypeName));
        backtest.Total = await events.CountAsync(ct);
        backtest.Status = "running";
        backtest.Processed = 0;
        await Save(tenantId, backtest, ct);

        long last = 0;
        while (true)
        {
            var page = await events.Where(e => e.Sequence > last).OrderBy(e => e.Sequence).Take(Page).ToListAsync(ct);
            if (page.Count == 0) break;
            foreach (var e in page) replay.Apply(e.Data);
            last = page[^1].Sequence;
            backtest.Processed += page.Count;
            backtest.Percent = backtest.Total == 0 ? 100 : (int)Math.Min(99, backtest.Processed * 100 / backtest.Total);
            await Save(tenantId, backtest, ct);
        }
        (backtest.Taps, backtest.Holders, backtest.Amount, backtest.Sample) = (replay.Taps, replay.Holders, replay.Amount, [.. replay.Sample]);
        (backtest.Status, backtest.Percent, backtest.FinishedAt) = ("done", 100, DateTimeOffset.UtcNow);
        await Save(tenantId, backtest, ct);
    }

    async Task Save(string tenantId, RiskBacktest backtest, CancellationToken ct)
    {
        await using var session = store.LightweightSession(tenantId);
        session.Store(backtest);
        await session.SaveChangesAsync(ct);
    }
}
