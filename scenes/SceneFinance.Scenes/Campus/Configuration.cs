using SceneFinance.Scenes.Campus.CopyingSchools;
using SceneFinance.Platform.Scheduling;
using Marten;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using SceneFinance.Payments.Intents;
using SceneFinance.Platform.Security;
using SceneFinance.Scenes.Campus.Attendance;
using SceneFinance.Scenes.Campus.Billing;
using SceneFinance.Scenes.Campus.ImportingRosters;
using SceneFinance.Scenes.Campus.PayingBills;
using SceneFinance.Scenes.Campus.PlanningFees;
using SceneFinance.Scenes.Campus.Portal;
using SceneFinance.Scenes.Campus.Reminding;
using SceneFinance.Scenes.Campus.Reporting;
using SceneFinance.Scenes.Campus.Waiving;

namespace SceneFinance.Scenes.Campus;

/// <summary>Options of the campus scene (<c>SceneFinance:Campus:*</c>).</summary>
public sealed class CampusOptions
{
    /// <summary>When the reminder and late-fee job runs (Quartz cron, server time).</summary>
    public string ReminderCron { get; set; } = "0 0 8 * * ?";

    /// <summary>How often overpaid online payments are looked for and refunded.</summary>
    public int ExcessRefundEverySeconds { get; set; } = 10;

    /// <summary>How often new card and bill events are turned into the notices guardians asked for.</summary>
    public int NoticesEverySeconds { get; set; } = 3;
}

public static class Configuration
{
    /// <summary>
    /// The campus scene: rosters, fee plans, bills (and their gateway fulfilment), waivers, reminders, reports, gate attendance.
    /// Its jobs join the platform's one scheduler (<c>AddJobs</c>).
    /// </summary>
    public static IServiceCollection AddCampus(this IServiceCollection services, CampusOptions options)
    {
        services.AddSingleton(options);
        services.ConfigureMarten(ConfigureCampus);
        services.AddSingleton<RosterImporter>();
        // The role-bound four-eyes limits come with a copied school (roles themselves are the same fixed set in every tenant).
        services.CopiedWithSchool<Approving.ApprovalLimits>("approvalLimits", Approving.ApprovalLimits.DocumentId);
        services.AddSingleton<BillGenerator>();
        services.AddSingleton<Reminders>();
        services.AddSingleton<CampusNews>();
        services.AddSingleton<IIntentFulfilment, BillFulfilment>();
        services.AddSingleton<IPhoneDirectory, GuardianDirectory>();
        services.AddSingleton<IReminderSender, SmsReminderSender>();
        services.AddSingleton<Notices.GuardianNotices>();
        services.AddSingleton<Approving.IApprovalAction, WritingOff.WriteOffs.CancelBill>();
        services.AddSingleton<Approving.IApprovalAction, Leaving.Leavers.Refund>();
        services.AddSingleton<Approving.IApprovalAction, WritingOff.WriteOffs.FundedPayment>();
        services.AddJobs(q =>
        {
            q.ScheduleJob<ReminderJob>(
                trigger => trigger.WithIdentity("campus-reminders", "campus").WithCronSchedule(options.ReminderCron),
                job => job.WithIdentity(ReminderJob.Key));
            q.ScheduleJob<ExcessRefundJob>(
                trigger => trigger.WithIdentity("campus-excess-refunds", "campus").StartNow()
                    .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(Math.Max(1, options.ExcessRefundEverySeconds))).RepeatForever()),
                job => job.WithIdentity(ExcessRefundJob.Key));
            q.ScheduleJob<Notices.GuardianNoticeJob>(
                trigger => trigger.WithIdentity("campus-guardian-notices", "campus").StartNow()
                    .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(Math.Max(1, options.NoticesEverySeconds))).RepeatForever()),
                job => job.WithIdentity(Notices.GuardianNoticeJob.Key));
        });
        return services;
    }

    public static void ConfigureCampus(StoreOptions opts)
    {
        opts.Events.AddEventTypes([
            typeof(BillIssued), typeof(BillPaid), typeof(BillWaived), typeof(BillOverdue), typeof(BillRefundDebited), typeof(BillRefundReleased), typeof(BillCancelled), typeof(BillStudentRenamed),
            typeof(BillCounterRefunded),
            typeof(Waiving.WaiverRequested), typeof(Waiving.WaiverApproved), typeof(Waiving.WaiverRejected), typeof(Waiving.WaiverLapsed),
        ]);
        opts.Schema.For<StudentRecord>().Index(x => x.Grade).Index(x => x.TenantId).GinIndexJsonData();
        opts.Schema.For<RosterImport>();
        opts.Schema.For<FeePlan>();
        opts.Schema.For<CampusSettings>();
        opts.Schema.For<BillListing>().Index(x => x.StudentNumber).Index(x => x.Grade).Index(x => x.PlanId).Index(x => x.Outstanding);
        opts.Schema.For<CollectionEntry>().Index(x => x.BillId).Index(x => x.At);
        opts.Schema.For<ExcessRefund>().Index(x => x.Done);
        opts.Schema.For<Waiver>();
        opts.Schema.For<OutboxMessage>().Index(x => x.Status);
        opts.Schema.For<GateTap>().Index(x => x.LocalDay);
        opts.Schema.For<Notices.NoticePreferences>();
        opts.Schema.For<Notices.NoticeCheckpoint>();
    }

    public static IEndpointRouteBuilder MapCampus(this IEndpointRouteBuilder api)
    {
        api.MapRosterImports();
        api.MapFeePlans();
        api.MapBills();
        api.MapBillPreview();
        api.MapBillPayments();
        api.MapCounterRefunds();
        api.MapWaivers();
        WritingOff.WriteOffs.MapWriteOffs(api);
        api.MapCampusReports();
        api.MapOutbox();
        api.MapAttendance();
        api.MapGateTaps();
        api.MapGuardianPortal();
        Notices.NoticePreferenceEndpoints.MapNoticePreferences(api);
        CopyingSchools.SchoolCopies.MapSchoolCopies(api);
        Leaving.Leavers.MapLeavers(api);
        return api;
    }
}
