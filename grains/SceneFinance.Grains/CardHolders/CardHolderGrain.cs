using Marten;
using SceneFinance.Grains.Cards;
using SceneFinance.Grains.OfflineTills;
using SceneFinance.Grains.Risk;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Storage;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Grains.CardHolders;

/// <summary>
/// Orchestrates one wallet: its <see cref="StreamWriter{TState}"/> rebuilds it from the stream, <see cref="Wallet"/> decides,
/// and the writer commits the event (its own journal entry) with the outcome under the request's ticket before answering.
/// The canteen's side of the wallet (subsidy purses, refunds, limits) is in CardHolderGrain.Canteen.cs: one grain, one
/// stream, split in two files so each stays readable.
/// <para>
/// Kept in memory for <see cref="KeptIdleMinutes"/> after its last call, not the silo's 15 minutes: an activation
/// replays every event the holder ever had (a term of taps costs 15 ms of CPU to rebuild, a tap 0.4; BENCHMARKS.md), and with
/// 15 minutes every meal's first tap would pay it.
/// </para>
/// </summary>
[CollectionAgeLimit(Minutes = KeptIdleMinutes)]
public sealed partial class CardHolderGrain(IDocumentStore store, StreamWriters writers, IGrainFactory grains, RiskBook risk, Sealer sealer)
    : Grain, ICardHolderGrain, ICanteenWalletGrain
{
    /// <summary>From breakfast to dinner: the day's taps find their wallets, and their cards' grains, in memory.</summary>
    public const int KeptIdleMinutes = 6 * 60;

    StreamWriter<CardHolder> _wallet = null!;
    Orleans.Runtime.IGrainTimer? _forget; // a made-up id leaves memory a little later (UnknownIds)

    public override async Task OnActivateAsync(CancellationToken ct)
    {
        var (tenantId, id) = GrainKeys.Parse(this.GetPrimaryKeyString());
        _wallet = writers.For<CardHolder>(tenantId, id, RiskTrail.Following(CardHolder.Fold), Refusal.NotFound("The card holder"),
            (next, d) => Listed(tenantId, next, d));
        await Task.WhenAll(_wallet.Load(ct), risk.Ensure(tenantId, ct)); // the tenant's rules: read once per silo, not per tap
    }

    string TenantId => _wallet.TenantId;
    string Id => _wallet.StreamKey;

    /// <summary>
    /// The listing follows the rare changes lists show (not the balance): payments write no listing. Arrears, when they
    /// change, are listed for the canteen's exceptions page.
    /// </summary>
    static Decided Listed(string tenantId, CardHolder next, Decided d) =>
        (d.Events.Any(e => e is CardHolderRegistered or CardFrozen or CardUnfrozen or CardReportedLost or CardReplaced or CanteenProfileSet or CardHolderRenamed or CardHolderClosed)
            ? d.Upsert(Listing(tenantId, next, d.Events[^1] switch
            {
                CardHolderRegistered r => r.RegisteredAt, CardFrozen f => f.FrozenAt, CardUnfrozen u => u.UnfrozenAt,
                CardReportedLost l => l.ReportedAt, CardReplaced r => r.ReplacedAt, CanteenProfileSet p => p.SetAt, CardHolderRenamed n => n.RenamedAt, CardHolderClosed c => c.ClosedAt, _ => DateTimeOffset.UtcNow,
            }))
            : d) is var listed && ArrearsChanged(d) ? listed.Upsert(ArrearsOf(next)) : listed;

    Task<Outcome<CardHolderView>> ICardHolderGrain.Register(RegisterCardHolder c) => _wallet.Start(
        state => state is not null
            ? Refusal.Conflict("This card holder already exists.")
            : Decided.To(new CardHolderRegistered(Id, c.ExternalId, c.Name, c.Kind, c.CardNumber, sealer.Seal(c.IdNumber), sealer.Seal(c.Phone), c.DailyLimit, c.Now,
                    Masking.KeepLast4(c.IdNumber), Masking.Phone(c.Phone), Digests.OfIdNumber(c.IdNumber), Digests.OfPhone(c.Phone)))
                .Claim(new CardAssignment { Id = CardKeys.Of(c.CardNumber), CardHolderId = Id },
                    Refusal.Taken("cardNumber", "This card number is already in use in the tenant."))
                .Claim(new ExternalIdClaim { Id = c.ExternalId, CardHolderId = Id },
                    Refusal.Taken("externalId", "This external id is already in use in the tenant.")),
        // No card-index refresh: a new number was unknown at most a few seconds ago (CardGrain re-reads unknown
        // cards after 5 s), and not touching the card grain keeps bulk registration at one read and one commit.
        (next, _) => View(next, fullCardNumber: true));

    Task<CardHolderView?> ICardHolderGrain.Get()
    {
        if (_wallet.State is null) _forget = this.ForgetLater(_forget, () => _wallet.State is null); // someone asked for an id that does not exist: don't keep it in memory
        return Task.FromResult(_wallet.State is null ? null : View(_wallet.State));
    }

    Task<string?> ICardHolderGrain.ContactPhone() => Task.FromResult(_wallet.State?.ContactPhone is { } sealedPhone ? sealer.Open(sealedPhone) : null);

    async Task<Outcome<TopUpResult>> ICardHolderGrain.TopUp(TopUpCard c)
    {
        var active = await grains.GetGrain<ITenantGrain>(TenantId).GetPaymentPolicy() is { Active: true };
        return await _wallet.Write(s => Wallet.Decide(s, new TopUp(c.TopUpId, c.Amount, c.Purse, c.Channel, active, c.Now, c.By)),
            next => new TopUpResult(c.TopUpId, "succeeded", Balance(next)), c.Ticket, c.Now);
    }

    /// <summary>
    /// A tap: priced by a campaign when one applies (its discount reserved by the campaign first, given back if not used),
    /// decided by the wallet and then the risk rules (<see cref="RiskGate"/>), committed with its sale and any offline
    /// exception (<see cref="CanteenTaps"/>).
    /// </summary>
    async Task<Outcome<PaymentResult>> ICardHolderGrain.Pay(Pay c)
    {
        var priced = await CanteenTaps.Priced(grains, TenantId, _wallet.State, c);
        var outcome = await PayAs(priced);
        if (outcome.Refusal?.Code == CanteenTaps.CampaignReleased) outcome = await PayAs(c); // the reservation went back meanwhile: full price
        await CanteenTaps.Settle(grains, TenantId, priced, outcome);
        return outcome;
    }

    Task<Outcome<PaymentResult>> PayAs(Pay c) =>
        _wallet.Write(s => CanteenTaps.Documents(s, c, Decide(s, c)), (_, d) => CanteenTaps.Result(d), c.Ticket, c.Now);

    /// <summary>
    /// An online tap passes the risk rules after the wallet. An offline tap was served already, judged by the card list the
    /// till held (which carries the blacklisted cards): rules read afterwards neither honour nor refuse it.
    /// </summary>
    Decided Decide(CardHolder s, Pay c) => c.Canteen?.Offline is not null
        ? Decided.To(Wallet.Decide(s, c))
        : RiskGate.Decide(s, c, risk.Current(TenantId), s.IdNumberDigest, Wallet.Decide(s, c));

    Task<bool> ICardHolderGrain.IsCurrentCard(string cardNumber) =>
        Task.FromResult(_wallet.State is { Status: not CardStatus.Lost } s && string.Equals(s.CardNumber, cardNumber, StringComparison.Ordinal));

    // Movements the gateway asks for are applied once each: the operation's ticket holds its first outcome.

    Task<Outcome<Balance>> ICardHolderGrain.CreditFromGateway(GatewayCredit c) =>
        _wallet.Write(s => Wallet.Credit(s, c), Balance, IdempotencyTicket.Operation($"credit:{c.IntentId}"), c.Now);

    Task<Outcome<Balance>> ICardHolderGrain.DebitForRefund(GatewayRefund c) =>
        _wallet.Write(s => Wallet.Debit(s, c), Balance, IdempotencyTicket.Operation($"refund:{c.RefundId}"), c.Now);

    Task<Outcome<Balance>> ICardHolderGrain.ReleaseRefund(GatewayRefund c) =>
        _wallet.Write(s => Wallet.Release(s, c), Balance, IdempotencyTicket.Operation($"release:{c.RefundId}"), c.Now);

    static Balance Balance(CardHolder s) => new(s.Cash, s.SubsidyTotal);

    Task<Outcome<CardHolderView>> ICardHolderGrain.Rename(RenameCardHolder c) => _wallet.Write(s => Wallet.Rename(s, c), View);

    /// <summary>A leaver: closed, then its card goes on the offline refuse list like a frozen one.</summary>
    Task<Outcome<CardHolderView>> ICardHolderGrain.Close(CloseCardHolder c) => Listing(s => Wallet.Close(s, c), c.Now);

    Task<Outcome<CashPayout>> ICardHolderGrain.PayOut(PayOutCash c) =>
        _wallet.Write(s => Wallet.PayOut(s, c), next => new CashPayout(c.PayoutId, c.Amount, c.Reason, c.PaidBy, c.Now, Balance(next)), c.Ticket, c.Now);

    Task<Outcome<CardHolderView>> ICardHolderGrain.Freeze(DateTimeOffset now) => Listing(s => Wallet.Freeze(s, now), now);
    Task<Outcome<CardHolderView>> ICardHolderGrain.Unfreeze(DateTimeOffset now) => Listing(s => Wallet.Unfreeze(s, now), now);
    Task<Outcome<CardHolderView>> ICardHolderGrain.ReportLost(DateTimeOffset now) => Listing(s => Wallet.ReportLost(s, now), now);

    async Task<Outcome<CardHolderView>> ICardHolderGrain.ReplaceCard(string newCardNumber, DateTimeOffset now)
    {
        var replaced = await Listing(s => Reassign(s, Wallet.Replace(s, newCardNumber, now), newCardNumber), now);
        // The old card keeps pointing at this holder (who now declines it), so only the new card's index can be stale.
        if (!replaced.Refused) await grains.GetGrain<ICardGrain>(CardKeys.Grain(TenantId, newCardNumber)).Refresh();
        return replaced;
    }

    /// <summary>A change of the card's status, then what it means for the offline refuse list (lost, frozen, retired cards).</summary>
    async Task<Outcome<CardHolderView>> Listing(Func<CardHolder, Decided> change, DateTimeOffset now)
    {
        var before = _wallet.State;
        var changed = await _wallet.Write(change, View);
        if (!changed.Refused && before is not null && _wallet.State is { } after) await CardStatusSource.Sync(grains, TenantId, before, after, now);
        return changed;
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
        // Every money event, oldest first, so each line's balance after is the running total of all purses.
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.StreamKey == Id && Statement.MoneyEvents.Contains(e.EventTypeName))
            .OrderBy(e => e.Version)
            .ToListAsync();
        return Statement.Lines(events.Select(e => e.Data)).Reverse().Take(limit).ToList();
    }

    static CardHolderListing Listing(string tenantId, CardHolder s, DateTimeOffset now) => new()
    {
        Id = s.Id, TenantId = tenantId, ExternalId = s.ExternalId, Name = s.Name, Kind = s.Kind, Class = s.Class,
        CardLast4 = s.CardNumber.Length > 4 ? s.CardNumber[^4..] : s.CardNumber,
        Status = s.Status.ToString().ToLowerInvariant(), Group = s.Canteen.Group, PhoneDigest = s.PhoneDigest, UpdatedAt = now,
    };

    /// <summary>Personal data masked; the full card number only in the answer to registration.</summary>
    static CardHolderView View(CardHolder s) => View(s, fullCardNumber: false);

    static CardHolderView View(CardHolder s, bool fullCardNumber) =>
        new(s.Id, s.ExternalId, s.Name, s.Kind, fullCardNumber ? s.CardNumber : Masking.KeepLast4(s.CardNumber)!, s.Status.ToString().ToLowerInvariant(),
            s.DailyLimit, Balance(s), Masking.KeepLast4(s.IdNumber), Masking.Phone(s.Phone));
}
