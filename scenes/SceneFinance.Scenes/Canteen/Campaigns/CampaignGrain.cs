using Marten;
using SceneFinance.Grains;
using SceneFinance.Platform.Storage;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Scenes.Canteen.Campaigns;

/// <summary>
/// One campaign's budget on the single writer (stream <c>campaign-{id}</c>). A reservation is committed before the wallet
/// decides; a release claims the tap's <see cref="CampaignRedemption"/> (which the approved tap claims in its own commit), so a
/// reservation is either spent or given back, never both. Reservations not heard of for a minute (a crash between the two
/// commits) are settled from the redemptions: approved ones stay spent, the others go back to the budget.
/// </summary>
public sealed class CampaignGrain(IDocumentStore store, StreamWriters writers, TimeProvider clock) : Grain, ICampaignGrain
{
    static readonly TimeSpan SettleAfter = TimeSpan.FromMinutes(1);
    static readonly Refusal Approved = Refusal.Conflict("The tap was approved with this reservation.");
    StreamWriter<Campaign> _campaign = null!;

    public override async Task OnActivateAsync(CancellationToken ct)
    {
        var (tenantId, id) = GrainKeys.Parse(this.GetPrimaryKeyString());
        _campaign = writers.For<Campaign>(tenantId, "campaign-" + id, Campaign.Fold, Refusal.NotFound("The campaign"), (next, d) => d.Upsert(next.Listing()));
        await _campaign.Load(ct);
        this.RegisterGrainTimer(SettleStale, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
    }

    string Id => GrainKeys.Parse(this.GetPrimaryKeyString()).Id;

    Task<Outcome<CampaignView>> ICampaignGrain.Open(CampaignDefinition definition, DateTimeOffset now) =>
        _campaign.Start(s => CampaignDecisions.Open(s, Id, definition, now), (next, _) => next.View());

    Task<Outcome<CampaignView>> ICampaignGrain.Close(DateTimeOffset now) => _campaign.Write(s => CampaignDecisions.Close(s, now), next => next.View());

    Task<CampaignView?> ICampaignGrain.Get()
    {
        if (_campaign.State is null) DeactivateOnIdle();
        return Task.FromResult(_campaign.State?.View());
    }

    async Task<CampaignDiscount?> ICampaignGrain.Reserve(string paymentId, string cardHolderId, long amount, DateTimeOffset now)
    {
        if (_campaign.State is null) return null;
        var reserved = await _campaign.Write(s => CampaignDecisions.Reserve(s, paymentId, cardHolderId, amount, now),
            next => next.Pending.TryGetValue(paymentId, out var r) ? new CampaignDiscount(Id, r.Amount) : null);
        return reserved.Value;
    }

    Task ICampaignGrain.Release(string paymentId, DateTimeOffset now) => Release(paymentId, now);

    async Task Release(string paymentId, DateTimeOffset now)
    {
        if (_campaign.State?.Pending.ContainsKey(paymentId) != true) return;
        var released = await _campaign.Write(s => CampaignDecisions.Release(s, paymentId, now) is var d && d.Events.Count > 0
                ? d.Claim(new CampaignRedemption { Id = paymentId, CampaignId = Id, Released = true, At = now }, Approved)
                : d,
            _ => true);
        // The payment claimed the redemption first: the reservation was spent, it is settled instead.
        if (released.Refusal == Approved) await _campaign.Write(s => CampaignDecisions.Settle(s, [paymentId], now), _ => true);
    }

    async Task SettleStale()
    {
        if (_campaign.State is not { } s) return;
        var now = clock.GetUtcNow();
        var stale = s.Pending.Where(p => now - p.Value.At > SettleAfter).Select(p => p.Key).Take(500).ToArray();
        if (stale.Length == 0) return;
        List<string> approved;
        await using (var session = store.QuerySession(_campaign.TenantId))
            approved = [.. await session.Query<CampaignRedemption>().Where(r => stale.Contains(r.Id) && !r.Released).Select(r => r.Id).ToListAsync()];
        if (approved.Count > 0) await _campaign.Write(c => CampaignDecisions.Settle(c, approved, now), _ => true);
        foreach (var lost in stale.Except(approved)) await Release(lost, now);
    }
}
