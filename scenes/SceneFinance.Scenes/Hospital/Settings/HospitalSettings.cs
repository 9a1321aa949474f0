using SceneFinance.Platform.Audit;
using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;

namespace SceneFinance.Scenes.Hospital.Settings;

/// <summary>A hospital tenant's own rules: the credit care limit, when the nightly settlement runs (local time), and the
/// refund amount above which a second person must approve. One document per tenant.</summary>
public sealed class HospitalSettings
{
    public const string DocumentId = "hospital";
    public string Id { get; set; } = DocumentId;

    /// <summary>2,000 yuan of care before payment.</summary>
    public long CreditLimit { get; set; } = 200_000;

    /// <summary>Local time of day ("HH:mm") of the nightly credit settlement.</summary>
    public string CreditSettlementTime { get; set; } = "02:00";

    /// <summary>Refunds above 500 yuan need a second person.</summary>
    public long RefundApprovalThreshold { get; set; } = 50_000;

    public DateTimeOffset UpdatedAt { get; set; }

    public TimeOnly SettlementTime => TimeOnly.ParseExact(CreditSettlementTime, "HH:mm");

    public static async Task<HospitalSettings> Load(IDocumentStore store, string tenantId)
    {
        await using var session = store.QuerySession(tenantId);
        return await session.LoadAsync<HospitalSettings>(DocumentId) ?? new HospitalSettings();
    }
}

public sealed record HospitalSettingsRequest(long? CreditLimit, string? CreditSettlementTime, long? RefundApprovalThreshold);

public sealed record HospitalSettingsView(long CreditLimit, string CreditSettlementTime, long RefundApprovalThreshold);

public static class HospitalSettingsEndpoints
{
    public static readonly string[] Editors = [Roles.TenantAdmin, Roles.Finance];

    public static void MapHospitalSettings(this IEndpointRouteBuilder hospital)
    {
        hospital.MapGet("/settings", async (string tenantId, HttpContext http, IDocumentStore store) =>
                TypedResults.Ok(await Get(http.User, store, tenantId)))
            .Doc("getHospitalSettings", "The hospital's credit limit, nightly settlement time and refund approval threshold");

        hospital.MapPut("/settings", async (string tenantId, HospitalSettingsRequest body, HttpContext http, IDocumentStore store, IGrainFactory grains, TimeProvider clock) =>
                TypedResults.Ok(await Update(http.User, store, grains, tenantId, body, clock.GetUtcNow())))
            .Doc("updateHospitalSettings", "Change the hospital's settings",
                "What is given changes (null keeps the current value); creditSettlementTime is a local time like 02:00.");
    }

    // The slice's functions, for the routes above and the admin shell alike.

    public static async Task<HospitalSettingsView> Get(ClaimsPrincipal user, IDocumentStore store, string tenantId)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        return View(await HospitalSettings.Load(store, tenantId));
    }

    /// <summary>Changes what is given (null keeps the current value).</summary>
    public static async Task<HospitalSettingsView> Update(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId, HospitalSettingsRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, Editors);
        await grains.FindTenant(tenantId).OrThrow();
        new Validation()
            .Require(body.CreditLimit is null or (>= 0 and <= Validation.MaxAmount), "creditLimit", $"creditLimit must be fen between 0 and {Validation.MaxAmount}.")
            .Require(body.CreditSettlementTime is null || TimeOnly.TryParseExact(body.CreditSettlementTime, "HH:mm", out _), "creditSettlementTime", "creditSettlementTime must be a local time like 02:00.")
            .Require(body.RefundApprovalThreshold is null or (>= 0 and <= Validation.MaxAmount), "refundApprovalThreshold", "refundApprovalThreshold must be fen, 0 or more.")
            .ThrowIfInvalid();
        var settings = await HospitalSettings.Load(store, tenantId);
        var before = View(settings);
        settings.CreditLimit = body.CreditLimit ?? settings.CreditLimit;
        settings.CreditSettlementTime = body.CreditSettlementTime ?? settings.CreditSettlementTime;
        settings.RefundApprovalThreshold = body.RefundApprovalThreshold ?? settings.RefundApprovalThreshold;
        settings.UpdatedAt = now;
        await using var session = store.LightweightSession(tenantId);
        session.Store(settings);
        session.Audit(tenantId, "hospital-settings.changed", "hospital-settings", before, View(settings));
        await session.SaveChangesAsync();
        return View(settings);
    }

    static HospitalSettingsView View(HospitalSettings s) => new(s.CreditLimit, s.CreditSettlementTime, s.RefundApprovalThreshold);
}
