using Microsoft.Extensions.DependencyInjection;
using SceneFinance.Platform.Problems;

namespace SceneFinance.Payments.Gateway;

/// <summary>
/// The channels this host can reach, by name, in two sets: the simulated ones that sandbox tenants pay through, and the
/// live ones (registered under the key <see cref="LiveKey"/> by a real SDK, with credentials from
/// <c>SceneFinance:Channels:{channel}</c>) that live tenants pay through. A live tenant never reaches a simulator.
/// </summary>
public sealed class ChannelAdapters(IEnumerable<IChannelAdapter> sandbox, [FromKeyedServices(ChannelAdapters.LiveKey)] IEnumerable<IChannelAdapter> live)
{
    public const string LiveKey = "live";

    readonly Dictionary<string, IChannelAdapter> _sandbox = sandbox.ToDictionary(a => a.Channel);
    readonly Dictionary<string, IChannelAdapter> _live = live.ToDictionary(a => a.Channel);

    public IReadOnlyCollection<string> Names => _sandbox.Keys;

    /// <summary>The channels a live tenant can pay through (empty until a real SDK is registered).</summary>
    public IReadOnlyCollection<string> LiveNames => _live.Keys;

    public IChannelAdapter? Find(string channel, bool live = false) => (live ? _live : _sandbox).GetValueOrDefault(channel);

    public IChannelAdapter Get(string channel, bool live = false) =>
        Find(channel, live) ?? throw ProblemException.Invalid("channel", $"channel must be one of: {string.Join(", ", (live ? _live : _sandbox).Keys)}.");
}
