using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Platform.Audit;
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

    /// <summary>A disabled client's requests are refused like an unknown one's (401 signature_invalid).</summary>
    public bool Disabled { get; set; }

    public string Status => Disabled ? "disabled" : "active";
}

/// <summary>An HIS client as the routes answer it (never its secret).</summary>
public sealed record HisClientView(string Id, string Name, string Status, DateTimeOffset CreatedAt);

public sealed record HisClientRequest(string? Name);

/// <summary>A new HIS credential; its secret is shown in this answer only, like a terminal's.</summary>
public sealed record HisClientCreated(string Id, string Name, string Status, string Secret, DateTimeOffset CreatedAt);

/// <summary>
/// A system client's signed request, checked by the platform's one check (<see cref="RequestSignature"/>) with
/// <c>X-Client-Id</c> in place of <c>X-Terminal-Id</c>. A client is kept in memory for <see cref="Fresh"/> at most (this host
/// forgets it at once when it disables it), so a client disabled on any host is refused everywhere within a minute.
/// </summary>
public sealed class HisSignature(IDocumentStore store, TimeProvider clock, SignatureNonces nonces)
{
    public static readonly TimeSpan Fresh = TimeSpan.FromSeconds(30);

    readonly ConcurrentDictionary<string, (HisClient? Client, DateTimeOffset ReadAt)> _clients = new();

    public Task<Signed<HisClient>> Verify(HttpRequest request) =>
        RequestSignature.Verify<HisClient>(request, "X-Client-Id", clock.GetUtcNow(),
            async id => await Find(id) is { } client ? (client, Encoding.UTF8.GetBytes(client.Secret)) : null, nonces: nonces);

    async Task<HisClient?> Find(string clientId)
    {
        var now = clock.GetUtcNow();
        if (!_clients.TryGetValue(clientId, out var known) || now - known.ReadAt >= Fresh)
        {
            await using var session = store.QuerySession();
            known = (await session.LoadAsync<HisClient>(clientId), now);
            if (known.Client is not null) _clients[clientId] = known; // made-up ids are not kept
        }
        return known.Client is { Disabled: false } client ? client : null;
    }

    /// <summary>Disables or enables a client of the tenant, audited in the same save; this host forgets its copy at once.</summary>
    public async Task<Outcome<HisClientView>> SetDisabled(System.Security.Claims.ClaimsPrincipal user, string tenantId, string clientId, bool disabled)
    {
        user.RequireTenantAccess(tenantId, [Roles.TenantAdmin]);
        await using var session = store.LightweightSession();
        var client = clientId.Length <= 64 ? await session.LoadAsync<HisClient>(clientId) : null;
        if (client is null || client.TenantId != tenantId) return Refusal.NotFound("The HIS client");
        var before = View(client);
        if (client.Disabled != disabled)
        {
            client.Disabled = disabled;
            session.Store(client);
            session.Audit(tenantId, disabled ? "his-client.disabled" : "his-client.enabled", client.Id, before, View(client));
            await session.SaveChangesAsync();
        }
        _clients.TryRemove(clientId, out _);
        return View(client);
    }

    static HisClientView View(HisClient c) => new(c.Id, c.Name, c.Status, c.CreatedAt);

    public static void MapHisClients(IEndpointRouteBuilder hospital)
    {
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
                session.Audit(tenantId, "his-client.created", client.Id, null, View(client));
                await session.SaveChangesAsync();
                return TypedResults.Created($"/api/v1/tenants/{tenantId}/hospital/his-clients/{client.Id}",
                    new HisClientCreated(client.Id, client.Name, "active", client.Secret, client.CreatedAt));
            })
            .Doc("createHisClient", "Create the HIS's system-client credential",
                "The HIS signs its calls like a terminal, with X-Client-Id; the secret is shown in this answer only.");
        hospital.MapPost("/his-clients/{clientId}/disable", async (string tenantId, string clientId, HttpContext http, HisSignature his) =>
                (await his.SetDisabled(http.User, tenantId, clientId, disabled: true)).ToOk())
            .Doc("disableHisClient", "Disable an HIS client",
                "Its signed requests are refused with 401 signature_invalid on every host within a minute (at once on this one).");
        hospital.MapPost("/his-clients/{clientId}/enable", async (string tenantId, string clientId, HttpContext http, HisSignature his) =>
                (await his.SetDisabled(http.User, tenantId, clientId, disabled: false)).ToOk())
            .Doc("enableHisClient", "Enable a disabled HIS client again", "Its signed requests are accepted again.");
    }
}
