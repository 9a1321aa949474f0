using System.Collections.Concurrent;
using System.Diagnostics;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;
using SceneFinance.Grains;
using SceneFinance.Grains.Cards;
using SceneFinance.Platform.Scheduling;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Platform.Time;

namespace SceneFinance.Scenes.Canteen.Subsidies;

/// <summary>
/// Runs a program over its holders: each holder's grain applies the grant (or the end of a period) once, whatever the number
/// of runs, so a run may be repeated or resumed after a restart at any point. Runs are queued on the one clustered scheduler
/// (<see cref="SubsidyRunJob"/>); progress is saved as it goes and pushed to the pages following the run.
/// </summary>
public sealed class SubsidyRunner(IDocumentStore store, IGrainFactory grains, TenantClock clocks, IServiceProvider services,
    SubsidyProgress progress, ILogger<SubsidyRunner> log)
{
    const int Parallelism = 16;

    /// <summary>
    /// Records the run (under its idempotency key's id when a person asked: the same key finds the same run) and hands it to the
    /// scheduler; a scheduler node runs it, on this host or another.
    /// </summary>
    public async Task<SubsidyRun> Queue(string tenantId, SubsidyProgram program, string action, string? periodKey, string by,
        string? runId = null, string? requestHash = null)
    {
        var run = new SubsidyRun
        {
            Id = runId ?? Ids.New("run"), ProgramId = program.Id, Action = action, PeriodKey = periodKey, RequestedBy = by, QueuedAt = clocks.UtcNow,
        };
        await using (var session = store.LightweightSession(tenantId))
        {
            if (requestHash is not null) session.Insert(new SubsidyRunKey { Id = run.Id, RequestHash = requestHash });
            session.Insert(run);
            try
            {
                await session.SaveChangesAsync();
            }
            catch (Exception e) when (e is JasperFx.DocumentAlreadyExistsException
                                      || (e is AggregateException a && a.Flatten().InnerExceptions.All(x => x is JasperFx.DocumentAlreadyExistsException)))
            {
                // The same key at the same moment from another request: that one queued it.
                await using var read = store.QuerySession(tenantId);
                return await read.LoadAsync<SubsidyRun>(run.Id) ?? throw new InvalidOperationException($"Run {run.Id} was claimed but not recorded.");
            }
        }
        // The platform's scheduler is a named one: its parts are registered under its name.
        var scheduler = services.GetKeyedService<IScheduler>(Scheduler.Name)
            ?? await services.GetRequiredKeyedService<ISchedulerFactory>(Scheduler.Name).GetRequiredScheduler(Scheduler.Name, CancellationToken.None);
        await scheduler.TriggerJob(SubsidyRunJob.Key, new JobDataMap { ["tenantId"] = tenantId, ["runId"] = run.Id });
        progress.Publish(tenantId, run.View());
        return run;
    }

    /// <summary>Runs a queued (or interrupted) run to its end.</summary>
    public async Task Execute(string tenantId, string runId, CancellationToken ct)
    {
        SubsidyRun? run;
        SubsidyProgram? program;
        await using (var session = store.QuerySession(tenantId))
        {
            run = await session.LoadAsync<SubsidyRun>(runId, ct);
            program = run is null ? null : await session.LoadAsync<SubsidyProgram>(run.ProgramId, ct);
        }
        if (run is null || program is null || run.Finished) return;
        var watch = Stopwatch.StartNew();
        (run.Status, run.StartedAt, run.Done, run.Changed, run.Unchanged, run.Failed, run.Amount) = ("running", clocks.UtcNow, 0, 0, 0, 0, 0);
        try
        {
            var time = await clocks.For(tenantId);
            var holders = await Holders(tenantId, program, run.Action);
            run.Total = holders.Count;
            await Report(tenantId, run);
            var apply = Action(tenantId, program, run, time);
            var lastSaved = Stopwatch.StartNew();
            var gate = new SemaphoreSlim(1, 1);
            await Parallel.ForEachAsync(holders, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (holderId, _) =>
            {
                var outcome = await apply(holderId);
                await gate.WaitAsync(CancellationToken.None);
                try
                {
                    run.Done++;
                    if (outcome.Refused) run.Failed++;
                    else if (outcome.Value!.Changed) { run.Changed++; run.Amount += outcome.Value.Amount; }
                    else run.Unchanged++;
                    if (lastSaved.ElapsedMilliseconds > 500) { await Report(tenantId, run); lastSaved.Restart(); }
                }
                finally { gate.Release(); }
            });
            if (run.Action == SubsidyRun.Close) await Closed(tenantId, program);
            run.Status = run.Failed == 0 ? "completed" : "failed";
            run.Failure = run.Failed == 0 ? null : $"{run.Failed} holders could not be done; run it again.";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "Subsidy run {RunId} of tenant {TenantId} failed", runId, tenantId);
            (run.Status, run.Failure) = ("failed", "The run stopped; run it again (what was done stays done once).");
        }
        run.FinishedAt = clocks.UtcNow;
        run.ElapsedMs = watch.ElapsedMilliseconds;
        await Report(tenantId, run);
        log.LogInformation("Subsidy run {RunId} ({Action} {Program} {Period}): {Done}/{Total} holders in {Elapsed} ms, {Changed} changed",
            run.Id, run.Action, run.ProgramId, run.PeriodKey, run.Done, run.Total, run.ElapsedMs, run.Changed);
    }

    Func<string, Task<Outcome<SubsidyMovement>>> Action(string tenantId, SubsidyProgram program, SubsidyRun run, TenantTime time)
    {
        ICanteenWalletGrain Holder(string id) => grains.GetGrain<ICanteenWalletGrain>(GrainKeys.For(tenantId, id));
        switch (run.Action)
        {
            case SubsidyRun.Grant:
                var period = Periods.ByKey(program, run.PeriodKey!, time) ?? throw new InvalidOperationException($"No period {run.PeriodKey} in program {program.Id}.");
                var grant = new GrantSubsidy(program.Id, period.Key, program.AmountPerPerson, program.ExpiryOf(period), program.ResetAtEnd,
                    program.Categories, program.MealPeriods, clocks.UtcNow);
                return id => Holder(id).GrantSubsidy(grant with { Now = clocks.UtcNow });
            case SubsidyRun.End:
                return id => Holder(id).EndSubsidy(new EndSubsidy(program.Id, run.PeriodKey, clocks.UtcNow));
            default:
                return id => Holder(id).EndSubsidy(new EndSubsidy(program.Id, null, clocks.UtcNow));
        }
    }

    /// <summary>
    /// A grant goes to the eligible holders: the imported list when there is one, else the kinds and groups (neither: all). An end
    /// or close goes to every holder of the tenant, so one who stopped being eligible still gives back what is left.
    /// </summary>
    internal async Task<IReadOnlyList<string>> Holders(string tenantId, SubsidyProgram program, string action)
    {
        await using var session = store.QuerySession(tenantId);
        var listings = session.Query<CardHolderListing>().AsQueryable();
        if (action == SubsidyRun.Grant && program.ListedHolders > 0)
        {
            var list = await session.LoadAsync<SubsidyEligibleList>(program.Id);
            var ids = list?.ExternalIds.ToArray() ?? [];
            listings = listings.Where(l => ids.Contains(l.ExternalId));
        }
        else if (action == SubsidyRun.Grant && (program.Kinds.Count > 0 || program.Groups.Count > 0))
        {
            var (kinds, groups) = (program.Kinds.ToArray(), program.Groups.ToArray());
            listings = listings.Where(l => kinds.Contains(l.Kind) || groups.Contains(l.Group!));
        }
        return await listings.OrderBy(l => l.Id).Select(l => l.Id).ToListAsync();
    }

    async Task Closed(string tenantId, SubsidyProgram program)
    {
        await using var session = store.LightweightSession(tenantId);
        program.Status = "closed";
        program.ClosedAt ??= clocks.UtcNow;
        session.Store(program);
        await session.SaveChangesAsync();
    }

    async Task Report(string tenantId, SubsidyRun run)
    {
        await Save(tenantId, run);
        progress.Publish(tenantId, run.View());
    }

    async Task Save(string tenantId, SubsidyRun run)
    {
        await using var session = store.LightweightSession(tenantId);
        session.Store(run);
        await session.SaveChangesAsync();
    }
}

