using Marten;
using JasperFx;
using Marten.Exceptions;

namespace SceneFinance.Grains.Tenants;

/// <summary>One tenant: its profile and status, cached; every payment of the tenant asks it (from memory) whether it is active.</summary>
public sealed class TenantGrain(IDocumentStore store) : Grain, ITenantGrain
{
    TenantRecord? _record;

    public override async Task OnActivateAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        _record = await session.LoadAsync<TenantRecord>(this.GetPrimaryKeyString(), ct);
    }

    async Task<Outcome<TenantView>> ITenantGrain.Create(string name, string kind, DateTimeOffset now, string? timeZone, string? mode)
    {
        if (_record is not null) return Refusal.Conflict("This tenant already exists.");
        var record = new TenantRecord
        {
            Id = this.GetPrimaryKeyString(), Name = name, Kind = kind, TimeZone = timeZone ?? Platform.Time.Zones.Default, Mode = mode ?? TenantModes.Sandbox, CreatedAt = now, UpdatedAt = now,
        };
        await using var session = store.LightweightSession();
        session.Insert(record);
        try
        {
            await session.SaveChangesAsync();
        }
        catch (DocumentAlreadyExistsException)
        {
            return Refusal.Conflict("This tenant already exists.");
        }
        _record = record;
        return record.View();
    }

    Task<TenantView?> ITenantGrain.Get() => Task.FromResult(_record?.View());

    Task<Outcome<TenantView>> ITenantGrain.Suspend(DateTimeOffset now) => SetStatus("suspended", now);

    Task<Outcome<TenantView>> ITenantGrain.Resume(DateTimeOffset now) => SetStatus("active", now);

    async Task<Outcome<TenantView>> SetStatus(string status, DateTimeOffset now)
    {
        if (_record is not { } record) return Refusal.NotFound("The tenant");
        if (record.Status == status) return record.View();
        var next = new TenantRecord
        {
            Id = record.Id, Name = record.Name, Kind = record.Kind, Status = status, TimeZone = record.TimeZone, Mode = record.Mode,
            SinglePaymentCap = record.SinglePaymentCap, CreatedAt = record.CreatedAt, UpdatedAt = now,
        };
        await using var session = store.LightweightSession();
        session.Store(next);
        await session.SaveChangesAsync();
        _record = next;
        return next.View();
    }

    Task<TenantPaymentPolicy?> ITenantGrain.GetPaymentPolicy() => Task.FromResult(
        _record is null ? null : new TenantPaymentPolicy(_record.Status == "active", _record.TimeZone, _record.SinglePaymentCap, _record.Live));
}
