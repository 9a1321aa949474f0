using Marten;
using SceneFinance.Grains.Cards;
using SceneFinance.Grains.Risk;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Storage;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Grains.CardHolders;

/// <summary>
/// Orchestrates one wallet: its <see cref="StreamWriter{TState}"/> rebuilds it from the stream, <see cref="Wallet"/> decides,
/// and the writer commits the event (its own journal entry) with the outcome under the request's ticket before answering.
/// </summary>
public sealed class CardHolderGrain(IDocumentStore store, StreamWriters writers, IGrainFactory grains, RiskBook risk) : Grain, ICardHolderGrain
{
    StreamWriter<CardHolder> _wallet = null!;
    string? _idNumberDigest; // an ID number never changes: digested once, for the ID number lists

    public override async Task OnActivateAsync(CancellationToken ct)
    {
        var (tenantId, id) = GrainKeys.Parse(this.GetPrimaryKeyString());
        _wallet = writers.For<CardHolder>(tenantId, id, RiskTrail.Following(CardHolder.Fold), Refusal.NotFound("The card holder"), Listed);
        await Task.WhenAll(_wallet.Load(ct), risk.Ensure(tenantId, ct)); // the tenant's rules: read once per silo, not per tap
    }

    string TenantId => _wallet.TenantId;
    string Id => _wallet.StreamKey;

    /// <summary>The listing follows the rare changes lists show (not the balance): payments write no document.</summary>
    static Decided Listed(CardHolder next, Decided d) =>
        d.Events.Any(e => e is CardHolderRegistered or CardFrozen or CardUnfrozen or CardReportedLost or CardReplaced)
            ? d.Upsert(Listing(next, d.Events[^1] switch
            {
                CardHolderRegistered r => r.RegisteredAt, CardFrozen f => f.FrozenAt, CardUnfrozen u => u.UnfrozenAt,
                CardReportedLost l => l.ReportedAt, CardReplaced r => r.ReplacedAt, _ => DateTimeOffset.UtcNow,
            }))
            : d;

    Task<Outcome<CardHolderView>> ICardHolderGrain.Register(RegisterCardHolder c) => _wallet.Start(
        state => state is not null
            ? Refusal.Conflict("This card holder already exists.")
            : Decided.To(new CardHolderRegistered(Id, c.ExternalId, c.Name, c.Kind, c.CardNumber, c.IdNumber, c.Phone, c.DailyLimit, c.Now))
                .Claim(new CardAssignment { Id = CardKeys.Of(c.CardNumber), CardHolderId = Id },
                    Refusal.Taken("cardNumber", "This card number is already in use in the tenant."))
                .Claim(new ExternalIdClaim { Id = c.ExternalId, CardHolderId = Id },
                    Refusal.Taken("externalId", "This external id is already in use in the tenant.")),
        // No card-index refresh: a new number was unknown at most a few seconds ago (CardGrain re-reads unknown
        // cards after 5 s), and not touching the card grain keeps bulk registration at one read and one commit.
        (next, _) => View(next, fullCardNumber: true));

    Task<CardHolderView?> ICardHolderGrain.Get()
    {
        if (_wallet.State is null) DeactivateOnIdle(); // someone asked for an id that does not exist: don't keep it in memory
        return Task.FromResult(_wallet.State is null ? null : View(_wallet.State));
    }

    async Task<Outcome<TopUpResult>> ICardHolderGrain.TopUp(TopUpCard c)
    {
        var active = await grains.GetGrain<ITenantGrain>(TenantId).GetPaymentPolicy() is { Active: true };
        return await _wallet.Write(s => Wallet.Decide(s, new TopUp(c.TopUpId, c.Amount, c.Purse, c.Channel, active, c.Now, c.By)),
            next => new TopUpResult(c.TopUpId, "succeeded", new Balance(next.Cash, next.Subsidy)), c.Ticket, c.Now);
    }

    Task<Outcome<PaymentResult>> ICardHolderGrain.Pay(Pay c) => _wallet.Write(
        s => RiskGate.Decide(s, c, risk.Current(TenantId), _idNumberDigest ??= risk.IdNumberDigestNow(s.IdNumber), Wallet.Decide(s, c)),
        (_, d) => d.Events[0] switch
        {
            PaymentApproved a => new PaymentResult(a.PaymentId, "approved", null, a.Amount, a.BalanceAfter),
            PaymentDeclined r => new PaymentResult(r.PaymentId, "declined", r.DeclineCode, r.Amount, null),
            var e => throw new InvalidOperationException($"Unknown payment decision {e.GetType().Name}"),
        },
        c.Ticket, c.Now);

    Task<bool> ICardHolderGrain.IsCurrentCard(string cardNumber) =>
        Task.FromResult(_wallet.State is { Status: not CardStatus.Lost } s && string.Equals(s.CardNumber, cardNumber, StringComparison.Ordinal));

    // Movements the gateway asks for are applied once each: the operation's ticket holds its first outcome.

