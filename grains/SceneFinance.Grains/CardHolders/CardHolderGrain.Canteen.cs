using Marten;
using SceneFinance.Grains.Canteen;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Storage;

namespace SceneFinance.Grains.CardHolders;

/// <summary>The canteen's side of the card holder's grain (<see cref="ICanteenWalletGrain"/>): the same activation and stream.</summary>
public sealed partial class CardHolderGrain
{
    // A grant or an end of a program's period is applied once by the wallet's own record (Grants, the purse being gone),
    // not by a stored ticket: stored tickets are purged after a while, a period's grant must never come twice.

    Task<Outcome<SubsidyMovement>> ICanteenWalletGrain.GrantSubsidy(GrantSubsidy c) =>
        _wallet.Write(s => Subsidies.Grant(s, c), (_, d) => Subsidies.Movement(d));

    Task<Outcome<SubsidyMovement>> ICanteenWalletGrain.EndSubsidy(EndSubsidy c) =>
        _wallet.Write(s => Subsidies.End(s, c), (_, d) => Subsidies.Movement(d));

    async Task<Outcome<RefundResult>> ICanteenWalletGrain.Refund(RefundPayment c)
    {
        Sale? sale;
        await using (var session = store.QuerySession(TenantId)) sale = await session.LoadAsync<Sale>(c.PaymentId);
        if (sale is null || sale.CardHolderId != Id) return Refusal.NotFound("The payment");
        var payment = new RefundablePayment(sale.Id, sale.Amount, sale.Parts, sale.CampaignId, sale.Discount, sale.Shortfall,
            sale.TerminalId, sale.MerchantId, sale.LocalDay, sale.MealPeriod);
        return await _wallet.Write(s => Refunds.Decide(s, c, payment) is var d && d.Refused ? d : WithDocuments(d, sale, c),
            (next, d) => Refunded(next, d.Event<PaymentRefunded>()!), c.Ticket, c.Now);
    }

    /// <summary>The sale shows what was refunded; the refund is listed on the day it was made; a campaign's discount given back is marked.</summary>
    static Decided WithDocuments(Decided d, Sale sale, RefundPayment c)
    {
        var e = d.Event<PaymentRefunded>()!;
        var refunded = sale.Refunded + e.Amount;
        var next = new Sale
        {
            Id = sale.Id, CardHolderId = sale.CardHolderId, CardLast4 = sale.CardLast4, TerminalId = sale.TerminalId, MerchantId = sale.MerchantId,
            LocalDay = sale.LocalDay, MealPeriod = sale.MealPeriod, OccurredAt = sale.OccurredAt, ApprovedAt = sale.ApprovedAt, Amount = sale.Amount,
            Parts = sale.Parts, CampaignId = sale.CampaignId, Discount = sale.Discount, Shortfall = sale.Shortfall, Offline = sale.Offline,
            Refunded = refunded, Voided = sale.Voided || e.Kind == RefundPayment.Void,
        };
        d = d.Upsert(next).Insert(new SaleRefund
        {
            Id = e.RefundId, PaymentId = sale.Id, CardHolderId = sale.CardHolderId, Kind = e.Kind, Reason = e.Reason, By = e.By,
            TerminalId = sale.TerminalId, MerchantId = sale.MerchantId, MealPeriod = sale.MealPeriod, LocalDay = c.Today, Amount = e.Amount,
            ToPurses = [.. e.ToPurses], ToFunders = e.ToFunders.Sum(f => f.Amount), ToMarketing = e.ToMarketing, ArrearsCleared = e.ArrearsCleared, At = e.RefundedAt,
        });
        if (sale.CampaignId is { } campaign && e.ToMarketing > 0)
            d = d.Upsert(new CampaignRedemption
            {
                Id = sale.Id, CampaignId = campaign, CardHolderId = sale.CardHolderId, LocalDay = sale.LocalDay, Discount = sale.Discount,
                Refunded = true, At = e.RefundedAt,
            });
        return d;
    }

    RefundResult Refunded(CardHolder next, PaymentRefunded e) => new(e.RefundId, e.PaymentId, e.Kind, e.Amount, e.ToPurses,
        e.ToFunders.Sum(f => f.Amount), e.ToMarketing, e.ArrearsCleared, next.Canteen.Refunded.GetValueOrDefault(e.PaymentId), Balance(next));

    Task<Outcome<CardHolderView>> ICanteenWalletGrain.ChangeDailyLimit(ChangeDailyLimit c) =>
        _wallet.Write(s => HolderLimits.ChangeDaily(s, c), View);

    Task<Outcome<CanteenWalletView>> ICanteenWalletGrain.SetCanteenProfile(SetCanteenProfile c) =>
        _wallet.Write(s => HolderLimits.SetProfile(s, c), next => CanteenView(next, []));

    async Task<Outcome<CanteenWalletView>> ICanteenWalletGrain.Canteen()
    {
        if (_wallet.State is not { } s) return Refusal.NotFound("The card holder");
        await using var session = store.QuerySession(TenantId);
        var changes = await session.Events.QueryAllRawEvents()
            .Where(e => e.StreamKey == Id && e.EventTypeName == "daily_limit_changed")
            .OrderByDescending(e => e.Version).Take(100).ToListAsync();
        return CanteenView(s, [.. changes.Select(e => e.Data).OfType<DailyLimitChanged>().Select(c => new DailyLimitChange(c.From, c.To, c.Reason, c.By, c.ChangedAt))]);
    }

    static CanteenWalletView CanteenView(CardHolder s, IReadOnlyList<DailyLimitChange> changes) => new(
        s.Id, s.Cash, s.SubsidyTotal,
        [.. s.Canteen.Purses.Values.Select(p => new ProgramPurseView(p.ProgramId, p.PeriodKey, p.Balance, p.ExpiresAt, p.Categories, p.MealPeriods))],
        s.Canteen.Arrears, s.Canteen.Group, s.DailyLimit, s.Canteen.PerMealAmount, s.Canteen.PerMealTaps, s.Canteen.OfflineCap, changes);

    static bool ArrearsChanged(Decided d) => d.Events.Any(e =>
        e is PaymentApproved { Shortfall: > 0 } or ArrearsRecovered or PaymentRefunded { ArrearsCleared: > 0 });

    static ArrearsListing ArrearsOf(CardHolder s) => new()
    {
        Id = s.Id, Name = s.Name, ExternalId = s.ExternalId, Outstanding = s.Canteen.Arrears, UpdatedAt = DateTimeOffset.UtcNow,
    };
}
