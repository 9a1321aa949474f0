using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using SceneFinance.Platform.Postgres;

namespace SceneFinance.Tests.Infrastructure;

/// <summary>The whole product in-process (Orleans silo, Marten, HTTP pipeline) on a database of its own.</summary>
public class SceneApp : WebApplicationFactory<Program>
{
    public const string AdminPassword = "Admin-Passw0rd-for-tests";

    public string ConnectionString { get; }
    public string DataPath { get; }

    public SceneApp() : this(TestPostgres.NewDatabase("app")) { }

    /// <summary>
    /// Another instance on the same database: a restart. Given the first one's data folder, it keeps its key ring, so what the
    /// first sealed (terminal secrets) opens again, as on a real host.
    /// </summary>
    internal SceneApp(string connectionString, string? dataPath = null)
    {
        ConnectionString = connectionString;
        DataPath = dataPath ?? Directory.CreateTempSubdirectory("scenefinance-app-").FullName;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Postgres", ConnectionString); // the schema owner: it migrates
        builder.UseSetting("SceneFinance:Postgres:AppRole", "scenefinance_app"); // the product runs as the least-privilege role, as ./sf run does
        builder.UseSetting("SceneFinance:DataPath", DataPath);
        builder.UseSetting("SceneFinance:BootstrapAdminPassword", AdminPassword);
        builder.UseSetting(SceneFinance.Platform.Security.DigestKeyLoader.ConfigurationKey, TestSecrets.DigestKey);
        builder.UseSetting("SceneFinance:Orleans:SiloPort", EmbeddedPostgres.FreePort().ToString());
        builder.UseSetting("SceneFinance:Orleans:GatewayPort", EmbeddedPostgres.FreePort().ToString());
        builder.UseSetting("SceneFinance:Orleans:ClusterId", "test-" + Guid.NewGuid().ToString("N")[..8]);
    }

    public Api Api() => new(CreateClient());
}

/// <summary>One product instance shared by the API specs; each spec makes its own tenant, so specs don't see each other.</summary>
[CollectionDefinition(Name)]
public sealed class SharedApp : ICollectionFixture<SceneApp>
{
    public const string Name = "shared app";
}
