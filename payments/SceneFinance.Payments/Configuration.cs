using Marten;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;
using SceneFinance.Payments.Channels.Alipay;
using SceneFinance.Payments.Channels.ECny;
using SceneFinance.Payments.Channels.UnionPay;
using SceneFinance.Payments.Channels.WeChatPay;
using SceneFinance.Payments.Gateway;
using SceneFinance.Payments.Intents;
using SceneFinance.Payments.Janitor;
using SceneFinance.Platform.Scheduling;
using SceneFinance.Payments.Notifications;
using SceneFinance.Payments.Simulator;

namespace SceneFinance.Payments;

public static class Configuration
{
    /// <summary>The gateway (intents, channels, notifications) and the online top-up; its janitor runs on the platform's scheduler.</summary>
    public static IHostApplicationBuilder AddPayments(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var options = GatewayOptions.From(builder.Configuration);
        services.AddSingleton(options);
        services.ConfigureMarten(ConfigurePayments);

        // Sandbox tenants' channels: each channel's API is its simulator. Live tenants' channels are the adapters a real SDK
        // registers under ChannelAdapters.LiveKey with its keys from SceneFinance:Channels:{channel}; none ships in this build,
        // so a live tenant's online payment is refused channel_not_configured until one is.
        var behaviour = new SimulatorBehaviour();
        builder.Configuration.GetSection("SceneFinance:Simulator").Bind(behaviour);
        services.AddSingleton(behaviour);
        services.AddSingleton<ChannelSimulators>();
        services.AddSingleton<SandboxOrders>();
        services.AddSimulatedChannel<IWeChatPayApi, WeChatPayKeys, WeChatPayAdapter>(PaymentChannels.WeChatPay, (sim, keys, clock) => new WeChatPaySimulator(sim, keys, clock));
        services.AddSimulatedChannel<IAlipayApi, AlipayKeys, AlipayAdapter>(PaymentChannels.Alipay, (sim, keys, clock) => new AlipaySimulator(sim, keys, clock));
        services.AddSimulatedChannel<IUnionPayApi, UnionPayKeys, UnionPayAdapter>(PaymentChannels.UnionPay, (sim, keys, clock) => new UnionPaySimulator(sim, keys, clock));
        services.AddSimulatedChannel<IECnyApi, ECnyKeys, ECnyAdapter>(PaymentChannels.ECny, (sim, keys, clock) => new ECnySimulator(sim, keys, clock));

        services.AddSingleton<ChannelAdapters>();
        services.AddSingleton<IPaymentGateway, PaymentGateway>();
        services.AddSingleton<NotificationInbox>();

        services.AddJobs(q => q.ScheduleJob<GatewayJanitorJob>(
            trigger => trigger.WithIdentity("gateway-janitor", "payments").StartNow()
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(Math.Max(1, options.JanitorEverySeconds))).RepeatForever()),
            job => job.WithIdentity(GatewayJanitorJob.Key)));
        return builder;
    }

    /// <summary>
    /// A channel whose API is its simulator: the SDK's transport interface is served in-process. A real SDK replaces the
    /// transport (and keys from configuration) here; the adapter stays.
    /// </summary>
    static void AddSimulatedChannel<TApi, TKeys, TAdapter>(this IServiceCollection services, string channel, Func<SimulatedChannel, TKeys, TimeProvider, TApi> simulator)
        where TApi : class where TKeys : class where TAdapter : class, IChannelAdapter
    {
        services.AddSingleton<TKeys>();
        services.AddSingleton(sp => simulator(sp.GetRequiredService<ChannelSimulators>()[channel], sp.GetRequiredService<TKeys>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IChannelAdapter, TAdapter>();
    }

    public static void ConfigurePayments(StoreOptions opts)
    {
        opts.Events.AddEventTypes([
            typeof(PaymentIntentCreated), typeof(PaymentIntentSubmitted), typeof(PaymentIntentProcessing), typeof(PaymentIntentSucceeded),
            typeof(PaymentIntentFailed), typeof(PaymentIntentCanceled), typeof(PaymentIntentFulfilled), typeof(IntentRefundRequested),
            typeof(IntentRefundRejected), typeof(IntentRefundSucceeded), typeof(IntentRefundFailed), typeof(IntentRefundReleased),
        ]);
        opts.Schema.For<ChannelOrder>().SingleTenanted();
        opts.Schema.For<AgreementOwner>().SingleTenanted();
        opts.Schema.For<ReceivedNotification>().SingleTenanted();
        opts.Schema.For<IntentListing>().Index(x => x.NeedsAttention).Index(x => x.CreatedAt);
    }

    /// <summary>The gateway's API routes (under <c>/api/v1</c>).</summary>
    public static IEndpointRouteBuilder MapPayments(this IEndpointRouteBuilder api)
    {
        api.MapPaymentIntents();
        api.MapChannelNotifications();
        api.MapChannelStatements();
        return api;
    }
}
