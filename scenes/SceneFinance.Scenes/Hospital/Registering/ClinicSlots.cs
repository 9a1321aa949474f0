
namespace SceneFinance.Scenes.Hospital.Registering;

/// <summary>A doctor's clinic session patients register for (a list document; numbers are handed out by its grain).</summary>
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
public sealed record SlotNumber([property: Id(0)] int Number, [property: Id(1)] string Department, [property: Id(2)] string Doctor,
    [property: Id(3)] DateTimeOffset StartsAt, [property: Id(4)] long Fee);

/// <summary>One clinic session. Key: <c>"{tenantId}/{slotId}"</c>. The single writer of its numbers, so a full session stays full.</summary>
public interface IClinicSlotGrain : IGrainWithStringKey
{
    Task<ClinicSlot> Open(string department, string doctor, DateTimeOffset startsAt, long fee, int capacity, DateTimeOffset now);

    /// <summary>The patient's number (the same one again for the same registration); <c>conflict</c> when the session is full.</summary>
    Task<SlotNumber> Take(string registrationId, string patientId, DateTimeOffset now);
}

