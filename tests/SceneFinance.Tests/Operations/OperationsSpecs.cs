using System.Net;
using System.Net.Http.Headers;
using Npgsql;
using SceneFinance.Platform.Postgres;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Operations;

/// <summary>The built product as its own process, reached over loopback as a scraper or a balancer on the machine reaches it.</summary>
public sealed class OpsHost : IAsyncLifetime
{
    public HostProcess Host { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Host = await HostProcess.Start(TestPostgres.NewDatabase("ops"), Directory.CreateTempSubdirectory("scenefinance-ops-").FullName,
            new Dictionary<string, string> { ["SceneFinance__Orleans__Dashboard"] = "true" }); // as ./sf run serves it

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>What an operator and a balancer ask of a running host.</summary>
public sealed class OperationsSpecs(OpsHost ops) : IClassFixture<OpsHost>, IDisposable
{
    readonly HostProcess _host = ops.Host;
    readonly HttpClient _http = new() { BaseAddress = ops.Host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Live_and_ready_say_what_was_checked()
    {
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/health/live")).StatusCode);
        var ready = await Answer.From(await _http.GetAsync("/health/ready"));
        ready.Expect(HttpStatusCode.OK);
        Assert.Equal("Healthy", ready["status"].GetValue<string>());
        foreach (var check in new[] { "host", "postgres", "cluster", "scheduler" })
            Assert.Equal("Healthy", ready["checks"][check]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Metrics_count_payments_per_tenant_and_scene_beside_the_runtime_npgsql_and_orleans_meters()
    {
        var s = await Scenario.Start(new Infrastructure.Api(_http));
        var (_, card) = await s.CardHolder(cash: 10_000);
        var terminal = await s.Terminal();
        (await s.Api.Pay(terminal, card, 100)).Expect(HttpStatusCode.OK);
        (await s.Api.Pay(terminal, card, 1_000_000)).Expect(HttpStatusCode.OK); // declined: insufficient funds

        var metrics = await _http.GetStringAsync("/metrics");
        Assert.Contains($"scenefinance_payments_approved_total{{otel_scope_name=\"SceneFinance\",scene=\"canteen/pos\",tenant=\"{s.TenantId}\"}} 1", metrics);
        Assert.Contains($"scenefinance_payments_declined_total{{otel_scope_name=\"SceneFinance\",scene=\"canteen/pos\",tenant=\"{s.TenantId}\"}} 1", metrics);
        foreach (var family in new[]
                 {
                     "scenefinance_payment_duration_seconds_bucket", "scenefinance_commit_batch_size_bucket", "scenefinance_commit_queue_depth",
                     "scenefinance_commit_duration_seconds_bucket", "orleans_catalog_activations", "db_client_operation_duration_seconds_bucket",
                     "http_server_request_duration_seconds_bucket", "dotnet_gc_collections_total",
                 })
            Assert.Contains(family, metrics);
        Assert.DoesNotContain(card, metrics); // ids and kinds, never a card number
    }

    [Fact]
    public async Task The_orleans_dashboard_is_for_platform_admins_only()
    {
        var api = new Infrastructure.Api(_http);
        var s = await Scenario.Start(api);
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _host.BaseAddress };
        var redirected = await anonymous.GetAsync("/ops/orleans/");
        Assert.Equal(HttpStatusCode.Redirect, redirected.StatusCode);
        Assert.StartsWith("/login", redirected.Headers.Location!.PathAndQuery);

        Assert.Equal(HttpStatusCode.Forbidden, (await Get("/ops/orleans/", await s.UserToken("tenant-admin"))).StatusCode);
        var page = await Get("/ops/orleans/", s.AdminToken);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Orleans", await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Operations_routes_stay_out_of_the_api_document()
    {
        var doc = await _http.GetStringAsync("/openapi/v1.json");
        foreach (var path in new[] { "/health", "/metrics", "/ops/" }) Assert.DoesNotContain($"\"{path}", doc);
    }

    [Fact]
    public async Task The_membership_schema_can_be_applied_again_and_holds_every_statement_orleans_asks_for()
    {
        var db = TestPostgres.NewDatabase("membership");
        ClusterMembership.Apply(db, null);
        ClusterMembership.Apply(db, null); // every silo applies it on start
        await using var conn = new NpgsqlConnection(ClusterMembership.ConnectionString(db));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("select QueryKey from OrleansQuery order by 1", conn); // as Orleans reads them
        var keys = new List<string>();
        await using (var reader = await cmd.ExecuteReaderAsync()) while (await reader.ReadAsync()) keys.Add(reader.GetString(0));
        Assert.Equal(["CleanupDefunctSiloEntriesKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey", "InsertMembershipKey",
            "InsertMembershipVersionKey", "MembershipReadAllKey", "MembershipReadRowKey", "UpdateIAmAlivetimeKey", "UpdateMembershipKey"], keys);
    }

    async Task<HttpResponseMessage> Get(string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _http.SendAsync(request);
    }
}
