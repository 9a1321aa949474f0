using Microsoft.Extensions.DependencyInjection;
using SceneFinance.Payments.Gateway;
using SceneFinance.Payments.Notifications;

namespace SceneFinance.Payments.Simulator;

/// <summary>The simulated back ends of every channel, sharing one behaviour; notifications go to this host's inbox in-process.</summary>
public sealed class ChannelSimulators
{
    readonly Dictionary<string, SimulatedChannel> _channels;

    public ChannelSimulators(SimulatorBehaviour behaviour, TimeProvider clock, IServiceProvider services)
    {
        Behaviour = behaviour;
        var delivery = new InProcessDelivery(services);
        _channels = PaymentChannels.All.ToDictionary(c => c, c => new SimulatedChannel(c, behaviour, clock) { Delivery = delivery });
    }

    public SimulatorBehaviour Behaviour { get; }

    public SimulatedChannel this[string channel] => _channels[channel];

    public IReadOnlyCollection<SimulatedChannel> All => _channels.Values;

    /// <summary>Notifications still scheduled or being delivered, over all channels.</summary>
    public int InFlight => _channels.Values.Sum(c => c.InFlight);

    /// <summary>Waits until no notification is scheduled or being delivered (or the time is up).</summary>
    public async Task<bool> Quiet(TimeSpan within)
    {
        var until = DateTime.UtcNow + within;
        while (InFlight > 0)
        {
            if (DateTime.UtcNow > until) return false;
            await Task.Delay(50);
        }
        return true;
    }

    /// <summary>The inbox is resolved on first use: it needs the adapters, which need these simulators.</summary>
    sealed class InProcessDelivery(IServiceProvider services) : INotificationDelivery
    {
        public Task<ChannelAnswer?> Deliver(string channel, InboundNotification notification) =>
            services.GetRequiredService<NotificationInbox>().Receive(channel, notification);
    }
}
