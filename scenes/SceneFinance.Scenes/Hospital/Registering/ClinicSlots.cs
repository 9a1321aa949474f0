using System.Collections.Immutable;
using SceneFinance.Platform.Storage;

namespace SceneFinance.Scenes.Hospital.Registering;

/// <summary>A doctor's clinic session patients register for (a list document, upserted by its grain with every number).</summary>
[GenerateSerializer]
public sealed class ClinicSlot
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public string Department { get; set; } = "";
    [Id(2)] public string Doctor { get; set; } = "";
    [Id(3)] public DateTimeOffset StartsAt { get; set; }
    [Id(4)] public long Fee { get; set; }
    [Id(5)] public int Capacity { get; set; }
    [Id(6)] public int Taken { get; set; }
}

public sealed record ClinicSlotOpened(string SlotId, string Department, string Doctor, DateTimeOffset StartsAt, long Fee, int Capacity, DateTimeOffset OpenedAt);

/// <summary>A queue number handed to a patient; <see cref="RegistrationId"/> makes a retried registration get the same number.</summary>
public sealed record ClinicNumberTaken(string SlotId, string RegistrationId, string PatientId, int Number, DateTimeOffset TakenAt);

[GenerateSerializer, Immutable]
public sealed record OpenClinicSlot(
    [property: Id(0)] string Department, [property: Id(1)] string Doctor, [property: Id(2)] DateTimeOffset StartsAt,
    [property: Id(3)] long Fee, [property: Id(4)] int Capacity, [property: Id(5)] DateTimeOffset Now);

[GenerateSerializer, Immutable]
public sealed record TakeNumber([property: Id(0)] string RegistrationId, [property: Id(1)] string PatientId, [property: Id(2)] DateTimeOffset Now);

[GenerateSerializer, Immutable]
public sealed record SlotNumber([property: Id(0)] int Number, [property: Id(1)] string Department, [property: Id(2)] string Doctor,
    [property: Id(3)] DateTimeOffset StartsAt, [property: Id(4)] long Fee);

/// <summary>One clinic session. Key: <c>"{tenantId}/{slotId}"</c>. The single writer of its numbers, so a full session stays full.</summary>
public interface IClinicSlotGrain : IGrainWithStringKey
{
    /// <summary>Opens the session (<c>conflict</c> when it exists).</summary>
    Task<Outcome<ClinicSlot>> Open(OpenClinicSlot command);

    /// <summary>The patient's number (the same one again for the same registration); <c>conflict</c> when the session is full.</summary>
    Task<Outcome<SlotNumber>> Take(TakeNumber command);
}

/// <summary>A session as its stream made it: what was opened and the number of each registration.</summary>
public sealed record ClinicSession(ClinicSlotOpened Opened, ImmutableDictionary<string, int> Numbers)
{
    public bool Full => Numbers.Count >= Opened.Capacity;

    public static ClinicSession? Fold(ClinicSession? s, object e) => e switch
    {
        ClinicSlotOpened o => new ClinicSession(o, ImmutableDictionary<string, int>.Empty),
        ClinicNumberTaken t when s is not null => s with { Numbers = s.Numbers.SetItem(t.RegistrationId, t.Number) },
        _ => s,
    };

    public SlotNumber NumberOf(string registrationId) =>
        new(Numbers[registrationId], Opened.Department, Opened.Doctor, Opened.StartsAt, Opened.Fee);

    public ClinicSlot Listing() => new()
    {
        Id = Opened.SlotId, Department = Opened.Department, Doctor = Opened.Doctor, StartsAt = Opened.StartsAt, Fee = Opened.Fee,
        Capacity = Opened.Capacity, Taken = Numbers.Count,
    };
}

/// <summary>The session's decisions: numbers count up from 1, one per registration, never beyond the capacity.</summary>
public static class ClinicSlotDecisions
{
    public static Decided Open(ClinicSession? s, string slotId, OpenClinicSlot c) => s is not null
        ? Refusal.Conflict("This clinic session exists.")
        : Decided.To(new ClinicSlotOpened(slotId, c.Department, c.Doctor, c.StartsAt, c.Fee, c.Capacity, c.Now));

    public static Decided Take(ClinicSession s, TakeNumber c) =>
        s.Numbers.ContainsKey(c.RegistrationId) ? Decided.Nothing // asked again: the number it has
        : s.Full ? Refusal.Conflict("This clinic session is full.")
        : Decided.To(new ClinicNumberTaken(s.Opened.SlotId, c.RegistrationId, c.PatientId, s.Numbers.Count + 1, c.Now));
}
