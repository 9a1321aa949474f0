using Marten;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using SceneFinance.BackOffice.DayEnd;
using SceneFinance.BackOffice.Ledger;
using SceneFinance.BackOffice.Reconciling;
using SceneFinance.BackOffice.Settling;
using SceneFinance.Platform.Scheduling;

namespace SceneFinance.BackOffice;

public static class Configuration
{
    /// <summary>The bank's back office: day-end close, settlement to parties, reconciliation; its job runs on the platform's scheduler.</summary>
    public static IServiceCollection AddBackOffice(this IServiceCollection services, IConfiguration configuration)
    {
        var every = Math.Max(1, configuration.GetValue("SceneFinance:BackOffice:DayEndEverySeconds", 60));
        services.ConfigureMarten(ConfigureBackOffice);
        services.AddSingleton<LedgerWindow>().AddSingleton<AccountNumbers>().AddSingleton<SettlementRuns>().AddSingleton<Reconciler>();
        services.AddJobs(q => q.ScheduleJob<DayEndJob>(
            trigger => trigger.WithIdentity("day-end", "back-office").StartAt(DateTimeOffset.UtcNow.AddSeconds(every))
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(every)).RepeatForever()),
            job => job.WithIdentity(DayEndJob.Key)));
        return services;
    }

    public static void ConfigureBackOffice(StoreOptions opts)
    {
        opts.Events.AddEventTypes([
            typeof(DayEndConfigured), typeof(BusinessDayClosed), typeof(DaySettlementCompleted), typeof(DayReconciliationCompleted),
            typeof(PartyOpened), typeof(SettlementAccountSet), typeof(FeeScheduleSet), typeof(PartyDaySettled), typeof(PayoutInstructed),
            typeof(PayoutPaid), typeof(PayoutReturned),
            typeof(ExceptionRaised), typeof(ExceptionAssigned), typeof(ExceptionCommented), typeof(ExceptionResolved),
            typeof(AdjustmentProposed), typeof(AdjustmentApproved),
        ]);
        opts.Schema.For<DaySnapshot>();
        opts.Schema.For<PartyListing>().Index(x => x.PartyId);
        opts.Schema.For<StatementDocument>().Index(x => x.PartyId).Index(x => x.Day);
        opts.Schema.For<PayoutListing>().Index(x => x.Day).Index(x => x.PartyId);
        opts.Schema.For<SettlementRunListing>();
        opts.Schema.For<ExceptionListing>().Index(x => x.Status);
        opts.Schema.For<ReconciliationDocument>();
        opts.Schema.For<TillSummaryDocument>().Index(x => x.BusinessDay);
    }

    /// <summary>The back office's API routes (under <c>/api/v1</c>).</summary>
    public static IEndpointRouteBuilder MapBackOffice(this IEndpointRouteBuilder api)
    {
        api.MapDayEnd();
        api.MapSettlement();
        api.MapReconciliation();
        api.MapTillSummaries();
        return api;
    }
}
