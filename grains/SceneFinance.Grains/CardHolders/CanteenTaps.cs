using SceneFinance.Grains.Canteen;
using SceneFinance.Platform.Storage;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Grains.CardHolders;

/// <summary>
/// What a tap adds to the card holder's payment beyond the wallet's decision: a campaign's reservation around it, and the
/// documents committed with it (its sale, an offline exception, the campaign redemption that fences the reservation).
/// </summary>
public static class CanteenTaps
{
    /// <summary>The refusal of a tap whose campaign reservation was given back before the tap committed: pay it without the campaign.</summary>
    public const string CampaignReleased = "campaign_released";

    static readonly Refusal Released = new(RefusalKind.Conflict, CampaignReleased, "The campaign's reservation for this tap was given back.");

    /// <summary>
    /// The tap with the campaign's discount reserved, when a campaign prices it for this holder and the tap would be approved
    /// with it; otherwise the tap as it is. Non-campaign taps never reach a campaign.
    /// </summary>
    public static async Task<Pay> Priced(IGrainFactory grains, string tenantId, CardHolder? state, Pay c)
    {
        if (state is null || c.Canteen is not { Campaign: { } campaign, Offline: null } terms || !CampaignPricing.Eligible(state, c)) return c;
        var full = c with { Canteen = terms with { Discount = new CampaignDiscount(campaign.CampaignId, c.Amount - campaign.Price) } };
        if (Wallet.Decide(state, full) is not PaymentApproved) return c;
        var discount = await grains.GetGrain<ICampaignGrain>(GrainKeys.For(tenantId, campaign.CampaignId)).Reserve(c.PaymentId, state.Id, c.Amount, c.Now);
        return discount is null ? c : c with { Canteen = terms with { Discount = discount } };
    }

    /// <summary>Gives the reservation back unless this very payment was approved with it (the release is fenced, so a doubt is safe).</summary>
    public static async Task Settle(IGrainFactory grains, string tenantId, Pay priced, Outcome<PaymentResult> outcome)
    {
        if (priced.Canteen?.Discount is not { } d) return;
        if (outcome.Value is { } r && r.PaymentId == priced.PaymentId && r.CampaignId == d.CampaignId) return;
        await grains.GetGrain<ICampaignGrain>(GrainKeys.For(tenantId, d.CampaignId)).Release(priced.PaymentId, priced.Now);
    }

    /// <summary>The decision (the wallet's, through the risk rules) with what is committed beside it.</summary>
    public static Decided Documents(CardHolder s, Pay c, Decided decided)
    {
        var decision = decided.Events[0];
        var last4 = c.CardNumber.Length > 4 ? c.CardNumber[^4..] : c.CardNumber;
        switch (decision)
        {
            case PaymentApproved a:
                decided = decided.Insert(new Sale
                {
                    Id = a.PaymentId, CardHolderId = s.Id, CardLast4 = last4, TerminalId = a.TerminalId, MerchantId = c.MerchantId, LocalDay = a.LocalDay,
                    MealPeriod = a.Meal?.Period, OccurredAt = a.OccurredAt, ApprovedAt = a.ApprovedAt, Amount = a.Amount, Parts = [.. a.Parts ?? []],
                    CampaignId = a.CampaignId, Discount = a.Discount, Shortfall = a.Shortfall, Offline = a.Offline,
                });
                if (a.Shortfall > 0) decided = decided.Insert(Exception(s, c, a.PaymentId, OfflineExceptionReasons.Arrears, null, last4, a.Shortfall));
                if (a.CampaignId is { } campaign)
                    decided = decided.Claim(new CampaignRedemption
                    {
                        Id = a.PaymentId, CampaignId = campaign, CardHolderId = s.Id, LocalDay = a.LocalDay, Discount = a.Discount, At = a.ApprovedAt,
                    }, Released);
                break;
            case PaymentDeclined { OfflineException: { } reason } d:
                decided = decided.Insert(Exception(s, c, d.PaymentId, reason, d.DeclineCode, last4, 0));
                break;
        }
        return decided;
    }

    static OfflineException Exception(CardHolder s, Pay c, string paymentId, string reason, string? code, string last4, long shortfall) => new()
    {
        Id = paymentId, Reason = reason, DeclineCode = code, TerminalId = c.TerminalId, MerchantId = c.MerchantId, CardHolderId = s.Id,
        CardLast4 = last4, PaymentId = paymentId, Amount = c.Amount, Shortfall = shortfall, ListVersion = c.Canteen?.Offline?.ListVersion ?? 0,
        LocalDay = c.LocalDay, OccurredAt = c.OccurredAt, RecordedAt = c.Now,
    };

    /// <summary>The answer to the tap (api-v1.md's shape, with what the holder paid, the campaign, arrears and an offline exception).</summary>
    public static PaymentResult Result(Decided d) => d.Events[0] switch
    {
        PaymentApproved a => new PaymentResult(a.PaymentId, "approved", null, a.Amount, a.BalanceAfter, a.HolderPaid, a.CampaignId, a.Shortfall > 0 ? a.Shortfall : null),
        PaymentDeclined r => new PaymentResult(r.PaymentId, "declined", r.DeclineCode, r.Amount, null, OfflineException: r.OfflineException),
        var e => throw new InvalidOperationException($"Unknown payment decision {e.GetType().Name}"),
    };
}
