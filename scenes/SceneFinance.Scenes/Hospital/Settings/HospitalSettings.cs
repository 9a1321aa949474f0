using SceneFinance.Platform.Audit;
using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Hospital.Patients;

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

    /// <summary>A cashier's count more than 50 yuan over or short of the drawer needs a second person to close the shift.</summary>
    public long CashDifferenceThreshold { get; set; } = 5_000;

    /// <summary>Local time of day ("HH:mm") of the reminder before the nightly settlement (the city programs send it at 20:00).</summary>
    public string SettlementReminderTime { get; set; } = "20:00";

    /// <summary>The language of the patients' reminders: <c>zh-CN</c> or <c>en</c>.</summary>
    public string ReminderLanguage { get; set; } = "zh-CN";

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>A raise of the refund approval threshold or the credit limit that waits for a second person.</summary>
    public HospitalSettingsChange? PendingChange { get; set; }

    public TimeOnly SettlementTime => TimeOnly.ParseExact(CreditSettlementTime, "HH:mm");

    public TimeOnly ReminderTime => TimeOnly.ParseExact(SettlementReminderTime, "HH:mm");

    public static async Task<HospitalSettings> Load(IDocumentStore store, string tenantId)
    {
        await using var session = store.QuerySession(tenantId);
        return await session.LoadAsync<HospitalSettings>(DocumentId) ?? new HospitalSettings();
    }
}

/// <summary>What one person asked to loosen, by their user id, until another person approves it.</summary>
public sealed class HospitalSettingsChange
{
    public string Id { get; set; } = "";
    public long? CreditLimit { get; set; }
    public long? RefundApprovalThreshold { get; set; }
    public long? CashDifferenceThreshold { get; set; }
    public string RequestedById { get; set; } = "";
    public string RequestedBy { get; set; } = "";
    public DateTimeOffset RequestedAt { get; set; }
}

public sealed record HospitalSettingsRequest(long? CreditLimit, string? CreditSettlementTime, long? RefundApprovalThreshold, long? CashDifferenceThreshold = null,
    string? SettlementReminderTime = null, string? ReminderLanguage = null);

public sealed record HospitalSettingsChangeView(string Id, long? CreditLimit, long? RefundApprovalThreshold, string RequestedBy, DateTimeOffset RequestedAt,
    long? CashDifferenceThreshold = null);

