using Marten;
using JasperFx;
using SceneFinance.Grains.Cards;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Storage;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Grains.CardHolders;

/// <summary>
/// Orchestrates one wallet: rebuilds it from its stream, lets <see cref="Wallet"/> decide, appends the event
/// (its own journal entry) with the expected version and the stored reply through <see cref="GroupCommit"/>,
/// and answers only after commit.
/// A second activation elsewhere loses the version race, reloads and decides again on fresh state.
/// </summary>
public sealed class CardHolderGrain(IDocumentStore store, GroupCommit commits, IGrainFactory grains) : Grain, ICardHolderGrain
{
    const int MaxAttempts = 5;
    string _tenantId = "", _id = "";
    CardHolder? _state;
    long _version;

    public override Task OnActivateAsync(CancellationToken ct)
    {
        (_tenantId, _id) = GrainKeys.Parse(this.GetPrimaryKeyString());
        return Rebuild(ct);
    }

    async Task Rebuild(CancellationToken ct = default) =>
        (_state, _version) = await Streams.Load<CardHolder>(store, _tenantId, _id, CardHolder.Fold, ct);

    CardHolder State => _state ?? throw ProblemException.NotFound("The card holder");

    async Task<CardHolderView> ICardHolderGrain.Register(RegisterCardHolder c)
    {
        if (_state is not null) throw ProblemException.Conflict("This card holder already exists.");
        var registered = new CardHolderRegistered(_id, c.ExternalId, c.Name, c.Kind, c.CardNumber, c.IdNumber, c.Phone, c.DailyLimit, c.Now);
        var state = CardHolder.Open(registered);
        // Expected version 1 on a new stream: if the stream exists already, the append fails like any stale writer.
        var result = await commits.Commit(new CommitUnit(_tenantId, _id, 1, [registered],
        [
            new CardAssignment { Id = CardKeys.Of(c.CardNumber), CardHolderId = _id },
            new ExternalIdClaim { Id = c.ExternalId, CardHolderId = _id },
            Listing(state, c.Now),
        ]));
        switch (result.Status)
        {
            case CommitStatus.DuplicateDocument when result.DuplicateType == typeof(CardAssignment):
                throw new ProblemException(409, ErrorCodes.Conflict, "This card number is already in use in the tenant.", new() { ["cardNumber"] = ["already in use"] });
            case CommitStatus.DuplicateDocument:
                throw new ProblemException(409, ErrorCodes.Conflict, "This external id is already in use in the tenant.", new() { ["externalId"] = ["already in use"] });
            case CommitStatus.VersionConflict:
                await Rebuild();
                throw ProblemException.Conflict("This card holder already exists.");
        }
        // No card-index refresh: a new number was unknown at most a few seconds ago (CardGrain re-reads unknown
        // cards after 5 s), and not touching the card grain keeps bulk registration at one read and one commit.
        _state = state;
        _version = 1;
        return View(fullCardNumber: true);
    }

    Task<CardHolderView?> ICardHolderGrain.Get()
    {
        if (_state is null) DeactivateOnIdle(); // someone asked for an id that does not exist: don't keep it in memory
        return Task.FromResult(_state is null ? null : View());
    }

    async Task<Reply> ICardHolderGrain.TopUp(TopUpCard c)
    {
        var policy = await grains.GetGrain<ITenantGrain>(_tenantId).GetPaymentPolicy();
        if (policy is not { Active: true }) throw ProblemException.Suspended();
        return await Decide(c.Ticket, c.Now, state =>
        {
            var e = Wallet.Decide(state, new TopUp(c.TopUpId, c.Amount, c.Purse, c.Channel, c.Now));
            return (e, Reply.Ok(new { id = c.TopUpId, status = "succeeded", balance = new Balance(e.CashAfter, e.SubsidyAfter) }));
        });
    }

