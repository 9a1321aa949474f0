using SceneFinance.Platform.Audit;
using Orleans.Concurrency;
using System.Security.Cryptography;
using System.Text;
using Marten;
using JasperFx;
using SceneFinance.Grains.Risk;
using SceneFinance.Platform.Operations;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Storage;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Platform.Time;

namespace SceneFinance.Grains.Terminals;

/// <summary>
/// A till, kiosk or gate. Reentrant because it only routes: the hot canteen till must not wait for one
/// card holder's commit before routing the next tap. Only unknown cards are answered here. Offline uploads are judged by
/// what the till knew (MerchantTerminalGrain.Offline.cs).
/// </summary>
[Reentrant]
public sealed partial class MerchantTerminalGrain(
    IDocumentStore store, StreamWriters writers, GroupCommit commits, IGrainFactory grains, RiskBook risk, ITenantMealPeriods meals,
    ICanteenTermsBook canteen, Sealer sealer)
    : Grain, IMerchantTerminalGrain
{
    string _tenantId = "", _id = "";
    TerminalRecord? _record;
    Orleans.Runtime.IGrainTimer? _forget; // a made-up id leaves memory a little later (UnknownIds)
    DateTimeOffset? _lastSeen, _lastSeenSaved;
    readonly TerminalTrail _trail = new(); // this till's recent taps, for the rules' terminal windows
    string? _category;                     // its merchant's category, for the rules
    string? _scene; // for the payment metrics: the tenant's kind and the terminal's

    public override async Task OnActivateAsync(CancellationToken ct)
    {
        (_tenantId, _id) = GrainKeys.Parse(this.GetPrimaryKeyString());
        await using var session = store.QuerySession(_tenantId);
        _record = await session.LoadAsync<TerminalRecord>(_id, ct);
        _lastSeen = _lastSeenSaved = (await session.LoadAsync<TerminalActivity>(_id, ct))?.LastSeenAt;
        if (_record is not null) FlushLastSeenPeriodically();
        await Task.WhenAll(risk.Ensure(_tenantId, ct), meals.Ensure(_tenantId, ct), canteen.Ensure(_tenantId, ct)); // read from memory on every tap
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

    async Task<Outcome<TerminalRegistered>> IMerchantTerminalGrain.Register(string name, string kind, string? merchantId, DateTimeOffset now)
    {
        if (_record is not null) return Refusal.Conflict("This terminal already exists.");
        if (await OpenMerchant(merchantId ?? MerchantIds.DefaultId(_tenantId), now) is { } refused) return refused;
        var secret = SecretRotation.NewSecret();
        var record = new TerminalRecord
        {
            Id = _id, Name = name, Kind = kind, CreatedAt = now, MerchantId = merchantId ?? MerchantIds.DefaultId(_tenantId),
            Secret = sealer.Seal(secret)!,
        };
        await using var session = store.LightweightSession(_tenantId);
        session.Insert(record);
        session.Insert(new TerminalDirectoryEntry { Id = _id, TenantId = _tenantId });
        session.Audit(_tenantId, "terminal.registered", _id, null, record.View(_tenantId, null));
        try
        {
            await session.SaveChangesAsync();
        }
        catch (DocumentAlreadyExistsException)
        {
            return Refusal.Conflict("This terminal already exists.");
        }
        _record = record;
        FlushLastSeenPeriodically();
        return new TerminalRegistered(record.View(_tenantId, null), secret);
    }

    /// <summary>
    /// The merchant must be open. The tenant's first merchant is opened on first use: terminals from before merchants
    /// belong to it and keep working.
    /// </summary>
    async Task<Refusal?> OpenMerchant(string merchantId, DateTimeOffset now)
    {
        var merchant = grains.GetGrain<IMerchantGrain>(GrainKeys.For(_tenantId, merchantId));
        var known = await merchant.Get();
        if (known is null && merchantId == MerchantIds.DefaultId(_tenantId) && await grains.GetGrain<ITenantGrain>(_tenantId).Get() is { } tenant)
            known = (await merchant.Open(tenant.Name, MerchantCategories.ForScene(tenant.Kind), now)).Value ?? await merchant.Get();
        return known switch
        {
            null => Refusal.Invalid("merchantId", "No such merchant in this tenant."),
            { Status: "closed" } => Refusal.Conflict("This merchant is closed."),
            _ => null,
        };
    }

    async Task<Outcome<TerminalView>> IMerchantTerminalGrain.MoveTo(string merchantId, DateTimeOffset now)
    {
        if (_record is not { } record) return Refusal.NotFound("The terminal");
        if (record.MerchantOf(_tenantId) == merchantId) return record.View(_tenantId, _lastSeen);
        if (await OpenMerchant(merchantId, now) is { } refused) return refused;
        _category = null; // the new merchant's category, read on the next tap
        return await Save(Copy(_record, merchantId: merchantId), "terminal.moved");
    }

    Task<TerminalView?> IMerchantTerminalGrain.Get() => Task.FromResult(Known()?.View(_tenantId, _lastSeen));

    // Sealed as stored: the signature check opens them.
    Task<TerminalCredentials?> IMerchantTerminalGrain.Credentials() => Task.FromResult(
        Known() is { } record ? new TerminalCredentials(_tenantId, _id, record.Secret, record.PreviousSecret, record.PreviousSecretUntil) : null);

    /// <summary>The terminal, or null; a made-up id does not stay in memory.</summary>
    TerminalRecord? Known()
    {
        if (_record is null) _forget = this.ForgetLater(_forget, () => _record is null);
        return _record;
    }

    async Task<Outcome<TerminalView>> IMerchantTerminalGrain.Disable(DateTimeOffset now)
    {
        if (_record is not { } record) return Refusal.NotFound("The terminal");
        if (record.Status == "disabled") return record.View(_tenantId, _lastSeen);
        return await Save(Copy(record, status: "disabled"), "terminal.disabled");
    }

    async Task<Outcome<TerminalView>> IMerchantTerminalGrain.Enable(DateTimeOffset now)
    {
        if (Known() is not { } record) return Refusal.NotFound("The terminal");
        if (record.Status == "active") return record.View(_tenantId, _lastSeen);
        return await Save(Copy(record, status: "active"), "terminal.enabled");
    }

    async Task<Outcome<TerminalRegistered>> IMerchantTerminalGrain.RotateSecret(DateTimeOffset now, TimeSpan grace)
    {
        if (Known() is not { } record) return Refusal.NotFound("The terminal");
        var secret = SecretRotation.NewSecret();
        var next = Copy(record);
        (next.Secret, next.PreviousSecret, next.PreviousSecretUntil) = (sealer.Seal(secret)!, record.Secret, now + grace);
        return new TerminalRegistered(await Save(next, "terminal.secret-rotated"), secret);
    }

    static TerminalRecord Copy(TerminalRecord r, string? status = null, string? merchantId = null) => new()
    {
        Id = r.Id, Name = r.Name, Kind = r.Kind, Secret = r.Secret, PreviousSecret = r.PreviousSecret, PreviousSecretUntil = r.PreviousSecretUntil,
        CreatedAt = r.CreatedAt, Status = status ?? r.Status, MerchantId = merchantId ?? r.MerchantId,
    };

    async Task<TerminalView> Save(TerminalRecord next, string action)
    {
        // Whatever was loaded, what is written is sealed (a record read before the startup sealing ran, on an older host).
        (next.Secret, next.PreviousSecret) = (sealer.Seal(next.Secret)!, sealer.Seal(next.PreviousSecret));
        await using var session = store.LightweightSession(_tenantId);
        session.Store(next);
        session.Audit(_tenantId, action, _id, _record?.View(_tenantId, null), next.View(_tenantId, null));
        await session.SaveChangesAsync();
        _record = next;
        return next.View(_tenantId, _lastSeen);
    }

    async Task<Outcome<PaymentResult>> IMerchantTerminalGrain.Pay(TerminalPayment p, DateTimeOffset now)
    {
        if (_record is null) return Refusal.NotFound("The terminal");
        _lastSeen = now;
        if (await grains.GetGrain<ITenantGrain>(_tenantId).GetPaymentPolicy() is not { } policy) return Refusal.NotFound("The tenant");
        var holderId = await grains.GetGrain<ICardGrain>(CardKeys.Grain(_tenantId, p.CardNumber)).Holder();
        var terms = await CanteenTerms(_record.MerchantOf(_tenantId), p.OccurredAt, offline: false);
        _scene ??= $"{(await grains.GetGrain<ITenantGrain>(_tenantId).Get())?.Kind}/{_record.Kind}";
        var paymentId = Ids.New("pay");
        // Read after the awaits: this grain is reentrant, and a disable may have committed meanwhile.
        var active = _record.Status == "active";
        if (holderId is null)
        {
            // A card nobody holds: nothing moves, but the answer is kept like any other.
            var code = !policy.Active ? ErrorCodes.TenantSuspended : !active ? ErrorCodes.TerminalDisabled : ErrorCodes.NotFound;
            return Measured(await writers.Answer(_tenantId, p.Ticket, new PaymentResult(paymentId, "declined", code, p.Amount, null), now), now);
        }
        var merchantId = _record.MerchantOf(_tenantId);
        var facts = await Facts(merchantId, policy.TimeZone, p.OccurredAt, now);
        var paid = Measured(await grains.GetGrain<ICardHolderGrain>(GrainKeys.For(_tenantId, holderId)).Pay(new Pay(
            paymentId, _id, merchantId, p.CardNumber, p.Amount, p.OccurredAt, TenantTime.In(policy.TimeZone, now).DayOf(p.OccurredAt),
            policy.Active, active, policy.SinglePaymentCap, p.Ticket, now, facts, terms.Terms)), now);
        if (paid.Value is { PaymentId: not null } result && result.PaymentId == paymentId) _trail.Add(p.OccurredAt, p.Amount, result.Approved);
        return paid;
    }

    /// <summary>The canteen's terms for a tap: from this silo's book (no grain call), or from the tenant's policy grain when the book does not know the merchant yet.</summary>
    async ValueTask<CanteenTapPolicy> CanteenTerms(string merchantId, DateTimeOffset occurredAt, bool offline) =>
        canteen.TermsFor(_tenantId, merchantId, occurredAt, offline)
        ?? await grains.GetGrain<ICanteenPolicyGrain>(_tenantId).TermsFor(merchantId, occurredAt, offline);

    /// <summary>What this till knows for the risk rules: its merchant's category, the tap's local time and meal, its windows.</summary>
    async Task<TapFacts> Facts(string merchantId, string timeZone, DateTimeOffset occurredAt, DateTimeOffset now)
    {
        _category ??= (await grains.GetGrain<IMerchantGrain>(GrainKeys.For(_tenantId, merchantId)).Get())?.Category ?? MerchantCategories.Other;
        var local = TimeOnly.FromDateTime(TenantTime.In(timeZone, now).Local(occurredAt).DateTime);
        return new TapFacts(local, meals.PeriodAt(_tenantId, local), _category, _trail.Figures(risk.Current(_tenantId).TerminalWindows, occurredAt));
    }

    /// <summary>Every committed answer (a replayed one too) counts in <c>/metrics</c>, per tenant and scene, with its latency.</summary>
    Outcome<PaymentResult> Measured(Outcome<PaymentResult> outcome, DateTimeOffset arrivedAt)
    {
        if (outcome.Value is { } paid) SceneMeters.Payment(_tenantId, _scene ?? "?", paid.Status == "approved", arrivedAt, DateTimeOffset.UtcNow);
        return outcome;
    }
}
