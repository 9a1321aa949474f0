using Microsoft.Extensions.Configuration;

namespace SceneFinance.Payments.Gateway;

/// <summary>The gateway's settings (<c>SceneFinance:Gateway:*</c>).</summary>
public sealed class GatewayOptions
{
    /// <summary>Where channels send notifications: this host's public address.</summary>
    public string PublicBaseUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>Notifications older or newer than this (by their signed timestamp) are refused.</summary>
    public int NotificationWindowSeconds { get; set; } = 300;

    /// <summary>How long a payer has to pay before the intent is canceled at the channel.</summary>
    public int IntentLifetimeMinutes { get; set; } = 15;

    /// <summary>An intent waiting on its channel this long without news is looked after by the janitor job.</summary>
    public int StaleAfterSeconds { get; set; } = 30;

    /// <summary>How often the janitor job runs.</summary>
    public int JanitorEverySeconds { get; set; } = 15;

    /// <summary>Calls to a channel give up (outcome unknown) after this long.</summary>
    public int ChannelTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// Refunds a person asks for on one payment, counted together (so a large refund split into small ones is caught), above this
    /// many fen need a second person's approval. 0: no threshold. Set by the operator (configuration), not in the product.
    /// </summary>
    public long RefundApprovalThreshold { get; set; } = 100_000;

    /// <summary>Channels are simulated in-process (the only mode until real SDKs are plugged in).</summary>
    public bool Simulated { get; set; } = true;

    public string NotifyUrl(string channel) => $"{PublicBaseUrl.TrimEnd('/')}/api/v1/gateway/notifications/{channel}";

    public static GatewayOptions From(IConfiguration configuration)
    {
        var options = new GatewayOptions();
        configuration.GetSection("SceneFinance:Gateway").Bind(options);
        return options;
    }
}
