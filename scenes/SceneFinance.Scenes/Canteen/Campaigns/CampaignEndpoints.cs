using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Canteen.MealPeriods;

namespace SceneFinance.Scenes.Canteen.Campaigns;

public sealed record OpenCampaignRequest(
    string? Name, DateOnly? From, DateOnly? To, string? MealPeriod, IReadOnlyList<string>? MerchantIds, IReadOnlyList<string>? Kinds,
    IReadOnlyList<string>? Groups, long? Price, int? PerHolderDailyCap, long? Budget);

public sealed record CampaignList(IReadOnlyList<CampaignView> Items);

/// <summary>Pricing campaigns (the one-cent breakfast): open, list, read, close, and their report.</summary>
public static class CampaignEndpoints
{
    public static void MapCampaigns(this IEndpointRouteBuilder canteen)
    {
        canteen.MapPost("/campaigns", async (string tenantId, OpenCampaignRequest body, HttpContext http, IDocumentStore store, IGrainFactory grains, TimeProvider clock) =>
                (await Open(http.User, store, grains, tenantId, body, clock.GetUtcNow())).ToCreated(c => $"/api/v1/tenants/{tenantId}/canteen/campaigns/{c.Id}"))
            .Doc("createCampaign", "Open a pricing campaign, such as breakfast for one cent",
                "From from to to (local days, inclusive), in one meal period, at the named merchants, holders of kinds or groups (none: everyone) pay "
                + "price (fen) for a tap that costs more, at most perHolderDailyCap times a day; the bank's marketing account (bank-marketing:{campaignId}) "
                + "pays the rest until budget (fen) is spent, exactly: the last tap gets what is left. Tenant-admin, finance or the platform admin.");

        canteen.MapGet("/campaigns", async (string tenantId, HttpContext http, IDocumentStore store, IGrainFactory grains) =>
                TypedResults.Ok(new CampaignList(await List(http.User, store, grains, tenantId))))
            .Doc("listCampaigns", "The tenant's campaigns, newest first, with what each spent and has left");

        canteen.MapGet("/campaigns/{campaignId}", async (string tenantId, string campaignId, HttpContext http, IGrainFactory grains) =>
                (await Get(http.User, grains, tenantId, campaignId)).ToOk())
            .Doc("getCampaign", "A campaign with what it spent and has left",
                "status is active, spent (the budget is used up) or closed; spent counts taps approved and taps being decided right now.");

        canteen.MapPost("/campaigns/{campaignId}/close", async (string tenantId, string campaignId, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
                (await Close(http.User, grains, tenantId, campaignId, clock.GetUtcNow())).ToOk())
            .Doc("closeCampaign", "Close a campaign: no more taps are priced by it", "What it spent stays; closing it again changes nothing.");

        canteen.MapGet("/campaigns/{campaignId}/report", async (string tenantId, string campaignId, HttpContext http, IDocumentStore store, IGrainFactory grains) =>
                (await CampaignReports.Report(http.User, store, grains, tenantId, campaignId)).ToOk())
            .Doc("getCampaignReport", "A campaign's uptake per day, unique holders, cost and remaining budget",
                "Counts approved taps (voided or fully refunded ones left out); cost is what the marketing account paid. The shell exports it as .xlsx.");
    }

    public static async Task<Outcome<CampaignView>> Open(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId, OpenCampaignRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, CanteenAccess.Managers);
        await grains.FindTenant(tenantId).OrThrow();
        await using var session = store.QuerySession(tenantId);
        var periods = (await CanteenSettings.Load(session)).MealPeriods.Select(p => p.Id).ToHashSet();
        var merchants = (await session.Query<MerchantListing>().Where(m => m.Status == "active").Select(m => m.Id).ToListAsync()).ToHashSet();
        new Validation()
            .Text(body.Name, "name", 100)
            .Require(body.From is not null, "from", "from is required (a local day like 2026-09-01).")
            .Require(body.To is not null && (body.From is null || body.To >= body.From), "to", "to is required, on or after from.")
            .Require(body.MealPeriod is not null && periods.Contains(body.MealPeriod), "mealPeriod", "mealPeriod must be one of the canteen's meal periods.")
            .Require(body.MerchantIds is { Count: > 0 and <= 200 } ids && ids.All(merchants.Contains), "merchantIds", "merchantIds must name 1 to 200 open merchants of this tenant.")
            .Require(body.Kinds is null || body.Kinds.All(CardHolders.CardHolderEndpoints.Kinds.Contains), "kinds", "kinds must be card holder kinds (student, staff, patient, visitor).")
            .Require(body.Groups is null || body.Groups.All(g => g is { Length: >= 1 and <= 64 }), "groups", "groups must be 1 to 64 characters each.")
            .Require(body.Price is >= 0 and <= Validation.MaxAmount, "price", "price is the fen a holder pays, 0 or more.")
            .Require(body.PerHolderDailyCap is >= 1 and <= 20, "perHolderDailyCap", "perHolderDailyCap must be 1 to 20 taps a day.")
            .Amount(body.Budget, "budget")
            .ThrowIfInvalid();
        var definition = new CampaignDefinition(body.Name!.Trim(), body.From!.Value, body.To!.Value, body.MealPeriod!, [.. body.MerchantIds!.Distinct()],
            [.. body.Kinds ?? []], [.. body.Groups ?? []], body.Price!.Value, body.PerHolderDailyCap!.Value, body.Budget!.Value);
        var opened = await Campaign(grains, tenantId, Ids.New("cmp")).Open(definition, now);
        if (!opened.Refused) await grains.GetGrain<ICanteenPolicyGrain>(tenantId).Refresh();
        return opened;
    }

    public static async Task<IReadOnlyList<CampaignView>> List(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId)
    {
        user.RequireTenantAccess(tenantId, CanteenAccess.Readers);
        await using var session = store.QuerySession(tenantId);
        var ids = await session.Query<CampaignListing>().OrderByDescending(c => c.CreatedAt).Take(200).Select(c => c.Id).ToListAsync();
        return (await Task.WhenAll(ids.Select(id => Campaign(grains, tenantId, id).Get()))).OfType<CampaignView>().ToList();
    }

    public static async Task<Outcome<CampaignView>> Get(ClaimsPrincipal user, IGrainFactory grains, string tenantId, string campaignId)
    {
        user.RequireTenantAccess(tenantId, CanteenAccess.Readers);
        return IsCampaignId(campaignId) && await Campaign(grains, tenantId, campaignId).Get() is { } view ? view : Refusal.NotFound("The campaign");
    }

    public static async Task<Outcome<CampaignView>> Close(ClaimsPrincipal user, IGrainFactory grains, string tenantId, string campaignId, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, CanteenAccess.Managers);
        if (!IsCampaignId(campaignId)) return Refusal.NotFound("The campaign");
        var closed = await Campaign(grains, tenantId, campaignId).Close(now);
        if (!closed.Refused) await grains.GetGrain<ICanteenPolicyGrain>(tenantId).Refresh();
        return closed;
    }

    public static bool IsCampaignId(string id) => id.StartsWith("cmp_", StringComparison.Ordinal);

    public static ICampaignGrain Campaign(IGrainFactory grains, string tenantId, string id) => grains.GetGrain<ICampaignGrain>(GrainKeys.For(tenantId, id));
}
