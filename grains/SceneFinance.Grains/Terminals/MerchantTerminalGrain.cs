using Orleans.Concurrency;
using System.Security.Cryptography;
using System.Text;
using Marten;
using JasperFx;
using Marten.Exceptions;
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

    // The grain is reentrant: its two writers (disable, last-seen flush) take turns so neither overwrites the other.
    readonly SemaphoreSlim _writes = new(1, 1);

    public override async Task OnActivateAsync(CancellationToken ct)
    {
        (_tenantId, _id) = GrainKeys.Parse(this.GetPrimaryKeyString());
        await using var session = store.QuerySession(_tenantId);
        _record = await session.LoadAsync<TerminalRecord>(_id, ct);
        _lastSeen = _lastSeenSaved = _record?.LastSeenAt;
        this.RegisterGrainTimer(SaveLastSeen, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken ct) => SaveLastSeen();

    /// <summary>Last-seen is a hint for operators, not money: kept in memory and written at most twice a minute.</summary>
    async Task SaveLastSeen()
    {
        if (_record is null || _lastSeen == _lastSeenSaved) return;
        await _writes.WaitAsync();
        try
        {
            var next = Copy(_record, lastSeenAt: _lastSeen);
            await using var session = store.LightweightSession(_tenantId);
            session.Store(next);
            await session.SaveChangesAsync();
            _record = next;
            _lastSeenSaved = next.LastSeenAt;
        }
        finally { _writes.Release(); }
    }

    async Task<(TerminalView Terminal, string Secret)> IMerchantTerminalGrain.Register(string name, string kind, DateTimeOffset now)
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
        return (record.View(), record.Secret);
    }

    Task<TerminalView?> IMerchantTerminalGrain.Get() =>
        Task.FromResult(_record is null ? null : _record.View() with { LastSeenAt = _lastSeen });

    Task<TerminalCredentials?> IMerchantTerminalGrain.Credentials() => Task.FromResult(
        _record is null ? null : new TerminalCredentials(_tenantId, _id, Encoding.UTF8.GetBytes(_record.Secret)));

    async Task<TerminalView> IMerchantTerminalGrain.Disable(DateTimeOffset now)
    {
        await _writes.WaitAsync();
        try
        {
            var record = _record ?? throw ProblemException.NotFound("The terminal");
            if (record.Status == "disabled") return record.View();
            var disabled = Copy(record, status: "disabled", lastSeenAt: _lastSeen);
            await using var session = store.LightweightSession(_tenantId);
            session.Store(disabled);
            await session.SaveChangesAsync();
            _record = disabled;
            _lastSeenSaved = disabled.LastSeenAt;
            return disabled.View();
        }
        finally { _writes.Release(); }
    }

    static TerminalRecord Copy(TerminalRecord r, string? status = null, DateTimeOffset? lastSeenAt = null) => new()
    {
        Id = r.Id, Name = r.Name, Kind = r.Kind, Secret = r.Secret, CreatedAt = r.CreatedAt,
        Status = status ?? r.Status, LastSeenAt = lastSeenAt ?? r.LastSeenAt,
    };

    async Task<Reply> IMerchantTerminalGrain.Pay(TerminalPayment p, DateTimeOffset now)
    {
        var record = _record ?? throw ProblemException.NotFound("The terminal");
        _lastSeen = now;
        var policy = await grains.GetGrain<ITenantGrain>(_tenantId).GetPaymentPolicy() ?? throw ProblemException.NotFound("The tenant");
        var holderId = await grains.GetGrain<ICardGrain>(CardKeys.Grain(_tenantId, p.CardNumber)).Holder();
        var paymentId = Ids.New("pay");
        var active = record.Status == "active";
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
