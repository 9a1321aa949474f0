using SceneFinance.Platform.Audit;
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
        session.Audit(record.Id, "tenant.created", record.Id, null, record.View());
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
        return (await Save(Copy(record, now, status: status))).View();
    }

    async Task<Outcome<TenantPaymentPolicy>> ITenantGrain.SetSinglePaymentCap(long cap, DateTimeOffset now)
    {
        if (_record is not { } record) return Refusal.NotFound("The tenant");
        if (record.SinglePaymentCap != cap) await Save(Copy(record, now, singlePaymentCap: cap));
        return Policy(_record!);
    }

    static TenantRecord Copy(TenantRecord r, DateTimeOffset now, string? status = null, long? singlePaymentCap = null) => new()
    {
        Id = r.Id, Name = r.Name, Kind = r.Kind, Status = status ?? r.Status, TimeZone = r.TimeZone, Mode = r.Mode,
        SinglePaymentCap = singlePaymentCap ?? r.SinglePaymentCap, CreatedAt = r.CreatedAt, UpdatedAt = now,
    };

    async Task<TenantRecord> Save(TenantRecord next)
    {
        await using var session = store.LightweightSession();
        session.Store(next);
        if (_record is { } before)
            session.Audit(next.Id, next.Status == before.Status ? "tenant.changed" : next.Status == "suspended" ? "tenant.suspended" : "tenant.resumed",
                next.Id, before.View(), next.View());
        await session.SaveChangesAsync();
        return _record = next;
    }

    static TenantPaymentPolicy Policy(TenantRecord r) => new(r.Status == "active", r.TimeZone, r.SinglePaymentCap, r.Live);

    Task<TenantPaymentPolicy?> ITenantGrain.GetPaymentPolicy() => Task.FromResult(_record is null ? null : Policy(_record));
}
