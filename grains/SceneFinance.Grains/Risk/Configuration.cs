using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Quartz;
using SceneFinance.Grains.Risk.Backtesting;
using SceneFinance.Platform.Scheduling;

namespace SceneFinance.Grains.Risk;

/// <summary>The risk module's grain side: each silo's risk book and its follower, the backtest job, and their storage.</summary>
public static class RiskConfiguration
{
    public static IServiceCollection AddRiskGrains(this IServiceCollection services)
    {
        services.ConfigureMarten(ConfigureRisk);
        services.AddSingleton<RiskBook>();
        services.AddSingleton<IRiskBook>(sp => sp.GetRequiredService<RiskBook>());
        services.AddSingleton<IRiskBlacklist>(sp => sp.GetRequiredService<RiskBook>());
        services.AddHostedService<RiskBookFollower>();
        services.TryAddSingleton<ITenantMealPeriods, StandardMealPeriods>(); // issue 9's tenant meal windows replace this
        services.AddJobs(q => q.ScheduleJob<RiskBacktestJob>(
            trigger => trigger.WithIdentity("risk-backtests", "risk").StartNow().WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(10)).RepeatForever()),
            job => job.WithIdentity(RiskBacktestJob.Key)));
        return services;
    }

    public static void ConfigureRisk(StoreOptions opts)
    {
        opts.Events.AddEventTypes([typeof(RiskDecisionRecorded), typeof(RiskRuleDrafted), typeof(RiskRuleApproved), typeof(RiskRuleDisabled)]);
        opts.Schema.For<RiskStamp>().SingleTenanted();
        opts.Schema.For<RiskDigestKey>().SingleTenanted();
        opts.Schema.For<RiskListEntry>().Index(e => e.AddedAt);
        opts.Schema.For<RiskRuleListing>();
        opts.Schema.For<RiskInterception>().Index(e => e.DecidedAt).Index(e => e.CardHolderId);
        opts.Schema.For<RiskCase>().Index(e => e.OpenedAt);
        opts.Schema.For<RiskBacktest>();
    }
}
