using SceneFinance.Platform.Scheduling;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using SceneFinance.Payments.Intents;
using SceneFinance.Scenes.Hospital.CashWindow;
using SceneFinance.Scenes.Hospital.CreditCare;
using SceneFinance.Scenes.Hospital.Insuring;
using SceneFinance.Scenes.Hospital.Kiosk;
using SceneFinance.Scenes.Hospital.OwnView;
using SceneFinance.Scenes.Hospital.Patients;
using SceneFinance.Scenes.Hospital.PayingOrders;
using SceneFinance.Scenes.Hospital.PostingOrders;
using SceneFinance.Scenes.Hospital.Refunding;
using SceneFinance.Scenes.Hospital.Registering;
using SceneFinance.Scenes.Hospital.Reporting;
using SceneFinance.Scenes.Hospital.Settings;
using SceneFinance.Scenes.Hospital.Withholding;
using SceneFinance.Payments.Gateway;

namespace SceneFinance.Scenes.Hospital;

/// <summary>The hospital scene: HIS orders, the self-pay kiosk, deposits, insurance, credit care, refunds and the day's report.</summary>
public static class HospitalConfiguration
{
    public static IServiceCollection AddHospital(this IServiceCollection services, int jobEverySeconds = 60, int claimsEverySeconds = 3)
    {
        services.ConfigureMarten(ConfigureHospital);
        services.ConfigureMarten(CashierShifts.Configure);
        services.ConfigureMarten(HisReports.Configure);
        services.AddSingleton<Platform.Security.IPhoneDirectory, PatientDirectory>(); // patients sign in by phone and one-time code
        services.AddSingleton<Approving.IApprovalAction, CashierShifts.ApproveClose>();
        services.AddSingleton<Approving.IApprovalAction, ManualInsurance.Record>();
        services.AddSingleton<InsurerSimulator>();
        services.AddSingleton<InsuranceNotifications>();
        services.AddSingleton<ClaimSubmitter>();
        services.AddSingleton<HisSignature>();
        services.AddHostedService<SealHisSecretsAtRest>();
        services.AddSingleton<HospitalDesk>();
        services.AddSingleton<RefundRunner>();
        services.AddSingleton<CreditSettlement>();
        services.AddSingleton<WithholdingAgreements>();
        services.AddSingleton<IAgreementHolder>(sp => sp.GetRequiredService<WithholdingAgreements>());
        services.AddSingleton<SettlementReminders>();
        services.AddSingleton<PaidNotices>();
        services.AddSingleton<PatientQrCodes>();
        services.AddSingleton<KioskVisits>();
        services.AddSingleton<IIntentFulfilment, HisOrderFulfilment>();
        services.AddSingleton<IIntentFulfilment, DepositFulfilment>();
        services.AddSingleton<IIntentFulfilment, CreditRepaymentFulfilment>();
        // On the platform's one scheduler.
        services.AddJobs(q => q.ScheduleJob<HospitalNightlyJob>(
            trigger => trigger.WithIdentity("hospital-credit-settlement", "hospital").StartNow()
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(Math.Max(1, jobEverySeconds))).RepeatForever()),
            job => job.WithIdentity(HospitalNightlyJob.Key)));
        // Claims are submitted a few seconds after the payment that opened them (the payment's commit holds the claim, like an outbox).
        services.AddJobs(q => q.ScheduleJob<ClaimSubmitterJob>(
            trigger => trigger.WithIdentity("hospital-insurance-claims", "hospital").StartNow()
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(Math.Max(1, claimsEverySeconds))).RepeatForever()),
            job => job.WithIdentity(ClaimSubmitterJob.Key)));
        return services;
    }

    public static void ConfigureHospital(StoreOptions opts)
    {
        opts.Events.AddEventTypes([
            typeof(OrderPosted), typeof(OrderCanceled), typeof(OrdersPaid), typeof(DepositPaidIn), typeof(InsuranceSettled), typeof(InsuranceRejected), typeof(InsurancePartlySettled),
            typeof(CreditCareEnrolled), typeof(CreditSettlementRan), typeof(CreditRepaid), typeof(RefundRequested), typeof(RefundApproved),
            typeof(RefundRefused), typeof(RefundExecuted), typeof(RefundLineFunded), typeof(RefundLineReleased), typeof(PatientDischarged),
            typeof(ClinicSlotOpened), typeof(ClinicNumberTaken),
        ]);
        opts.Events.AddEventTypes([typeof(WithholdingOffered), typeof(WithholdingSigned), typeof(WithholdingCanceled)]);
        opts.Schema.For<WithholdingListing>().Index(x => x.Status);
        opts.Schema.For<HisClient>().SingleTenanted();
        opts.Schema.For<HisOrderClaim>();
        opts.Schema.For<PatientAccountListing>().Index(x => x.CreditOutstanding);
        opts.Schema.For<HospitalSettings>();
        opts.Schema.For<ClinicSlot>();
        opts.Schema.For<CreditSettlementDay>();
        opts.Schema.For<KioskVisit>();
        InsuranceClaims.Configure(opts);
        opts.Schema.For<SimulatedInsurerClaim>().SingleTenanted();
    }

    public static IEndpointRouteBuilder MapHospital(this IEndpointRouteBuilder api)
    {
        var hospital = api.MapGroup("/tenants/{tenantId}/hospital").WithTags("Hospital");
        hospital.MapHospitalSettings();
        HisSignature.MapHisClients(hospital);
        hospital.MapPatients();
        hospital.MapHospitalRefunds();
        hospital.MapCashierShifts();
        hospital.MapClinicSlots();
        hospital.MapInsuranceClaims();
        CreditSettlement.MapCreditSettlements(hospital);
        WithholdingAgreements.MapWithholding(hospital);
        DailyReport.MapDailyReport(hospital);
        hospital.MapPatientSelf();
        api.MapHisOrders();
        InsuranceNotifications.MapInsuranceNotifications(api);
        api.MapHisReports();
        api.MapKiosk();
        return api;
    }
}
