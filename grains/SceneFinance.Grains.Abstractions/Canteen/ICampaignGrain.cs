using Orleans.Concurrency;

namespace SceneFinance.Grains;

/// <summary>
/// A pricing campaign ("一分钱吃早餐"): from <see cref="From"/> to <see cref="To"/> (local days), in one meal period, at some
/// merchants, for holders of some kinds or groups (none named: everyone), the holder pays <see cref="Price"/> and the bank's
/// marketing account the rest, at most <see cref="PerHolderDailyCap"/> times a day each, until <see cref="Budget"/> is spent.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CampaignDefinition(
    [property: Id(0)] string Name,
    [property: Id(1)] DateOnly From,
    [property: Id(2)] DateOnly To,
    [property: Id(3)] string MealPeriod,
    [property: Id(4)] IReadOnlyList<string> MerchantIds,
    [property: Id(5)] IReadOnlyList<string> Kinds,
    [property: Id(6)] IReadOnlyList<string> Groups,
    [property: Id(7)] long Price,
    [property: Id(8)] int PerHolderDailyCap,
    [property: Id(9)] long Budget);

[GenerateSerializer, Immutable]
public sealed record CampaignView(
    [property: Id(0)] string Id,
    [property: Id(1)] CampaignDefinition Definition,
    [property: Id(2)] string Status,
    [property: Id(3)] long Spent,
    [property: Id(4)] long Remaining,
    [property: Id(5)] int Redemptions,
    [property: Id(6)] DateTimeOffset CreatedAt);

/// <summary>
/// One campaign (key <c>"{tenantId}/{campaignId}"</c>): the single writer of its budget. A campaign tap's discount is reserved
/// here (committed before the wallet decides) and released if the tap is not approved, so the campaign spends exactly its
/// budget however many tills tap at once. Only campaign taps come here: every other tap never waits for it.
/// </summary>
public interface ICampaignGrain : IGrainWithStringKey
{
    Task<Outcome<CampaignView>> Open(CampaignDefinition definition, DateTimeOffset now);

    /// <summary>No more taps are priced by it; what it spent stays.</summary>
    Task<Outcome<CampaignView>> Close(DateTimeOffset now);

    [ReadOnly] Task<CampaignView?> Get();

    /// <summary>
    /// Reserves the discount of one tap (<paramref name="amount"/> less the price, or what is left of the budget): the same
    /// payment id gets the same reservation. Null when the campaign does not price taps now (closed, spent, too cheap a tap).
    /// </summary>
    Task<CampaignDiscount?> Reserve(string paymentId, string cardHolderId, long amount, DateTimeOffset now);

    /// <summary>Gives a reservation back unless its payment was approved (a redemption claims the payment id first): fenced, so it is safe to call whenever in doubt.</summary>
    Task Release(string paymentId, DateTimeOffset now);
}

/// <summary>
/// A campaign tap, by payment id: claimed by the wallet in the commit of the approved payment, or by the campaign when it
/// releases the reservation. Whichever comes first wins, so a reservation is either spent or given back, never both.
/// </summary>
public sealed class CampaignRedemption
{
    public string Id { get; set; } = "";
    public string CampaignId { get; set; } = "";
    public string? CardHolderId { get; set; }
    public DateOnly LocalDay { get; set; }
    public long Discount { get; set; }

    /// <summary>True when the reservation went back to the budget (the tap was not approved).</summary>
    public bool Released { get; set; }

    /// <summary>The tap was voided or fully refunded later: its discount went back to the marketing account.</summary>
    public bool Refunded { get; set; }

    public DateTimeOffset At { get; set; }
}