/// <summary>Periods by key. Pure.</summary>
public static class Periods
{
    public static ProgramPeriod? ByKey(SubsidyProgram program, string key, TenantTime time) =>
        program.Period == SubsidyProgram.Monthly
            ? SceneFinance.Platform.Problems.Validation.TryDay(key + "-01", out var first) ? program.PeriodOf(first, time) : null
            : program.From is { } from && program.PeriodOf(from, time) is { } p && p.Key == key ? p : null;
}

/// <summary>
/// Runs as they progress, in-process: the job publishes each saved step, the shell's page follows the runs of its tenant and
/// re-renders (a run on another host is seen when the page loads it again).
/// </summary>
public sealed class SubsidyProgress
{
    readonly ConcurrentDictionary<string, ConcurrentDictionary<Guid, Action<SubsidyRunView>>> _followers = new();

    public IDisposable Follow(string tenantId, Action<SubsidyRunView> show)
    {
        var id = Guid.NewGuid();
        _followers.GetOrAdd(tenantId, _ => new())[id] = show;
        return new Unfollow(() => _followers.GetValueOrDefault(tenantId)?.TryRemove(id, out _));
    }

    public void Publish(string tenantId, SubsidyRunView run)
    {
        foreach (var show in _followers.GetValueOrDefault(tenantId)?.Values ?? []) show(run);
    }

    sealed class Unfollow(Action stop) : IDisposable
    {
        public void Dispose() => stop();
    }
}