    Task<Outcome<Balance>> ICardHolderGrain.CreditFromGateway(GatewayCredit c) =>
        _wallet.Write(s => Wallet.Credit(s, c), Balance, IdempotencyTicket.Operation($"credit:{c.IntentId}"), c.Now);

    Task<Outcome<Balance>> ICardHolderGrain.DebitForRefund(GatewayRefund c) =>
        _wallet.Write(s => Wallet.Debit(s, c), Balance, IdempotencyTicket.Operation($"refund:{c.RefundId}"), c.Now);

    Task<Outcome<Balance>> ICardHolderGrain.ReleaseRefund(GatewayRefund c) =>
        _wallet.Write(s => Wallet.Release(s, c), Balance, IdempotencyTicket.Operation($"release:{c.RefundId}"), c.Now);

    static Balance Balance(CardHolder s) => new(s.Cash, s.Subsidy);

    Task<Outcome<CardHolderView>> ICardHolderGrain.Freeze(DateTimeOffset now) => _wallet.Write(s => Wallet.Freeze(s, now), View);
    Task<Outcome<CardHolderView>> ICardHolderGrain.Unfreeze(DateTimeOffset now) => _wallet.Write(s => Wallet.Unfreeze(s, now), View);
    Task<Outcome<CardHolderView>> ICardHolderGrain.ReportLost(DateTimeOffset now) => _wallet.Write(s => Wallet.ReportLost(s, now), View);

    async Task<Outcome<CardHolderView>> ICardHolderGrain.ReplaceCard(string newCardNumber, DateTimeOffset now)
    {
        var replaced = await _wallet.Write(s => Reassign(s, Wallet.Replace(s, newCardNumber, now), newCardNumber), View);
        // The old card keeps pointing at this holder (who now declines it), so only the new card's index can be stale.
        if (!replaced.Refused) await grains.GetGrain<ICardGrain>(CardKeys.Grain(TenantId, newCardNumber)).Refresh();
        return replaced;
    }

    /// <summary>The new number is claimed once in the tenant; the old one stays reserved for this holder, retired.</summary>
    Decided Reassign(CardHolder s, Decided replaced, string newCardNumber) => replaced.Refused ? replaced : replaced
        .Claim(new CardAssignment { Id = CardKeys.Of(newCardNumber), CardHolderId = Id },
            Refusal.Taken("newCardNumber", "This card number is already in use in the tenant."))
        .Upsert(new CardAssignment { Id = CardKeys.Of(s.CardNumber), CardHolderId = Id, Retired = true });

    async Task<Outcome<IReadOnlyList<TransactionItem>>> ICardHolderGrain.Transactions(int limit)
    {
        if (_wallet.State is null) return Refusal.NotFound("The card holder");
        await using var session = store.QuerySession(TenantId);
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.StreamKey == Id && MoneyEvents.Contains(e.EventTypeName))
            .OrderByDescending(e => e.Version)
            .Take(limit)
            .ToListAsync();
        return events.Select(e => e.Data switch
            {
                CardToppedUp t => new TransactionItem(t.TopUpId, "topup", t.Amount, t.CashAfter + t.SubsidyAfter, t.ToppedUpAt, null, "succeeded"),
                PaymentApproved p => new TransactionItem(p.PaymentId, "payment", p.Amount, p.BalanceAfter, p.ApprovedAt, p.TerminalId, "approved"),
                PaymentDeclined d => new TransactionItem(d.PaymentId, "payment", d.Amount, d.BalanceAfter, d.DeclinedAt, d.TerminalId, "declined"),
                CardRefundDebited r => new TransactionItem(r.RefundId, "refund", r.Amount, r.CashAfter + r.SubsidyAfter, r.DebitedAt, null, "succeeded"),
                CardRefundReleased r => new TransactionItem(r.RefundId, "adjustment", r.Amount, r.CashAfter + r.SubsidyAfter, r.ReleasedAt, null, "succeeded"),
                _ => null,
            })
            .OfType<TransactionItem>()
            .ToList();
    }

    static readonly string[] MoneyEvents = ["card_topped_up", "payment_approved", "payment_declined", "card_refund_debited", "card_refund_released"];

    static CardHolderListing Listing(CardHolder s, DateTimeOffset now) => new()
    {
        Id = s.Id, ExternalId = s.ExternalId, Name = s.Name, Kind = s.Kind,
        CardLast4 = s.CardNumber.Length > 4 ? s.CardNumber[^4..] : s.CardNumber,
        Status = s.Status.ToString().ToLowerInvariant(), UpdatedAt = now,
    };

    /// <summary>Personal data masked; the full card number only in the answer to registration.</summary>
    static CardHolderView View(CardHolder s) => View(s, fullCardNumber: false);

    static CardHolderView View(CardHolder s, bool fullCardNumber) =>
        new(s.Id, s.ExternalId, s.Name, s.Kind, fullCardNumber ? s.CardNumber : Masking.KeepLast4(s.CardNumber)!, s.Status.ToString().ToLowerInvariant(),
            s.DailyLimit, new Balance(s.Cash, s.Subsidy), Masking.KeepLast4(s.IdNumber), Masking.Phone(s.Phone));
}
