using Orleans.Concurrency;
using System.Security.Cryptography;
using System.Text;
using Marten;
using JasperFx;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Storage;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Grains.Terminals;

/// <summary>
/// A till, kiosk or gate. Reentrant because it only routes: the hot canteen till must not wait for one
/// card holder's commit before routing the next tap. Only unknown cards are answered here.
/// </summary>
[Reentrant]
public sealed class MerchantTerminalGrain(IDocumentStore store, GroupCommit commits, IGrainFactory grains) : Grain, IMerchantTerminalGrain
{
    string _tenantId = "", _id = "";
    TerminalRecord? _record;
    DateTimeOffset? _lastSeen, _lastSeenSaved;

    public override async Task OnActivateAsync(CancellationToken ct)
    {
        (_tenantId, _id) = GrainKeys.Parse(this.GetPrimaryKeyString());
        await using var session = store.QuerySession(_tenantId);
        _record = await session.LoadAsync<TerminalRecord>(_id, ct);
        _lastSeen = _lastSeenSaved = (await session.LoadAsync<TerminalActivity>(_id, ct))?.LastSeenAt;
        if (_record is not null) FlushLastSeenPeriodically();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken ct) => SaveLastSeen();

    void FlushLastSeenPeriodically() => this.RegisterGrainTimer(SaveLastSeen, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));

    /// <summary>Last-seen is a hint, not money: kept in memory and written at most twice a minute.</summary>
    async Task SaveLastSeen()
    {
        if (_record is null || _lastSeen is not { } seen || seen == _lastSeenSaved) return;
        await using var session = store.LightweightSession(_tenantId);
        session.Store(new TerminalActivity { Id = _id, LastSeenAt = seen });
        await session.SaveChangesAsync();
        _lastSeenSaved = seen;
    }

    async Task<TerminalRegistered> IMerchantTerminalGrain.Register(string name, string kind, DateTimeOffset now)
    {
        if (_record is not null) throw ProblemException.Conflict("This terminal already exists.");
        var record = new TerminalRecord
        {
            Id = _id, Name = name, Kind = kind, CreatedAt = now,
            Secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant(),
        };
        await using var session = store.LightweightSession(_tenantId);
        session.Insert(record);
        session.Insert(new TerminalDirectoryEntry { Id = _id, TenantId = _tenantId });
        try
        {
            await session.SaveChangesAsync();
        }
        catch (DocumentAlreadyExistsException)
        {
            throw ProblemException.Conflict("This terminal already exists.");
        }
        _record = record;
        FlushLastSeenPeriodically();
        return new TerminalRegistered(record.View(null), record.Secret);
    }

    Task<TerminalView?> IMerchantTerminalGrain.Get() => Task.FromResult(Known()?.View(_lastSeen));

    Task<TerminalCredentials?> IMerchantTerminalGrain.Credentials() => Task.FromResult(
        Known() is { } record ? new TerminalCredentials(_tenantId, _id, Encoding.UTF8.GetBytes(record.Secret)) : null);

    /// <summary>The terminal, or null; a made-up id does not stay in memory.</summary>
    TerminalRecord? Known()
    {
        if (_record is null) DeactivateOnIdle();
        return _record;
    }

    async Task<TerminalView> IMerchantTerminalGrain.Disable(DateTimeOffset now)
    {
        var record = _record ?? throw ProblemException.NotFound("The terminal");
        if (record.Status == "disabled") return record.View(_lastSeen);
        var disabled = new TerminalRecord
        {
            Id = record.Id, Name = record.Name, Kind = record.Kind, Secret = record.Secret, CreatedAt = record.CreatedAt, Status = "disabled",
        };
        await using var session = store.LightweightSession(_tenantId);
        session.Store(disabled);
        await session.SaveChangesAsync();
        _record = disabled;
        return disabled.View(_lastSeen);
    }

    async Task<Reply> IMerchantTerminalGrain.Pay(TerminalPayment p, DateTimeOffset now)
    {
        _ = _record ?? throw ProblemException.NotFound("The terminal");
        _lastSeen = now;
        var policy = await grains.GetGrain<ITenantGrain>(_tenantId).GetPaymentPolicy() ?? throw ProblemException.NotFound("The tenant");
        var holderId = await grains.GetGrain<ICardGrain>(CardKeys.Grain(_tenantId, p.CardNumber)).Holder();
        var paymentId = Ids.New("pay");
        // Read after the awaits: this grain is reentrant, and a disable may have committed meanwhile.
        var active = _record.Status == "active";
        if (holderId is null)
        {
            var code = !policy.Active ? ErrorCodes.TenantSuspended : !active ? ErrorCodes.TerminalDisabled : ErrorCodes.NotFound;
            return await Decline(p.Ticket, new PaymentResult(paymentId, "declined", code, p.Amount, null), now);
        }
        var holder = grains.GetGrain<ICardHolderGrain>(GrainKeys.For(_tenantId, holderId));
        return await holder.Pay(
            new PayByCard(paymentId, _id, p.CardNumber, p.Amount, p.OccurredAt, p.Ticket, now),
            new PaymentContext(policy.Active, active, policy.TimeZone, policy.SinglePaymentCap));
    }

    /// <summary>A card nobody holds: nothing moves, but the answer is kept like any other.</summary>
    async Task<Reply> Decline(IdempotencyTicket ticket, PaymentResult result, DateTimeOffset now)
    {
        var reply = Reply.Ok(result);
        var committed = await commits.Commit(new CommitUnit(_tenantId, null, 0, [], [IdempotentResponse.From(ticket, reply, now)]));
        return committed.Status == CommitStatus.Committed ? reply : await StoredReplies.ReplayAsync(store, _tenantId, ticket);
    }
}
