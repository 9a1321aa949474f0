using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Api;

/// <summary>
/// /openapi/v1.json describes every API route as it behaves: each mapped route is in it, with an operation id, a summary,
/// a description, its answers and how its caller authenticates; and Spectral's OpenAPI ruleset finds nothing to say.
/// </summary>
[Collection(SharedApp.Name)]
public sealed class OpenApiCoverageSpecs(SceneApp app)
{
    async Task<JsonNode> Document() => (await app.Api().Send(HttpMethod.Get, "/openapi/v1.json")).Expect(HttpStatusCode.OK).Body!;

    [Fact]
    public async Task Every_mapped_api_route_is_in_the_document_with_an_id_a_summary_and_its_answers()
    {
        var doc = await Document();
        var paths = doc["paths"]!.AsObject();
        var routes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Path: Normalize(e.RoutePattern.RawText!), Method: m.ToLowerInvariant())))
            .ToList();
        Assert.True(routes.Count > 50, $"only {routes.Count} API routes found");
        var missing = routes.Where(r => paths[r.Path]?[r.Method] is null).Select(r => $"{r.Method} {r.Path}").ToList();
        Assert.True(missing.Count == 0, "not in the document: " + string.Join(", ", missing));

        var ids = new HashSet<string>();
        foreach (var (path, item) in paths)
            foreach (var (method, operation) in item!.AsObject())
            {
                var name = $"{method} {path}";
                var id = operation!["operationId"]?.GetValue<string>();
                Assert.False(string.IsNullOrEmpty(id), $"{name} has no operationId");
                Assert.True(ids.Add(id!), $"operationId {id} is used twice");
                Assert.False(string.IsNullOrEmpty(operation["summary"]?.GetValue<string>()), $"{name} has no summary");
                Assert.False(string.IsNullOrEmpty(operation["description"]?.GetValue<string>()), $"{name} has no description");
                var answers = operation["responses"]!.AsObject().Select(r => r.Key).ToList();
                Assert.Contains(answers, a => a.StartsWith('2'));
                if (path.Contains('{')) Assert.Contains("404", answers);
                if (operation["security"]?.AsArray().Count > 0) Assert.Contains("401", answers);
            }
    }

    [Fact]
    public async Task The_document_names_its_security_schemes_and_signed_routes_use_them()
    {
        var doc = await Document();
        var schemes = doc["components"]!["securitySchemes"]!.AsObject();
        Assert.Equal("bearer", schemes["bearer"]!["scheme"]!.GetValue<string>());
        Assert.Equal("X-Signature", schemes["signature"]!["name"]!.GetValue<string>());
        var pay = doc["paths"]!["/api/v1/terminal/payments"]!["post"]!;
        var requirement = pay["security"]![0]!.AsObject().Select(s => s.Key).Order().ToList();
        Assert.Equal(["signature", "terminalId", "timestamp"], requirement);
        Assert.Contains(pay["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "Idempotency-Key");
        Assert.Empty(doc["paths"]!["/api/v1/auth/token"]!["post"]!["security"]?.AsArray() ?? []); // signing in needs no token
    }

    [Fact]
    public async Task Spectral_finds_no_errors_and_no_warnings()
    {
        var spectral = Path.Combine(HostProcess.RepoRoot(), ".tools", "node_modules", ".bin", "spectral");
        Assert.True(File.Exists(spectral), $"{spectral} is missing: ./sf test installs it (npm, @stoplight/spectral-cli)");
        var file = Path.Combine(Path.GetTempPath(), $"scenefinance-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, (await Document()).ToJsonString());
        var run = Process.Start(new ProcessStartInfo(spectral, ["lint", file, "--ruleset", Path.Combine(HostProcess.RepoRoot(), ".spectral.yaml"), "--fail-severity=warn"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        var output = await run.StandardOutput.ReadToEndAsync() + await run.StandardError.ReadToEndAsync();
        await run.WaitForExitAsync();
        File.Delete(file);
        Assert.True(run.ExitCode == 0, "spectral:oas says:\n" + output);
    }

    /// <summary>Route patterns as the document writes them: <c>{id:guid}</c> → <c>{id}</c>, a group's <c>/</c> dropped.</summary>
    static string Normalize(string pattern) => System.Text.RegularExpressions.Regex.Replace(pattern, @"\{([^}:?]+)[^}]*\}", "{$1}").TrimEnd('/');
}
