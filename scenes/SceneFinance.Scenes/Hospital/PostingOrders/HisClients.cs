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

    /// <summary>Sealed at rest (<c>sealed:v1:...</c>, <see cref="Sealer"/>); opened only by the signature check.</summary>
    public string Secret { get; set; } = "";

    /// <summary>The secret before the last rotation, sealed; it verifies until <see cref="PreviousSecretUntil"/>.</summary>
    public string? PreviousSecret { get; set; }

    public DateTimeOffset? PreviousSecretUntil { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>A disabled client's requests are refused like an unknown one's (401 signature_invalid).</summary>
    public bool Disabled { get; set; }

    public string Status => Disabled ? "disabled" : "active";
}

/// <summary>An HIS client as the routes answer it (never its secret); <c>previousSecretUntil</c>: the last rotation's grace.</summary>
public sealed record HisClientView(string Id, string Name, string Status, DateTimeOffset CreatedAt, DateTimeOffset? PreviousSecretUntil = null);

public sealed record HisClientRequest(string? Name);

/// <summary>A new HIS credential, or a client's new secret; the secret is shown in this answer only, like a terminal's.</summary>
public sealed record HisClientCreated(string Id, string Name, string Status, string Secret, DateTimeOffset CreatedAt, DateTimeOffset? PreviousSecretUntil = null);

/// <summary>
/// A system client's signed request, checked by the platform's one check (<see cref="RequestSignature"/>) with
/// <c>X-Client-Id</c> in place of <c>X-Terminal-Id</c>. A client is kept in memory for <see cref="Fresh"/> at most (this host
/// forgets it at once when it disables it or rotates its secret), so a client disabled on any host is refused everywhere within
/// a minute. Its secrets are opened when it is read, and kept opened in memory only.
/// </summary>
public sealed class HisSignature(IDocumentStore store, TimeProvider clock, SignatureNonces nonces, Sealer sealer, SecretRotation rotation)
{
    public static readonly TimeSpan Fresh = TimeSpan.FromSeconds(30);

    sealed record Known(HisClient? Client, byte[] Secret, byte[]? Previous, DateTimeOffset ReadAt);

    readonly ConcurrentDictionary<string, Known> _clients = new();

    public Task<Signed<HisClient>> Verify(HttpRequest request)
    {
        var now = clock.GetUtcNow();
        return RequestSignature.Verify<HisClient>(request, "X-Client-Id", now, async id => await Find(id, now) is { Client: { } client } known
            ? (client, known.Previous is { } previous && client.PreviousSecretUntil > now ? [known.Secret, previous] : [known.Secret])
            : null, nonces: nonces);
    }

    async Task<Known?> Find(string clientId, DateTimeOffset now)
    {
        if (!_clients.TryGetValue(clientId, out var known) || now - known.ReadAt >= Fresh)
        {
            await using var session = store.QuerySession();
            if (await session.LoadAsync<HisClient>(clientId) is not { } client) return null; // made-up ids are not kept
            known = new Known(client, Open(client.Secret)!, Open(client.PreviousSecret), now);
            _clients[clientId] = known;
        }
        return known.Client is { Disabled: false } ? known : null;
    }

    byte[]? Open(string? sealedSecret) => sealer.Open(sealedSecret) is { } clear ? Encoding.UTF8.GetBytes(clear) : null;

