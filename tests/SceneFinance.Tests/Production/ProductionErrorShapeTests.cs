using System.Net;
using System.Text.Json.Nodes;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Production;

/// <summary>The built host in its own process, in the Production environment, on a database of its own.</summary>
public sealed class ProductionHost : IAsyncLifetime
{
    HostProcess _host = null!;
    public Infrastructure.Api Api { get; private set; } = null!;
    public string AdminToken { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _host = await HostProcess.Start(TestPostgres.NewDatabase("production"), Directory.CreateTempSubdirectory("scenefinance-production-").FullName);
        Api = new Infrastructure.Api(new HttpClient { BaseAddress = _host.BaseAddress });
        AdminToken = await Api.AdminToken();
    }

    public async Task DisposeAsync()
    {
        await _host.Stop();
        await _host.DisposeAsync();
    }
}

/// <summary>
/// A body the product cannot read is still the contract's problem+json validation_failed with an errors object,
/// as deployed (not only under the test host's Development settings), never the framework's bare 400 or 415.
/// </summary>
public sealed class ProductionErrorShapeTests(ProductionHost host) : IClassFixture<ProductionHost>
{
    const string Tenant = "{\"name\":\"Plain\",\"kind\":\"campus\"}";

    [Fact]
    public async Task Malformed_json_is_validation_failed_with_errors()
    {
        var malformed = (await host.Api.Send(HttpMethod.Post, "/api/v1/tenants", "{not json", host.AdminToken))
            .ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotEmpty(Assert.IsType<JsonObject>(malformed["errors"]));
    }

    [Fact]
    public async Task A_json_body_sent_as_text_plain_is_validation_failed_with_errors()
    {
        var plainText = (await host.Api.Send(HttpMethod.Post, "/api/v1/tenants", Tenant, host.AdminToken, contentType: "text/plain"))
            .ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotEmpty(Assert.IsType<JsonObject>(plainText["errors"]));
        // The same body as application/json is fine: only the content type was wrong.
        (await host.Api.Post("/api/v1/tenants", Tenant, host.AdminToken)).Expect(HttpStatusCode.Created);
    }
}
