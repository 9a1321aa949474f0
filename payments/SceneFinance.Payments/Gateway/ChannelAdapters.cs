using SceneFinance.Platform.Problems;

namespace SceneFinance.Payments.Gateway;

/// <summary>The channels this host can reach, by name.</summary>
public sealed class ChannelAdapters(IEnumerable<IChannelAdapter> adapters)
{
    readonly Dictionary<string, IChannelAdapter> _byName = adapters.ToDictionary(a => a.Channel);

    public IReadOnlyCollection<string> Names => _byName.Keys;

    public IChannelAdapter? Find(string channel) => _byName.GetValueOrDefault(channel);

    public IChannelAdapter Get(string channel) =>
        Find(channel) ?? throw ProblemException.Invalid("channel", $"channel must be one of: {string.Join(", ", _byName.Keys)}.");
}
