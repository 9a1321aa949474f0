using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.CardHolders;

namespace SceneFinance.Scenes.Canteen.MealPeriods;

/// <summary><c>dailyLimit</c> null: no daily limit of its own (a group's or the tenant's rule may still apply).</summary>
public sealed record ChangeDailyLimitRequest(long? DailyLimit, string? Reason);

public sealed record CanteenProfileRequest(string? Group, long? PerMealAmount, int? PerMealTaps, long? OfflineCap);

/// <summary>A holder's own canteen limits and purses, beside the card holder routes.</summary>
public static class HolderLimitsEndpoints
{
    public static void MapHolderLimits(this IEndpointRouteBuilder api)
    {
        var holders = api.MapGroup("/tenants/{tenantId}/cardholders/{id}").WithTags("Canteen");

        holders.MapGet("/canteen", async (string tenantId, string id, HttpContext http, IGrainFactory grains) =>
                (await Wallet(http.User, grains, tenantId, id)).ToOk())
            .Doc("getCardHolderCanteen", "A holder's purses (cash, general subsidy, each program's with its expiry and rules), arrears, limits and the daily limit's audit",
                "dailyLimitChanges lists each change of the daily limit after registration with who made it and why, newest first.");

        holders.MapPost("/daily-limit", async (string tenantId, string id, ChangeDailyLimitRequest body, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
                (await ChangeDailyLimit(http.User, grains, tenantId, id, body, clock.GetUtcNow())).Map(CardHolderResponse.From).ToOk())
            .Doc("changeDailyLimit", "Change a holder's daily limit after registration (audited: who and why)",
                "dailyLimit is fen per local day (null: none of its own); reason is required. Card office roles. Setting the same limit changes nothing.");

        holders.MapPut("/canteen-profile", async (string tenantId, string id, CanteenProfileRequest body, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
                (await SetProfile(http.User, grains, tenantId, id, body, clock.GetUtcNow())).ToOk())
            .Doc("setCanteenProfile", "Set a holder's limit group and own per-meal limits and offline cap",
                "group (a grade, a department) chooses the group:{group} limit rule and subsidy and campaign eligibility; null fields mean the group's or tenant's rule.");
    }

    public static async Task<Outcome<CanteenWalletView>> Wallet(ClaimsPrincipal user, IGrainFactory grains, string tenantId, string id)
    {
        user.RequireTenantAccess(tenantId, CanteenAccess.Readers);
        return IsHolderId(id) ? await Holder(grains, tenantId, id).Canteen() : Refusal.NotFound("The card holder");
    }

    public static async Task<Outcome<CardHolderView>> ChangeDailyLimit(ClaimsPrincipal user, IGrainFactory grains, string tenantId, string id, ChangeDailyLimitRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, Roles.CardOffice);
        new Validation()
            .Require(body.DailyLimit is null or (> 0 and <= Validation.MaxAmount), "dailyLimit", $"dailyLimit must be null or fen between 1 and {Validation.MaxAmount}.")
            .Text(body.Reason, "reason", 200)
            .ThrowIfInvalid();
        return IsHolderId(id)
            ? await Holder(grains, tenantId, id).ChangeDailyLimit(new ChangeDailyLimit(body.DailyLimit, body.Reason!.Trim(), user.Identity?.Name ?? "", now))
            : Refusal.NotFound("The card holder");
    }

    public static async Task<Outcome<CanteenWalletView>> SetProfile(ClaimsPrincipal user, IGrainFactory grains, string tenantId, string id, CanteenProfileRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, Roles.CardOffice);
        new Validation()
            .Require(body.Group is null || body.Group.Trim().Length is >= 1 and <= 64, "group", "group must be 1 to 64 characters.")
            .Require(body.PerMealAmount is null or (> 0 and <= Validation.MaxAmount), "perMealAmount", "perMealAmount must be fen greater than 0.")
            .Require(body.PerMealTaps is null or (> 0 and <= 100), "perMealTaps", "perMealTaps must be 1 to 100.")
            .Require(body.OfflineCap is null or (>= 0 and <= Validation.MaxAmount), "offlineCap", "offlineCap must be fen, 0 or more.")
            .ThrowIfInvalid();
        return IsHolderId(id)
            ? await Holder(grains, tenantId, id).SetCanteenProfile(new SetCanteenProfile(body.Group?.Trim(), body.PerMealAmount, body.PerMealTaps, body.OfflineCap, user.Identity?.Name ?? "", now))
            : Refusal.NotFound("The card holder");
    }

    static bool IsHolderId(string id) => id.StartsWith("ch_", StringComparison.Ordinal);

    static ICanteenWalletGrain Holder(IGrainFactory grains, string tenantId, string id) => grains.GetGrain<ICanteenWalletGrain>(GrainKeys.For(tenantId, id));
}