    /// <summary>
    /// Issues the client a new secret (shown in this answer only); the current one keeps verifying for the grace (the setting,
    /// or the shorter <paramref name="graceSeconds"/>), then is refused like a wrong signature. Audited in the same save.
    /// </summary>
    public async Task<Outcome<HisClientCreated>> RotateSecret(System.Security.Claims.ClaimsPrincipal user, string tenantId, string clientId, int? graceSeconds, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, [Roles.TenantAdmin]);
        rotation.Validate(graceSeconds);
        await using var session = store.LightweightSession();
        var client = clientId.Length <= 64 ? await session.LoadAsync<HisClient>(clientId) : null;
        if (client is null || client.TenantId != tenantId) return Refusal.NotFound("The HIS client");
        var before = View(client);
        var secret = SecretRotation.NewSecret();
        (client.PreviousSecret, client.PreviousSecretUntil) = (sealer.Seal(client.Secret), now + rotation.GraceFor(graceSeconds));
        client.Secret = sealer.Seal(secret)!;
        session.Store(client);
        session.Audit(tenantId, "his-client.secret-rotated", client.Id, before, View(client));
        await session.SaveChangesAsync();
        _clients.TryRemove(clientId, out _);
        return new HisClientCreated(client.Id, client.Name, client.Status, secret, client.CreatedAt, client.PreviousSecretUntil);
    }

    /// <summary>Seals every HIS secret still in the clear (written before sealing existed); returns how many clients. Idempotent.</summary>
    public static async Task<int> SealAtRest(IDocumentStore store, Sealer sealer, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var clear = await session.Query<HisClient>().Where(c => !c.Secret.StartsWith(Sealer.Prefix)).ToListAsync(ct);
        foreach (var client in clear)
        {
            (client.Secret, client.PreviousSecret) = (sealer.Seal(client.Secret)!, sealer.Seal(client.PreviousSecret));
            session.Store(client);
        }
        await session.SaveChangesAsync(ct);
        return clear.Count;
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

    /// <summary>A new HIS credential for the tenant (tenant admin), audited in the same save; its secret is in this answer only.</summary>
    public async Task<Outcome<HisClientCreated>> Create(System.Security.Claims.ClaimsPrincipal user, IGrainFactory grains, string tenantId, HisClientRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, [Roles.TenantAdmin]);
        await grains.FindTenant(tenantId).OrThrow();
        new Validation().Text(body.Name, "name", 100).ThrowIfInvalid();
        var secret = SecretRotation.NewSecret();
        var client = new HisClient { Id = Ids.New("his"), TenantId = tenantId, Name = body.Name!.Trim(), CreatedAt = now, Secret = sealer.Seal(secret)! };
        await using var session = store.LightweightSession();
        session.Insert(client);
        session.Audit(tenantId, "his-client.created", client.Id, null, View(client));
        await session.SaveChangesAsync();
        return new HisClientCreated(client.Id, client.Name, client.Status, secret, client.CreatedAt);
    }

    public const int MaxExport = 10_000;

    /// <summary>The tenant's HIS clients for the shell's list (tenant admin), newest first, one page (from 0); and how many there are.</summary>
    public async Task<(IReadOnlyList<HisClientView> Rows, long Total)> Page(System.Security.Claims.ClaimsPrincipal user, string tenantId, int page, int size)
    {
        user.RequireTenantAccess(tenantId, [Roles.TenantAdmin]);
        await using var session = store.QuerySession();
        var found = await Marten.Pagination.PagedListQueryableExtensions.ToPagedListAsync(Ordered(session, tenantId), page + 1, size);
        return (found.Select(View).ToList(), found.TotalItemCount);
    }

    /// <summary>Every HIS client of the tenant (at most <see cref="MaxExport"/>), for the spreadsheet.</summary>
    public async Task<IReadOnlyList<HisClientView>> All(System.Security.Claims.ClaimsPrincipal user, string tenantId)
    {
        user.RequireTenantAccess(tenantId, [Roles.TenantAdmin]);
        await using var session = store.QuerySession();
        return (await Ordered(session, tenantId).Take(MaxExport).ToListAsync()).Select(View).ToList();
    }

    static IQueryable<HisClient> Ordered(IQuerySession session, string tenantId) =>
        session.Query<HisClient>().Where(c => c.TenantId == tenantId).OrderByDescending(c => c.CreatedAt);

    static HisClientView View(HisClient c) => new(c.Id, c.Name, c.Status, c.CreatedAt, c.PreviousSecretUntil);

    public static void MapHisClients(IEndpointRouteBuilder hospital)
    {
        hospital.MapPost("/his-clients", async (string tenantId, HisClientRequest body, HttpContext http, HisSignature his, IGrainFactory grains, TimeProvider clock) =>
                (await his.Create(http.User, grains, tenantId, body, clock.GetUtcNow())).ToCreated(c => $"/api/v1/tenants/{tenantId}/hospital/his-clients/{c.Id}"))
            .Doc("createHisClient", "Create the HIS's system-client credential",
                "The HIS signs its calls like a terminal, with X-Client-Id; the secret is shown in this answer only.");
        hospital.MapPost("/his-clients/{clientId}/disable", async (string tenantId, string clientId, HttpContext http, HisSignature his) =>
                (await his.SetDisabled(http.User, tenantId, clientId, disabled: true)).ToOk())
            .Doc("disableHisClient", "Disable an HIS client",
                "Its signed requests are refused with 401 signature_invalid on every host within a minute (at once on this one).");
        hospital.MapPost("/his-clients/{clientId}/enable", async (string tenantId, string clientId, HttpContext http, HisSignature his) =>
                (await his.SetDisabled(http.User, tenantId, clientId, disabled: false)).ToOk())
            .Doc("enableHisClient", "Enable a disabled HIS client again", "Its signed requests are accepted again.");
        hospital.MapPost("/his-clients/{clientId}/rotate-secret", async (string tenantId, string clientId, RotateSecretRequest? body, HttpContext http, HisSignature his, TimeProvider clock) =>
                (await his.RotateSecret(http.User, tenantId, clientId, body?.GraceSeconds, clock.GetUtcNow())).ToOk())
            .Doc("rotateHisClientSecret", "Issue an HIS client a new secret; the old one keeps working for a grace period",
                "Tenant-admin only, audited. The new secret is shown in this answer only. The old secret keeps verifying until "
                + "previousSecretUntil (the configured grace, 24 h by default, or the shorter graceSeconds asked for: 0 refuses it at once), "
                + "then is refused with 401 signature_invalid. Only the last two secrets ever verify.");
    }
}
