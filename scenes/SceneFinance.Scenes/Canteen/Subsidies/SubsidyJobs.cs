using Marten;
using Microsoft.Extensions.Logging;
using Quartz;
using SceneFinance.Platform.Time;

namespace SceneFinance.Scenes.Canteen.Subsidies;

/// <summary>
/// One queued subsidy run (job data: tenantId, runId). Durable and recoverable: a run cut short by a restart runs again from
/// the start, and every holder it reaches again changes nothing.
/// </summary>
[DisallowConcurrentExecution]
public sealed class SubsidyRunJob(SubsidyRunner runner) : IJob
{
    public static readonly JobKey Key = new("subsidy-run", "canteen");

    public ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        var data = context.MergedJobDataMap;
        return new ValueTask(runner.Execute(data.GetString("tenantId")!, data.GetString("runId")!, ct));
    }
}

/// <summary>
/// The programs' calendar, every minute: a period that ended goes back to the funder once (programs that reset), and a new
/// period is granted for programs that grant by themselves. A run that was queued but has not finished after 10 minutes (its
/// host stopped) is queued again; whatever it had done stays done once.
/// </summary>
[DisallowConcurrentExecution]
public sealed class SubsidyCalendarJob(IDocumentStore store, SubsidyRunner runner, TenantClock clocks, ILogger<SubsidyCalendarJob> log) : IJob
{
    public static readonly JobKey Key = new("subsidy-calendar", "canteen");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        IReadOnlyList<SubsidyProgram> programs;
        await using (var session = store.QuerySession())
            programs = await session.Query<SubsidyProgram>().Where(p => p.AnyTenant() && p.Status == "active").ToListAsync(ct);
        foreach (var program in programs)
        {
            try
            {
                await Due(program, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Subsidy program {ProgramId} of tenant {TenantId}: its calendar could not be checked", program.Id, program.TenantId);
            }
        }
    }

    async Task Due(SubsidyProgram program, CancellationToken ct)
    {
        var time = await clocks.For(program.TenantId);
        IReadOnlyList<SubsidyRun> runs;
        await using (var session = store.QuerySession(program.TenantId))
            runs = await session.Query<SubsidyRun>().Where(r => r.ProgramId == program.Id).ToListAsync(ct);
        bool Done(string action, string key) => runs.Any(r => r.Action == action && r.PeriodKey == key && r.Status == "completed");
        bool Under(string action, string key) => runs.Any(r => r.Action == action && r.PeriodKey == key && r.Status is "queued" or "running"
            && time.Now - r.QueuedAt < TimeSpan.FromMinutes(10));

        // Periods granted (or being granted) that have ended: what is left goes back to the funder, once.
        if (program.ResetAtEnd)
            foreach (var key in runs.Where(r => r.Action == SubsidyRun.Grant).Select(r => r.PeriodKey!).Distinct())
                if (Periods.ByKey(program, key, time) is { } period && period.EndsAt <= time.Now && !Done(SubsidyRun.End, key) && !Under(SubsidyRun.End, key))
                    await runner.Queue(program.TenantId, program, SubsidyRun.End, key, "calendar");

        if (program.AutoGrant && program.PeriodOf(time.Today, time) is { } current && !Done(SubsidyRun.Grant, current.Key) && !Under(SubsidyRun.Grant, current.Key))
            await runner.Queue(program.TenantId, program, SubsidyRun.Grant, current.Key, "calendar");
    }
}
