using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Quartz;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Scheduling;
using SceneFinance.Scenes.Canteen.Campaigns;
using SceneFinance.Scenes.Canteen.MealPeriods;
using SceneFinance.Scenes.Canteen.Merchants;
using SceneFinance.Scenes.Canteen.OfflineTills;
using SceneFinance.Scenes.Canteen.PayingAtTerminal;
using SceneFinance.Scenes.Canteen.Reporting;
using SceneFinance.Scenes.Canteen.Subsidies;
using SceneFinance.Scenes.Canteen.Voiding;

namespace SceneFinance.Scenes.Canteen;

/// <summary>
/// The canteen scene (README.md beside this file): merchants, meal periods and limits, subsidy programs and their runs,
/// campaigns, offline tills, voids and refunds, reports. Its jobs join the platform's one scheduler.
/// </summary>
public static class Configuration
{
    public static IServiceCollection AddCanteen(this IServiceCollection services, IConfiguration? configuration)
    {
        services.ConfigureMarten(ConfigureCanteen);
        services.AddSingleton<SubsidyRunner>();
        services.AddSingleton<Approving.IApprovalAction, SubsidyGrantApprovals.Grant>();
        // The risk rules' meal facts come from the tenant's own meal periods (replacing the risk module's standard windows).
        services.AddSingleton<TenantMealPeriods>();
        services.Replace(ServiceDescriptor.Singleton<Grains.ITenantMealPeriods>(sp => sp.GetRequiredService<TenantMealPeriods>()));
        services.AddHostedService<TenantMealPeriodsFollower>();
        // Tills price their taps from this silo's copy of the canteen rules, not by a grain call per tap.
        services.AddSingleton<CanteenTermsBook>();
        services.Replace(ServiceDescriptor.Singleton<Grains.ICanteenTermsBook>(sp => sp.GetRequiredService<CanteenTermsBook>()));
        services.AddSingleton<SubsidyProgress>();
        // An offline tap may be uploaded (again) for 30 days: the answers to terminal payments are kept a day longer than that,
        // whatever the general retention, so a re-uploaded item always replays instead of paying twice.
        services.Configure<StoredOutcomeRetention>(r => r.KeepAtLeast("terminal/", TimeSpan.FromDays(PayAtTerminal.OfflineWindowDays + 1)));
        var calendarSeconds = Math.Max(1, configuration?.GetValue("SceneFinance:Canteen:SubsidyCalendarSeconds", 60) ?? 60);
        services.AddJobs(q =>
        {
            q.AddJob<SubsidyRunJob>(job => job.WithIdentity(SubsidyRunJob.Key).StoreDurably().RequestRecovery());
            q.ScheduleJob<SubsidyCalendarJob>(
                trigger => trigger.WithIdentity("subsidy-calendar", "canteen").StartNow()
                    .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(calendarSeconds)).RepeatForever()),
                job => job.WithIdentity(SubsidyCalendarJob.Key));
        });
        return services;
    }

    public static void ConfigureCanteen(StoreOptions opts)
    {
        opts.Events.AddEventTypes([
            typeof(CampaignOpened), typeof(CampaignDiscountReserved), typeof(CampaignDiscountReleased), typeof(CampaignReservationsSettled), typeof(CampaignClosed),
        ]);
        opts.Schema.For<CanteenSettings>();
        opts.Schema.For<CampaignListing>();
        opts.Schema.For<SubsidyProgram>();
        opts.Schema.For<SubsidyEligibleList>();
        opts.Schema.For<SubsidyRun>().Index(x => x.ProgramId);
        opts.Schema.For<SubsidyRunKey>();
        opts.Schema.For<Staff.StaffRecord>();
    }

    public static IEndpointRouteBuilder MapCanteen(this IEndpointRouteBuilder api)
    {
        api.MapMerchants();
        api.MapHolderLimits();
        api.MapOfflineTills();
        api.MapVoids();
        api.MapSubsidyGrantRequests();
        var canteen = api.MapGroup("/tenants/{tenantId}/canteen").WithTags("Canteen");
        canteen.MapCanteenSettings();
        canteen.MapCampaigns();
        canteen.MapSubsidies();
        canteen.MapDailySales();
        Staff.StaffImports.MapStaffImports(canteen);
        return api;
    }
}
