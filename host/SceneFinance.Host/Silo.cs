using Orleans.Configuration;

namespace SceneFinance.Host;

public static class Silo
{
    /// <summary>
    /// The Orleans silo in this process. Single host: localhost clustering on configurable ports
    /// (<c>SceneFinance:Orleans:SiloPort</c>, <c>:GatewayPort</c>, <c>:ClusterId</c>). No grain storage:
    /// grains rebuild from Marten. Idle grains are collected, so idle card holders cost no memory.
    /// </summary>
    public static IHostApplicationBuilder AddSilo(this IHostApplicationBuilder builder)
    {
        var config = builder.Configuration.GetSection("SceneFinance:Orleans");
        var clusterId = config["ClusterId"] ?? "scenefinance";
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(
                config.GetValue("SiloPort", 11111), config.GetValue("GatewayPort", 30000),
                serviceId: "scenefinance", clusterId: clusterId);
            silo.Configure<GrainCollectionOptions>(o => o.CollectionAge = TimeSpan.FromMinutes(config.GetValue("CollectionAgeMinutes", 15)));
        });
        return builder;
    }
}