/// <summary>The settings in force, and a raise waiting for a second person (<c>pendingChange</c>), if any.</summary>
public sealed record HospitalSettingsView(long CreditLimit, string CreditSettlementTime, long RefundApprovalThreshold, HospitalSettingsChangeView? PendingChange = null,
    long CashDifferenceThreshold = 5_000, string SettlementReminderTime = "20:00", string ReminderLanguage = "zh-CN");

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
                "What is given changes (null keeps the current value); creditSettlementTime is a local time like 02:00, settlementReminderTime the local " +
                "time of the reminder before it (default 20:00; reminderLanguage zh-CN or en). Lowering the refund approval " +
                "threshold, the cash difference threshold (a cashier's count off by more needs a second person to close the shift) or the credit limit " +
                "applies at once; raising any of them waits for a second person (pendingChange, approved by another user).");

        hospital.MapPost("/settings/changes/{changeId}/approve", async (string tenantId, string changeId, HttpContext http, IDocumentStore store, TimeProvider clock) =>
                (await ApproveChange(http.User, store, tenantId, changeId, clock.GetUtcNow())).ToOk())
            .Doc("approveHospitalSettingsChange", "Approve a raise of the refund approval threshold or the credit limit",
                "A tenant admin or finance person with another user id than the one who asked (403 otherwise); the raise applies then.")
            .Problems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
    }

    // The slice's functions, for the routes above and the admin shell alike.

    public static async Task<HospitalSettingsView> Get(ClaimsPrincipal user, IDocumentStore store, string tenantId)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        return View(await HospitalSettings.Load(store, tenantId));
    }

    /// <summary>
    /// Changes what is given (null keeps the current value). A four-eyes limit is never loosened by one person: a higher refund
    /// approval threshold or credit limit is kept as the pending change (replacing an earlier one) until another person approves it.
    /// </summary>
    public static async Task<HospitalSettingsView> Update(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId, HospitalSettingsRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, Editors);
        await grains.FindTenant(tenantId).OrThrow();
        new Validation()
            .Require(body.CreditLimit is null or (>= 0 and <= Validation.MaxAmount), "creditLimit", $"creditLimit must be fen between 0 and {Validation.MaxAmount}.")
            .Require(body.CreditSettlementTime is null || TimeOnly.TryParseExact(body.CreditSettlementTime, "HH:mm", out _), "creditSettlementTime", "creditSettlementTime must be a local time like 02:00.")
            .Require(body.RefundApprovalThreshold is null or (>= 0 and <= Validation.MaxAmount), "refundApprovalThreshold", "refundApprovalThreshold must be fen, 0 or more.")
            .Require(body.CashDifferenceThreshold is null or (>= 0 and <= Validation.MaxAmount), "cashDifferenceThreshold", "cashDifferenceThreshold must be fen, 0 or more.")
            .Require(body.SettlementReminderTime is null || TimeOnly.TryParseExact(body.SettlementReminderTime, "HH:mm", out _), "settlementReminderTime", "settlementReminderTime must be a local time like 20:00.")
            .Require(body.ReminderLanguage is null or "zh-CN" or "en", "reminderLanguage", "reminderLanguage must be zh-CN or en.")
            .ThrowIfInvalid();
        var settings = await HospitalSettings.Load(store, tenantId);
        var before = View(settings);
        var raisedLimit = body.CreditLimit > settings.CreditLimit ? body.CreditLimit : null;
        var raisedThreshold = body.RefundApprovalThreshold > settings.RefundApprovalThreshold ? body.RefundApprovalThreshold : null;
        var raisedCash = body.CashDifferenceThreshold > settings.CashDifferenceThreshold ? body.CashDifferenceThreshold : null;
        if (raisedLimit is null) settings.CreditLimit = body.CreditLimit ?? settings.CreditLimit;
        if (raisedThreshold is null) settings.RefundApprovalThreshold = body.RefundApprovalThreshold ?? settings.RefundApprovalThreshold;
        if (raisedCash is null) settings.CashDifferenceThreshold = body.CashDifferenceThreshold ?? settings.CashDifferenceThreshold;
        settings.CreditSettlementTime = body.CreditSettlementTime ?? settings.CreditSettlementTime;
        settings.SettlementReminderTime = body.SettlementReminderTime ?? settings.SettlementReminderTime;
        settings.ReminderLanguage = body.ReminderLanguage ?? settings.ReminderLanguage;
        if (raisedLimit is not null || raisedThreshold is not null || raisedCash is not null)
            settings.PendingChange = new HospitalSettingsChange
            {
                Id = Ids.New("hsc"), CreditLimit = raisedLimit, RefundApprovalThreshold = raisedThreshold, CashDifferenceThreshold = raisedCash,
                RequestedById = user.UserId(), RequestedBy = user.Who(), RequestedAt = now,
            };
        settings.UpdatedAt = now;
        await using var session = store.LightweightSession(tenantId);
        session.Store(settings);
        session.Audit(tenantId, "hospital-settings.changed", "hospital-settings", before, View(settings));
        await session.SaveChangesAsync();
        return View(settings);
    }

    /// <summary>Another person (by user id) approves the pending raise; it applies then.</summary>
    public static async Task<Outcome<HospitalSettingsView>> ApproveChange(ClaimsPrincipal user, IDocumentStore store, string tenantId, string changeId, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, Editors);
        await using var session = store.LightweightSession(tenantId);
        var settings = await session.LoadAsync<HospitalSettings>(HospitalSettings.DocumentId);
        if (settings?.PendingChange is not { } change || change.Id != changeId) return Refusal.NotFound("The settings change");
        if (change.RequestedById == user.UserId())
            return Refusal.Forbidden("A second person must approve this change: not the one who asked for it.");
        var before = View(settings);
        settings.CreditLimit = change.CreditLimit ?? settings.CreditLimit;
        settings.RefundApprovalThreshold = change.RefundApprovalThreshold ?? settings.RefundApprovalThreshold;
        settings.CashDifferenceThreshold = change.CashDifferenceThreshold ?? settings.CashDifferenceThreshold;
        settings.PendingChange = null;
        settings.UpdatedAt = now;
        // Approved twice at once, the same values apply twice; a raise asked meanwhile replaced this one and is not applied by it.
        session.Store(settings);
        session.Audit(tenantId, "hospital-settings.change-approved", "hospital-settings", before, View(settings));
        await session.SaveChangesAsync();
        return View(settings);
    }

    static HospitalSettingsView View(HospitalSettings s) => new(s.CreditLimit, s.CreditSettlementTime, s.RefundApprovalThreshold,
        s.PendingChange is { } c ? new HospitalSettingsChangeView(c.Id, c.CreditLimit, c.RefundApprovalThreshold, c.RequestedBy, c.RequestedAt, c.CashDifferenceThreshold) : null,
        s.CashDifferenceThreshold, s.SettlementReminderTime, s.ReminderLanguage);
}
