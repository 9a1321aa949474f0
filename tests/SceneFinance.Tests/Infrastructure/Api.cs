using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SceneFinance.Tests.Infrastructure;

/// <summary>A JSON answer: status, content type and body, for assertions.</summary>
public sealed record Answer(HttpStatusCode Status, string? ContentType, JsonNode? Body, string Raw)
{
    public JsonNode this[string name] => Body![name] ?? throw new KeyNotFoundException($"'{name}' missing in {Raw}");
    public string? Code => Body?["code"]?.GetValue<string>();

    public Answer Expect(HttpStatusCode status)
    {
        Assert.True(status == Status, $"expected {(int)status}, got {(int)Status}: {Raw}");
        return this;
    }

    /// <summary>A problem+json answer with the contract's code.</summary>
    public Answer ExpectProblem(HttpStatusCode status, string code)
    {
        Expect(status);
        Assert.Equal("application/problem+json", ContentType);
        Assert.Equal(code, Code);
        Assert.Equal((int)status, Body!["status"]!.GetValue<int>());
        foreach (var member in new[] { "type", "title", "detail" }) // RFC 9457 as the contract lists it
            Assert.True(Body[member] is JsonValue v && v.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text),
                $"'{member}' should be a non-empty string: {Raw}");
        Assert.DoesNotContain("   at ", Raw); // no stack traces
        return this;
    }

    public static async Task<Answer> From(HttpResponseMessage response)
    {
        var raw = await response.Content.ReadAsStringAsync();
        return new Answer(response.StatusCode, response.Content.Headers.ContentType?.MediaType,
            raw.Length == 0 ? null : JsonNode.Parse(raw), raw);
    }
}

/// <summary>The contract spoken from the outside, as terminals, kiosks and the finance office do.</summary>
public sealed class Api(HttpClient http)
{
    public HttpClient Http => http;

    /// <summary>A string body is sent as is (with <paramref name="contentType"/>), anything else as JSON.</summary>
    public async Task<Answer> Send(HttpMethod method, string path, object? body = null, string? token = null, string? idempotencyKey = null,
        string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = body is string s ? new StringContent(s, Encoding.UTF8, contentType) : JsonContent.Create(body);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await http.SendAsync(request);
        return await Answer.From(response);
    }

    public Task<Answer> Post(string path, object? body, string? token, string? idempotencyKey = null) => Send(HttpMethod.Post, path, body ?? new { }, token, idempotencyKey);
    public Task<Answer> Get(string path, string? token) => Send(HttpMethod.Get, path, null, token);

    public async Task<string> Token(string username, string password) =>
        (await Post("/api/v1/auth/token", new { username, password }, null)).Expect(HttpStatusCode.OK)["accessToken"].GetValue<string>();

    public Task<string> AdminToken() => Token("admin", SceneApp.AdminPassword);

    /// <summary>
    /// A signed terminal request; the parts can be spoiled to test the signature check: another secret, a body
    /// changed after signing, a signature made for <paramref name="signedPath"/> but sent to <paramref name="path"/>,
    /// or an X-Timestamp header (<paramref name="sentTimestamp"/>) other than the one signed.
    /// </summary>
    public async Task<Answer> Signed(Terminal terminal, string path, string body, string? idempotencyKey,
        long? timestamp = null, string? secret = null, Func<string, string>? tamperBody = null,
        string? signedPath = null, string? sentTimestamp = null, string? bearer = null, bool chunked = false)
    {
        var ts = (timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToString();
        var signature = Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret ?? terminal.Secret),
            Encoding.UTF8.GetBytes($"{ts}\nPOST\n{signedPath ?? path}\n{body}"))).ToLowerInvariant();
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(tamperBody?.Invoke(body) ?? body, Encoding.UTF8, "application/json"),
        };
        if (chunked)
        {
            // The same bytes without a declared length: the server reads the body until it ends.
            request.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(tamperBody?.Invoke(body) ?? body)));
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            request.Headers.TransferEncodingChunked = true;
        }
        request.Headers.Add("X-Terminal-Id", terminal.Id);
        request.Headers.Add("X-Timestamp", sentTimestamp ?? ts);
        request.Headers.Add("X-Signature", signature);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (bearer is not null) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        using var response = await http.SendAsync(request);
        return await Answer.From(response);
    }

    public Task<Answer> Pay(Terminal terminal, string cardNumber, long amount, string? key = null, DateTimeOffset? occurredAt = null) =>
        Signed(terminal, "/api/v1/terminal/payments",
            JsonSerializer.Serialize(occurredAt is null ? (object)new { cardNumber, amount } : new { cardNumber, amount, occurredAt }),
            key ?? Guid.NewGuid().ToString("N"));

    /// <summary>An offline upload: items are objects of the contract's item shape (see <see cref="Offline.Item"/>), sent as they are.</summary>
    public Task<Answer> Batch(Terminal terminal, params object[] items) =>
        Signed(terminal, Offline.BatchPath, JsonSerializer.Serialize(new { items }), null);
}

/// <summary>Taps a till kept while the network was down, for the batch route.</summary>
public static class Offline
{
    public const string BatchPath = "/api/v1/terminal/payments/batch";

    public static object Item(string cardNumber, long amount, DateTimeOffset occurredAt, string? key = null) =>
        new { idempotencyKey = key ?? Guid.NewGuid().ToString("N"), cardNumber, amount, occurredAt };
}

/// <summary>A terminal the tests sign with; <see cref="MerchantId"/> is the merchant its payments post to.</summary>
public sealed record Terminal(string TenantId, string Id, string Secret, string MerchantId = "");
