using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;

namespace SceneFinance.Scenes.Canteen.MealPeriods;

/// <summary>Fields left out (null) keep their value.</summary>
public sealed record CanteenSettingsRequest(
    IReadOnlyList<MealPeriod>? MealPeriods, IReadOnlyList<LimitRule>? Limits, long? OfflineHolderCap, long? OfflineTillCap, long? SinglePaymentCap);

public sealed record CanteenSettingsView(
    IReadOnlyList<MealPeriod> MealPeriods, IReadOnlyList<LimitRule> Limits, long OfflineHolderCap, long OfflineTillCap, long SinglePaymentCap,
    string UpdatedBy, DateTimeOffset? UpdatedAt);

public static class CanteenSettingsEndpoints
{
    public static void MapCanteenSettings(this IEndpointRouteBuilder canteen)
    {
        canteen.MapGet("/settings", async (string tenantId, HttpContext http, IDocumentStore store, IGrainFactory grains) =>
                (await Get(http.User, store, grains, tenantId)).ToOk())
            .Doc("getCanteenSettings", "The canteen's meal periods, limit rules, offline caps and the single-payment cap",
                "Meal periods are local HH:mm windows (an end before the start crosses midnight). Limit rules apply to all, kind:{kind} or group:{group}; "
                + "per field the holder's own value wins, then its group's, its kind's, everyone's. Amounts in fen.");

        canteen.MapPut("/settings", async (string tenantId, CanteenSettingsRequest body, HttpContext http, IDocumentStore store, IGrainFactory grains, TimeProvider clock) =>
                (await Update(http.User, store, grains, tenantId, body, clock.GetUtcNow())).ToOk())
            .Doc("updateCanteenSettings", "Change the meal periods, limit rules, offline caps or the single-payment cap",
                "Tenant-admin or finance. Fields left out keep their value. singlePaymentCap is fen (0: no cap); payments above it are declined "
                + "risk_rejected. Meal periods may not overlap; their ids are lowercase letters, digits and -.");
    }

    public static async Task<Outcome<CanteenSettingsView>> Get(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId)
    {
        user.RequireTenantAccess(tenantId, CanteenAccess.Readers);
        if (await grains.GetGrain<ITenantGrain>(tenantId).GetPaymentPolicy() is not { } policy) return Refusal.NotFound("The tenant");
        await using var session = store.QuerySession(tenantId);
        return View(await CanteenSettings.Load(session), policy.SinglePaymentCap);
    }

    public static async Task<Outcome<CanteenSettingsView>> Update(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId,
        CanteenSettingsRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, CanteenAccess.Managers);
        await grains.FindTenant(tenantId).OrThrow();
        Validate(body);
        await using var session = store.LightweightSession(tenantId);
        var settings = await CanteenSettings.Load(session);
        if (body.MealPeriods is { } periods) settings.MealPeriods = [.. periods.Select(p => p with { Name = p.Name.Trim() })];
        if (body.Limits is { } limits) settings.Limits = [.. limits];
        settings.OfflineHolderCap = body.OfflineHolderCap ?? settings.OfflineHolderCap;
        settings.OfflineTillCap = body.OfflineTillCap ?? settings.OfflineTillCap;
        settings.UpdatedBy = user.Identity?.Name ?? "";
        settings.UpdatedAt = now;
        session.Store(settings);
        await session.SaveChangesAsync();
        var tenant = grains.GetGrain<ITenantGrain>(tenantId);
        var policy = body.SinglePaymentCap is { } cap ? await tenant.SetSinglePaymentCap(cap, now).OrThrow() : (await tenant.GetPaymentPolicy())!;
        await grains.GetGrain<ICanteenPolicyGrain>(tenantId).Refresh();
        return View(settings, policy.SinglePaymentCap);
    }

    static void Validate(CanteenSettingsRequest body)
    {
        var v = new Validation()
            .Require(body.OfflineHolderCap is null or (>= 0 and <= Validation.MaxAmount), "offlineHolderCap", "offlineHolderCap must be fen, 0 or more.")
            .Require(body.OfflineTillCap is null or (>= 0 and <= Validation.MaxAmount), "offlineTillCap", "offlineTillCap must be fen, 0 or more.")
            .Require(body.SinglePaymentCap is null or (>= 0 and <= Validation.MaxAmount), "singlePaymentCap", "singlePaymentCap must be fen, 0 (no cap) or more.");
        if (body.MealPeriods is { } periods)
        {
            v.Require(periods.Count <= 12, "mealPeriods", "At most 12 meal periods.");
            for (var i = 0; i < periods.Count; i++)
            {
                var p = periods[i];
                v.Require(p is not null && IsSlug(p.Id), $"mealPeriods[{i}].id", "id must be 1 to 32 lowercase letters, digits or -.")
                    .Require(p is not null && !string.IsNullOrWhiteSpace(p.Name) && p.Name.Length <= 50, $"mealPeriods[{i}].name", "name is required, up to 50 characters.")
                    .Require(p is not null && IsTime(p.Start) && IsTime(p.End) && p.Start != p.End, $"mealPeriods[{i}].start", "start and end must be different local times like 06:30.");
            }
            if (periods.All(p => p is not null && IsSlug(p.Id) && IsTime(p.Start) && IsTime(p.End) && p.Start != p.End))
            {
                v.Require(periods.Select(p => p.Id).Distinct().Count() == periods.Count, "mealPeriods", "Meal period ids must be unique.");
                var minutes = periods.SelectMany(p => p.Minutes()).ToList();
                v.Require(minutes.Count == minutes.Distinct().Count(), "mealPeriods", "Meal periods may not overlap.");
            }
        }
        if (body.Limits is { } limits)
        {
            v.Require(limits.Count <= 100, "limits", "At most 100 limit rules.");
            for (var i = 0; i < limits.Count; i++)
            {
                var r = limits[i];
                v.Require(r is not null && IsTarget(r.Target), $"limits[{i}].target", "target must be all, kind:{kind} or group:{group}.")
                    .Require(r is null || r.PerMealAmount is null or (> 0 and <= Validation.MaxAmount), $"limits[{i}].perMealAmount", "perMealAmount must be fen greater than 0.")
                    .Require(r is null || r.PerMealTaps is null or (> 0 and <= 100), $"limits[{i}].perMealTaps", "perMealTaps must be 1 to 100.")
                    .Require(r is null || r.DailyAmount is null or (> 0 and <= Validation.MaxAmount), $"limits[{i}].dailyAmount", "dailyAmount must be fen greater than 0.");
            }
            if (limits.All(r => r is not null)) v.Require(limits.Select(r => r.Target).Distinct().Count() == limits.Count, "limits", "One rule per target.");
        }
        v.ThrowIfInvalid();
    }

    public static bool IsSlug(string? s) => s is { Length: >= 1 and <= 32 } && s.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    static bool IsTime(string? s) => s is { Length: 5 } && TimeOnly.TryParseExact(s, "HH:mm", out _);

    static bool IsTarget(string? t) => t == "all"
        || (t?.StartsWith("kind:", StringComparison.Ordinal) == true && t.Length is > 5 and <= 64)
        || (t?.StartsWith("group:", StringComparison.Ordinal) == true && t.Length is > 6 and <= 70);

    static CanteenSettingsView View(CanteenSettings s, long singlePaymentCap) =>
        new(s.MealPeriods, s.Limits, s.OfflineHolderCap, s.OfflineTillCap, singlePaymentCap, s.UpdatedBy, s.UpdatedAt == default ? null : s.UpdatedAt);
}
