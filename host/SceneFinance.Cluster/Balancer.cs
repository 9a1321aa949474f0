using Yarp.ReverseProxy.Configuration;

namespace SceneFinance.Cluster;

/// <summary>
/// YARP in front of the silos. Every route goes to any ready silo; a browser sticks to the silo that holds its Blazor circuit
/// (affinity cookie <c>sf.silo</c>, moved to another silo when that one goes away). A silo is taken out as soon as its
/// <c>/health/ready</c> fails once (a draining or dead silo) or connections to it fail, and put back when it is ready again.
/// </summary>
public static class Balancer
{
    public const string AffinityCookie = "sf.silo";

    public static IReverseProxyBuilder AddBalancer(this IServiceCollection services, IEnumerable<SiloProcess> silos) =>
        services.AddReverseProxy().LoadFromMemory(
            [new RouteConfig { RouteId = "all", ClusterId = "silos", Match = new RouteMatch { Path = "{**catch-all}" } }],
            [new ClusterConfig
            {
                ClusterId = "silos",
                LoadBalancingPolicy = "PowerOfTwoChoices",
                Destinations = silos.ToDictionary(s => s.Name, s => new DestinationConfig { Address = s.Address.ToString(), Health = s.Address.ToString() }),
                SessionAffinity = new SessionAffinityConfig
                {
                    Enabled = true, Policy = "Cookie", FailurePolicy = "Redistribute", AffinityKeyName = AffinityCookie,
                    Cookie = new SessionAffinityCookieConfig { HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true },
                },
                HealthCheck = new HealthCheckConfig
                {
                    Active = new ActiveHealthCheckConfig
                    {
                        Enabled = true, Interval = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromSeconds(3),
                        Policy = "ConsecutiveFailures", Path = "/health/ready",
                    },
                    Passive = new PassiveHealthCheckConfig { Enabled = true, Policy = "TransportFailureRate", ReactivationPeriod = TimeSpan.FromSeconds(5) },
                },
                Metadata = new Dictionary<string, string> { ["ConsecutiveFailuresHealthPolicy.Threshold"] = "1" },
            }]);
}
