using Marten;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Scenes.Hospital.Registering;

/// <summary>Hands out a clinic session's numbers; rebuilt from its stream, appends with the expected version.</summary>
public sealed class ClinicSlotGrain(IDocumentStore store) : Grain, IClinicSlotGrain
{
    string _tenantId = "", _id = "";
    ClinicSlotOpened? _opened;
    readonly Dictionary<string, ClinicNumberTaken> _taken = new();
    long _version;

    string StreamKey => "slot-" + _id;

    public override async Task OnActivateAsync(CancellationToken ct)
    {
        (_tenantId, _id) = GrainKeys.Parse(this.GetPrimaryKeyString());
        await using var session = store.QuerySession(_tenantId);
        foreach (var e in await session.Events.FetchStreamAsync(StreamKey, token: ct))
        {
            if (e.Data is ClinicSlotOpened o) _opened = o;
            if (e.Data is ClinicNumberTaken t) _taken[t.RegistrationId] = t;
            _version = e.Version;
        }
    }

    async Task<ClinicSlot> IClinicSlotGrain.Open(string department, string doctor, DateTimeOffset startsAt, long fee, int capacity, DateTimeOffset now)
    {
        if (_opened is not null) throw ProblemException.Conflict("This clinic session exists.");
        var opened = new ClinicSlotOpened(_id, department, doctor, startsAt, fee, capacity, now);
        await Append(opened);
        _opened = opened;
        return Listing();
    }

    async Task<SlotNumber> IClinicSlotGrain.Take(string registrationId, string patientId, DateTimeOffset now)
    {
        var o = _opened ?? throw ProblemException.NotFound("The clinic session");
        if (!_taken.TryGetValue(registrationId, out var taken))
        {
            if (_taken.Count >= o.Capacity) throw ProblemException.Conflict("This clinic session is full.");
            taken = new ClinicNumberTaken(_id, registrationId, patientId, _taken.Count + 1, now);
            await Append(taken);
            _taken[registrationId] = taken;
        }
        return new SlotNumber(taken.Number, o.Department, o.Doctor, o.StartsAt, o.Fee);
    }

    async Task Append(object e)
    {
        await using var session = store.LightweightSession(_tenantId);
        session.Events.Append(StreamKey, _version + 1, e);
        var opened = e as ClinicSlotOpened ?? _opened!;
        session.Store(new ClinicSlot
        {
            Id = _id, Department = opened.Department, Doctor = opened.Doctor, StartsAt = opened.StartsAt, Fee = opened.Fee,
            Capacity = opened.Capacity, Taken = _taken.Count + (e is ClinicNumberTaken ? 1 : 0),
        });
        await session.SaveChangesAsync(); // a stale activation fails here and the caller may try again
        _version++;
    }

    ClinicSlot Listing() => new()
    {
        Id = _id, Department = _opened!.Department, Doctor = _opened.Doctor, StartsAt = _opened.StartsAt, Fee = _opened.Fee,
        Capacity = _opened.Capacity, Taken = _taken.Count,
    };
}
