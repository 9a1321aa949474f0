using Marten;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SceneFinance.Grains.CardHolders;
using SceneFinance.Grains.Cards;
using SceneFinance.Grains.Canteen;
using SceneFinance.Grains.Merchants;
using SceneFinance.Grains.OfflineTills;
using SceneFinance.Grains.Risk;
using SceneFinance.Grains.Tenants;
using SceneFinance.Grains.Terminals;
using SceneFinance.Platform.Time;

namespace SceneFinance.Grains;

public static class Configuration
{
    /// <summary>The grains' storage: the card holder stream's events and the documents the grains keep.</summary>
    public static IServiceCollection AddSceneGrains(this IServiceCollection services)
    {
        services.ConfigureMarten(ConfigureGrains);
        services.AddDataProtection();
        services.TryAddSingleton<SceneFinance.Platform.Security.Sealer>(); // the platform registers it; a grains-only silo (tests) too
        services.AddSingleton<ITenantDirectory, TenantDirectory>();
        services.AddSingleton<ICounterTopUpLedger, CounterTopUpLedger>();
        services.AddSingleton<IOfflineListSource, CardStatusSource>();
        services.AddSingleton<IOfflineListSource, RiskBlacklistSource>(); // the offline list's blacklisted cards are the risk rules'
        services.AddRiskGrains();
        services.TryAddSingleton<ICanteenTermsBook, NoCanteenTermsBook>(); // the canteen module's book replaces this
        services.AddHostedService<TerminalSecrets>(); // seals the secrets from before sealing existed
        services.AddHostedService<KeyedDigestsMigration>(); // once per deployment: cards and ID numbers kept under unkeyed digests
        return services;
    }

    public static void ConfigureGrains(StoreOptions opts)
    {
        opts.Events.AddEventTypes([
            typeof(CardHolderRegistered), typeof(CardToppedUp), typeof(PaymentApproved), typeof(PaymentDeclined),
            typeof(CardFrozen), typeof(CardUnfrozen), typeof(CardReportedLost), typeof(CardReplaced), typeof(CardHolderRenamed), typeof(CardHolderClosed), typeof(CardCashPaidOut),
            typeof(CardRefundDebited), typeof(CardRefundReleased),
            typeof(MerchantOpened), typeof(MerchantRenamed), typeof(MerchantClosed),
            typeof(SubsidyGranted), typeof(SubsidyReturned), typeof(ArrearsRecovered), typeof(PaymentRefunded),
            typeof(DailyLimitChanged), typeof(CanteenProfileSet), typeof(OfflineCardListed), typeof(OfflineCardUnlisted),
        ]);
        // Written with each approved tap (reports, voids, refunds, till offline totals) and each offline exception.
        opts.Schema.For<Sale>().Index(x => x.LocalDay).Index(x => x.TerminalId);
        opts.Schema.For<SaleRefund>().Index(x => x.LocalDay);
        opts.Schema.For<OfflineException>().Index(x => x.LocalDay);
        opts.Schema.For<ArrearsListing>();
        opts.Schema.For<CampaignRedemption>().Index(x => x.CampaignId);
        opts.Schema.For<MerchantListing>();
        opts.Schema.For<TenantRecord>().SingleTenanted();
        opts.Schema.For<TerminalDirectoryEntry>().SingleTenanted();
        opts.Schema.For<TerminalRecord>();
        opts.Schema.For<TerminalActivity>();
        opts.Schema.For<CardAssignment>();
        opts.Schema.For<DataMigration>().SingleTenanted();
        opts.Schema.For<ExternalIdClaim>();
        opts.Schema.For<CardHolderListing>();
    }
}