    Task<Reply> ICardHolderGrain.Pay(PayByCard c, PaymentContext context)
    {
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(c.OccurredAt, TimeZones.Find(context.TimeZone)).DateTime);
        return Decide(c.Ticket, c.Now, state =>
        {
            var pay = new Pay(c.PaymentId, c.TerminalId, c.CardNumber, c.Amount, c.OccurredAt, day,
                context.TenantActive, context.TerminalActive, context.SinglePaymentCap, c.Now);
            var decision = Wallet.Decide(state, pay);
            return (decision, Reply.Ok(decision switch
            {
                PaymentApproved a => new PaymentResult(a.PaymentId, "approved", null, a.Amount, a.BalanceAfter),
                PaymentDeclined d => new PaymentResult(d.PaymentId, "declined", d.DeclineCode, d.Amount, null),
                _ => throw new InvalidOperationException($"Unknown payment decision {decision.GetType().Name}"),
            }));
        });
    }

    Task<bool> ICardHolderGrain.IsCurrentCard(string cardNumber) =>
        Task.FromResult(_state is { Status: not CardStatus.Lost } s && string.Equals(s.CardNumber, cardNumber, StringComparison.Ordinal));

    async Task<Balance> ICardHolderGrain.CreditFromGateway(GatewayCredit c)
    {
        await ApplyOnce($"credit:{c.IntentId}", c.Now, state => Wallet.Credit(state, c));
        return new Balance(State.Cash, State.Subsidy);
    }

    async Task<string?> ICardHolderGrain.DebitForRefund(GatewayRefund c)
    {
        string? declined = null;
        await ApplyOnce($"refund:{c.RefundId}", c.Now, state =>
        {
            var (debited, code) = Wallet.Debit(state, c);
            declined = code;
            return debited;
        });
        return declined;
    }

    Task ICardHolderGrain.ReleaseRefund(GatewayRefund c) => ApplyOnce($"release:{c.RefundId}", c.Now, state => Wallet.Release(state, c));

    /// <summary>
    /// A movement the gateway asks for, applied at most once: a <see cref="GatewayOperation"/> document named after it is
    /// inserted in the same commit, so a repeated call (a retried notification, the janitor) finds it and changes nothing.
    /// </summary>
    async Task ApplyOnce(string operationId, DateTimeOffset now, Func<CardHolder, object?> decide)
    {
        // Applied before: the state already holds it, and deciding again could say something else
        // (a refund debited once would now find the purse short).
        await using (var session = store.QuerySession(_tenantId))
            if (await session.LoadAsync<GatewayOperation>(operationId) is not null) return;
        for (var attempt = 1; ; attempt++)
        {
            if (decide(State) is not { } e) return;
            var result = await commits.Commit(new CommitUnit(_tenantId, _id, _version + 1, [e], [new GatewayOperation { Id = operationId, At = now }]));
            switch (result.Status)
            {
                case CommitStatus.Committed:
                    _state = CardHolder.Fold(_state, e);
                    _version++;
                    return;
                case CommitStatus.DuplicateDocument when result.DuplicateType == typeof(GatewayOperation):
                    await Rebuild(); // applied before (maybe by another activation): what is there is the truth
                    return;
                case CommitStatus.VersionConflict when attempt < MaxAttempts:
                    await Rebuild();
                    continue;
                default:
                    throw new InvalidOperationException($"Card holder {_id}: commit failed ({result.Status} {result.DuplicateType?.Name}).");
            }
        }
    }

    /// <summary>
    /// The money path: decide on current state, commit the event (its own journal entry) and the reply in one
    /// transaction with the expected stream version, then apply. A reused idempotency key answers from the store instead.
    /// </summary>
    async Task<Reply> Decide(IdempotencyTicket ticket, DateTimeOffset now, Func<CardHolder, (object Event, Reply Reply)> decide)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (e, reply) = decide(State);
            var result = await commits.Commit(new CommitUnit(_tenantId, _id, _version + 1, [e], [IdempotentResponse.From(ticket, reply, now)]));
            switch (result.Status)
            {
                case CommitStatus.Committed:
                    _state = CardHolder.Fold(_state, e);
                    _version++;
                    return reply;
                case CommitStatus.DuplicateDocument when result.DuplicateType == typeof(IdempotentResponse):
                    return await StoredReplies.ReplayAsync(store, _tenantId, ticket);
                case CommitStatus.VersionConflict when attempt < MaxAttempts:
                    await Rebuild(); // another activation wrote meanwhile: decide again on what is really there
                    continue;
                default:
                    throw new InvalidOperationException($"Card holder {_id}: commit failed ({result.Status} {result.DuplicateType?.Name}).");
            }
        }
    }

    Task<CardHolderView> ICardHolderGrain.Freeze(DateTimeOffset now) => Change(Wallet.Freeze(State, now), now);
    Task<CardHolderView> ICardHolderGrain.Unfreeze(DateTimeOffset now) => Change(Wallet.Unfreeze(State, now), now);
    Task<CardHolderView> ICardHolderGrain.ReportLost(DateTimeOffset now) => Change(Wallet.ReportLost(State, now), now);

    async Task<CardHolderView> ICardHolderGrain.ReplaceCard(string newCardNumber, DateTimeOffset now)
    {
        var replaced = Wallet.Replace(State, newCardNumber, now);
        await Change(replaced, now, session =>
        {
            session.Insert(new CardAssignment { Id = CardKeys.Of(replaced.NewCardNumber), CardHolderId = _id });
            session.Store(new CardAssignment { Id = CardKeys.Of(replaced.OldCardNumber), CardHolderId = _id, Retired = true });
        });
        // The old card keeps pointing at this holder (who now declines it), so only the new card's index can be stale.
        await grains.GetGrain<ICardGrain>(CardKeys.Grain(_tenantId, replaced.NewCardNumber)).Refresh();
        return View();
    }

    /// <summary>A status change: no money moves, no reply to keep; no event at all when nothing changes.</summary>
    async Task<CardHolderView> Change(object? e, DateTimeOffset now, Action<IDocumentSession>? alsoStore = null)
    {
        if (e is null) return View();
        await using var session = store.LightweightSession(_tenantId);
        session.Events.Append(_id, _version + 1, e);
        alsoStore?.Invoke(session);
        var next = CardHolder.Fold(_state, e)!;
        session.Store(Listing(next, now));
        try
        {
            await session.SaveChangesAsync();
        }
        catch (DocumentAlreadyExistsException)
        {
            throw new ProblemException(409, ErrorCodes.Conflict, "This card number is already in use in the tenant.", new() { ["newCardNumber"] = ["already in use"] });
        }
        catch (ConcurrencyException)
        {
            await Rebuild();
            throw ProblemException.Conflict("The card holder changed meanwhile; try again.");
        }
        _state = next;
        _version++;
        return View();
    }

    async Task<IReadOnlyList<TransactionItem>> ICardHolderGrain.Transactions(int limit)
    {
        _ = State;
        await using var session = store.QuerySession(_tenantId);
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.StreamKey == _id && MoneyEvents.Contains(e.EventTypeName))
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

    CardHolderListing Listing(CardHolder s, DateTimeOffset now) => new()
    {
        Id = s.Id, ExternalId = s.ExternalId, Name = s.Name, Kind = s.Kind,
        CardLast4 = s.CardNumber.Length > 4 ? s.CardNumber[^4..] : s.CardNumber,
        Status = s.Status.ToString().ToLowerInvariant(), UpdatedAt = now,
    };

    /// <summary>Personal data masked; the full card number only in the answer to registration.</summary>
    CardHolderView View(bool fullCardNumber = false)
    {
        var s = State;
        return new CardHolderView(s.Id, s.ExternalId, s.Name, s.Kind, fullCardNumber ? s.CardNumber : Masking.KeepLast4(s.CardNumber)!, s.Status.ToString().ToLowerInvariant(),
            s.DailyLimit, new Balance(s.Cash, s.Subsidy), Masking.KeepLast4(s.IdNumber), Masking.Phone(s.Phone));
    }
}
