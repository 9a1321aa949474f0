using System.Security.Claims;
using Marten;
using SceneFinance.Grains;
using SceneFinance.Platform.Security;

namespace SceneFinance.Scenes.Canteen.Campaigns;

public sealed record CampaignDay(DateOnly Day, int Taps, int UniqueHolders, long Cost);

public sealed record CampaignReport(CampaignView Campaign, IReadOnlyList<CampaignDay> Days, int Taps, int UniqueHolders, long Cost, long Remaining);

/// <summary>What a campaign did: its approved taps (redemptions not given back nor refunded) per day, unique holders, cost and what is left.</summary>
public static class CampaignReports
{
    public static async Task<Outcome<CampaignReport>> Report(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId, string campaignId)
    {
        user.RequireTenantAccess(tenantId, CanteenAccess.Readers);
        if (!CampaignEndpoints.IsCampaignId(campaignId) || await CampaignEndpoints.Campaign(grains, tenantId, campaignId).Get() is not { } campaign)
            return Refusal.NotFound("The campaign");
        await using var session = store.QuerySession(tenantId);
        var taps = await session.Query<CampaignRedemption>().Where(r => r.CampaignId == campaignId && !r.Released && !r.Refunded).ToListAsync();
        var days = taps.GroupBy(t => t.LocalDay).OrderBy(g => g.Key)
            .Select(g => new CampaignDay(g.Key, g.Count(), g.Select(t => t.CardHolderId).Distinct().Count(), g.Sum(t => t.Discount)))
            .ToList();
        return new CampaignReport(campaign, days, taps.Count, taps.Select(t => t.CardHolderId).Distinct().Count(), taps.Sum(t => t.Discount), campaign.Remaining);
    }
}
