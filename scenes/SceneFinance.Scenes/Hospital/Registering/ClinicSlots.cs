using Marten;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Scenes.Hospital.Registering;

/// <summary>A doctor's clinic session patients register for (a list document; numbers are handed out by its grain).</summary>
public sealed class ClinicSlot
{
    public string Id { get; set; } = "";
    public string Department { get; set; } = "";
    public string Doctor { get; set; } = "";
    public DateTimeOffset StartsAt { get; set; }
    public long Fee { get; set; }
    public int Capacity { get; set; }
    public int Taken { get; set; }
}

public sealed record ClinicSlotOpened(string SlotId, string Department, string Doctor, DateTimeOffset StartsAt, long Fee, int Capacity, DateTimeOffset OpenedAt);

/// <summary>A queue number handed to a patient; <see cref="RegistrationId"/> makes a retried registration get the same number.</summary>
public sealed record ClinicNumberTaken(string SlotId, string RegistrationId, string PatientId, int Number, DateTimeOffset TakenAt);

[GenerateSerializer, Immutable]
public sealed record SlotNumber([property: Id(0)] int Number, [property: Id(1)] string Department, [property: Id(2)] string Doctor,
    [property: Id(3)] DateTimeOffset StartsAt, [property: Id(4)] long Fee);

/// <summary>One clinic session. Key: <c>"{tenantId}/{slotId}"</c>. The single writer of its numbers, so a full session stays full.</summary>
public interface IClinicSlotGrain : IGrainWithStringKey
{
    Task<ClinicSlot> Open(string department, string doctor, DateTimeOffset startsAt, long fee, int capacity, DateTimeOffset now);

    /// <summary>The patient's number (the same one again for the same registration); <c>conflict</c> when the session is full.</summary>
    Task<SlotNumber> Take(string registrationId, string patientId, DateTimeOffset now);
}

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
