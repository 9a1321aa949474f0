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

/// <summary>A new HIS credential; its secret is shown in this answer only, like a terminal's.</summary>
public sealed record HisClientCreated(string Id, string Name, string Status, string Secret, DateTimeOffset CreatedAt);

/// <summary>
/// A system client's signed request, checked by the platform's one check (<see cref="RequestSignature"/>) with
/// <c>X-Client-Id</c> in place of <c>X-Terminal-Id</c>. Clients are cached once known: their tenant and secret never change.
/// </summary>
public sealed class HisSignature(IDocumentStore store, TimeProvider clock, SignatureNonces nonces)
{
    readonly ConcurrentDictionary<string, HisClient> _clients = new();

    public Task<Signed<HisClient>> Verify(HttpRequest request) =>
        RequestSignature.Verify<HisClient>(request, "X-Client-Id", clock.GetUtcNow(),
            async id => await Find(id) is { } client ? (client, Encoding.UTF8.GetBytes(client.Secret)) : null, nonces: nonces);

    async Task<HisClient?> Find(string clientId)
    {
        if (_clients.TryGetValue(clientId, out var known)) return known;
        await using var session = store.QuerySession();
        var client = await session.LoadAsync<HisClient>(clientId);
        if (client is not null) _clients[clientId] = client;
        return client;
    }

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
                return TypedResults.Created($"/api/v1/tenants/{tenantId}/hospital/his-clients/{client.Id}",
                    new HisClientCreated(client.Id, client.Name, "active", client.Secret, client.CreatedAt));
            })
            .Doc("createHisClient", "Create the HIS's system-client credential",
                "The HIS signs its calls like a terminal, with X-Client-Id; the secret is shown in this answer only.");
}
