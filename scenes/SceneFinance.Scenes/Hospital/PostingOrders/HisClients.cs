using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Terminals;

namespace SceneFinance.Scenes.Hospital.PostingOrders;

/// <summary>
/// The hospital information system's credential (platform-wide: a signed request names the client, not the tenant).
/// A system client is not a terminal: it may post and cancel charge orders but never take a card payment, and a kiosk
/// may never post charges, so the two credentials are kept apart though they sign alike.
/// </summary>
public sealed class HisClient
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string Name { get; set; } = "";
    public string Secret { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed record HisClientRequest(string? Name);

/// <summary>
/// Checks a system client's signature exactly as terminals sign (api-v1.md, Authentication), with <c>X-Client-Id</c>
/// instead of <c>X-Terminal-Id</c>: lowercase hex HMAC-SHA256(secret, timestamp + "\n" + METHOD + "\n" + path + "\n" + body).
/// </summary>
public sealed class HisSignature(IDocumentStore store, TimeProvider clock)
{
    readonly ConcurrentDictionary<string, HisClient> _clients = new();

    public async Task<(HisClient Client, byte[] Body)> Verify(HttpRequest request)
    {
        var clientId = request.Headers["X-Client-Id"].ToString();
        var timestamp = request.Headers["X-Timestamp"].ToString();
        var signature = request.Headers["X-Signature"].ToString();
        if (clientId.Length is 0 or > 64 || signature.Length != 64 || !long.TryParse(timestamp, out var unix))
            throw Invalid("Send X-Client-Id, X-Timestamp and X-Signature.");
        if (Math.Abs(clock.GetUtcNow().ToUnixTimeSeconds() - unix) > TerminalSignature.WindowSeconds)
            throw Invalid($"X-Timestamp is more than {TerminalSignature.WindowSeconds} seconds away from server time.");
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        if (buffer.Length > 1 << 20) throw ProblemException.Invalid("body", "The body is too large.");
        var body = buffer.ToArray();
        var client = await Find(clientId) ?? throw Invalid("The signature does not match.");
        var expected = TerminalSignature.Sign(Encoding.UTF8.GetBytes(client.Secret), timestamp, request.Method, request.Path.Value ?? "", body);
        byte[] given;
        try { given = Convert.FromHexString(signature); }
        catch (FormatException) { throw Invalid("X-Signature is not hex."); }
        if (!CryptographicOperations.FixedTimeEquals(expected, given)) throw Invalid("The signature does not match.");
        return (client, body);
    }

    async Task<HisClient?> Find(string clientId)
    {
        if (_clients.TryGetValue(clientId, out var known)) return known;
        await using var session = store.QuerySession();
        var client = await session.LoadAsync<HisClient>(clientId);
        if (client is not null) _clients[clientId] = client;
        return client;
    }

    static ProblemException Invalid(string detail) => new(401, ErrorCodes.SignatureInvalid, detail);

    public static void MapHisClients(IEndpointRouteBuilder hospital) =>
        hospital.MapPost("/his-clients", async (string tenantId, HisClientRequest body, HttpContext http, IDocumentStore store, IGrainFactory grains, TimeProvider clock) =>
        {
            http.RequireTenantAccess(tenantId, [Roles.TenantAdmin]);
            await grains.FindTenant(tenantId).OrThrow();
            new Validation().Text(body.Name, "name", 100).ThrowIfInvalid();
            var client = new HisClient
            {
                Id = Ids.New("his"), TenantId = tenantId, Name = body.Name!.Trim(), CreatedAt = clock.GetUtcNow(),
                Secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant(),
            };
            await using var session = store.LightweightSession();
            session.Insert(client);
            await session.SaveChangesAsync();
            // The secret is shown here only, like a terminal's.
            return TypedResults.Created($"/api/v1/tenants/{tenantId}/hospital/his-clients/{client.Id}",
                new { client.Id, client.Name, status = "active", client.Secret, client.CreatedAt });
        });
}
