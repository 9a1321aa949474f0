using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Scenes.Terminals;

/// <summary><c>merchantId</c> absent: the tenant's first merchant.</summary>
public sealed record RegisterTerminalRequest(string? Name, string? Kind, string? MerchantId = null);

/// <summary>The answer to creating a terminal or rotating its secret: the only time the secret is shown.</summary>
public sealed record RegisteredTerminalResponse(string Id, string Name, string Kind, string Status, string Secret, DateTimeOffset CreatedAt, string MerchantId,
    DateTimeOffset? PreviousSecretUntil = null);

public static class TerminalEndpoints
{
    public static readonly string[] Kinds = ["pos", "kiosk", "gate"];

    public static void MapTerminals(this IEndpointRouteBuilder api)
    {
        var terminals = api.MapGroup("/tenants/{tenantId}/terminals").WithTags("Terminals");

        terminals.MapPost("", async (string tenantId, RegisterTerminalRequest body, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
                (await Register(http.User, grains, tenantId, body, clock.GetUtcNow())).ToCreated(t => $"/api/v1/tenants/{tenantId}/terminals/{t.Id}"))
            .Doc("createTerminal", "Create a terminal; its signing secret is returned only here",
                "kind is pos, kiosk or gate (tenant-admin). The secret (64 hex characters) is what the terminal signs its requests with "
                + "(X-Terminal-Id, X-Timestamp, X-Signature); it is never shown again.")
            .Problems(StatusCodes.Status409Conflict);

        terminals.MapGet("/{id}", async (string tenantId, string id, HttpContext http, IGrainFactory grains) =>
                (await Get(http.User, grains, tenantId, id)).ToOk())
            .Doc("getTerminal", "Read a terminal (never its secret), with when it was last heard from",
                "Status is active or disabled; lastSeenAt is the last signed payment's arrival (null: never).");

        terminals.MapPost("/{id}/disable", async (string tenantId, string id, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
                (await Disable(http.User, grains, tenantId, id, clock.GetUtcNow())).ToOk())
            .Doc("disableTerminal", "Disable a terminal: its payments are declined terminal_disabled from now on",
                "Tenant-admin only. Disabling a disabled terminal changes nothing.");

        terminals.MapPost("/{id}/enable", async (string tenantId, string id, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
                (await Enable(http.User, grains, tenantId, id, clock.GetUtcNow())).ToOk())
            .Doc("enableTerminal", "Enable a disabled terminal: its payments are taken again",
                "Tenant-admin only, audited. Enabling an active terminal changes nothing.");

        terminals.MapPost("/{id}/rotate-secret", async (string tenantId, string id, RotateSecretRequest? body, HttpContext http, IGrainFactory grains,
                SecretRotation rotation, TerminalSignature signature, TimeProvider clock) =>
                (await RotateSecret(http.User, grains, rotation, signature, tenantId, id, body?.GraceSeconds, clock.GetUtcNow())).ToOk())
            .Doc("rotateTerminalSecret", "Issue a terminal a new secret; the old one keeps working for a grace period",
                "Tenant-admin only, audited. The new secret is shown in this answer only. The old secret keeps verifying until "
                + "previousSecretUntil (the configured grace, 24 h by default, or the shorter graceSeconds asked for: 0 refuses it at once, "
                + "for a secret that leaked), then is refused with 401 signature_invalid. Only the last two secrets ever verify.");
    }

    // The slice's functions, for the routes above and the admin shell alike: access and validation throw (the edge's
    // own problems), what the terminal grain refuses comes back as a typed outcome.

    public static async Task<Outcome<RegisteredTerminalResponse>> Register(ClaimsPrincipal user, IGrainFactory grains, string tenantId, RegisterTerminalRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, [Roles.TenantAdmin]);
        await grains.FindTenant(tenantId).OrThrow();
        new Validation().Text(body.Name, "name", 100).OneOf(body.Kind, "kind", Kinds)
            .Require(body.MerchantId is null || MerchantIds.IsMerchantId(body.MerchantId), "merchantId", "merchantId must name a merchant of this tenant.")
            .ThrowIfInvalid();
        var id = Ids.New("trm");
        return (await grains.GetGrain<IMerchantTerminalGrain>(GrainKeys.For(tenantId, id)).Register(body.Name!.Trim(), body.Kind!, body.MerchantId, now))
            .Map(r => new RegisteredTerminalResponse(r.Terminal.Id, r.Terminal.Name, r.Terminal.Kind, r.Terminal.Status, r.Secret, r.Terminal.CreatedAt, r.Terminal.MerchantId));
    }

    /// <summary>The terminal (never its secret), with when it was last heard from.</summary>
    public static async Task<Outcome<TerminalView>> Get(ClaimsPrincipal user, IGrainFactory grains, string tenantId, string id)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        return IsTerminalId(id) && await Terminal(grains, tenantId, id).Get() is { } view ? view : Refusal.NotFound("The terminal");
    }

    public static async Task<Outcome<TerminalView>> Disable(ClaimsPrincipal user, IGrainFactory grains, string tenantId, string id, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, [Roles.TenantAdmin]);
        return IsTerminalId(id) ? await Terminal(grains, tenantId, id).Disable(now) : Refusal.NotFound("The terminal");
    }

    public static async Task<Outcome<TerminalView>> Enable(ClaimsPrincipal user, IGrainFactory grains, string tenantId, string id, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, [Roles.TenantAdmin]);
        return IsTerminalId(id) ? await Terminal(grains, tenantId, id).Enable(now) : Refusal.NotFound("The terminal");
    }

    /// <summary>A new secret for the terminal (shown once); the old one verifies for the grace (the setting, or the shorter one asked for).</summary>
    public static async Task<Outcome<RegisteredTerminalResponse>> RotateSecret(ClaimsPrincipal user, IGrainFactory grains, SecretRotation rotation,
        TerminalSignature signature, string tenantId, string id, int? graceSeconds, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, [Roles.TenantAdmin]);
        rotation.Validate(graceSeconds);
        if (!IsTerminalId(id)) return Refusal.NotFound("The terminal");
        var rotated = await Terminal(grains, tenantId, id).RotateSecret(now, rotation.GraceFor(graceSeconds));
        signature.Forget(id);
        return rotated.Map(r => new RegisteredTerminalResponse(r.Terminal.Id, r.Terminal.Name, r.Terminal.Kind, r.Terminal.Status, r.Secret,
            r.Terminal.CreatedAt, r.Terminal.MerchantId, r.Terminal.PreviousSecretUntil));
    }

    static bool IsTerminalId(string id) => id.StartsWith("trm_", StringComparison.Ordinal);

    static IMerchantTerminalGrain Terminal(IGrainFactory grains, string tenantId, string id) =>
        grains.GetGrain<IMerchantTerminalGrain>(GrainKeys.For(tenantId, id));
}
