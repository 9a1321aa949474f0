using SceneFinance.Platform.Storage;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Scenes.Hospital.Registering;

/// <summary>
/// Hands out a clinic session's numbers through its <see cref="StreamWriter{TState}"/>: another activation's number taken
/// meanwhile (a duplicate activation, two silos) makes the writer rebuild and decide again, so numbers stay unique and
/// within the capacity. The session's listing follows every number.
/// </summary>
public sealed class ClinicSlotGrain(StreamWriters writers) : Grain, IClinicSlotGrain
{
    StreamWriter<ClinicSession> _session = null!;
    string _id = "";

    public override Task OnActivateAsync(CancellationToken ct)
    {
        (var tenantId, _id) = GrainKeys.Parse(this.GetPrimaryKeyString());
        _session = writers.For<ClinicSession>(tenantId, "slot-" + _id, ClinicSession.Fold, Refusal.NotFound("The clinic session"),
            follow: (next, d) => d.Upsert(next.Listing()));
        return _session.Load(ct);
    }

    Task<Outcome<ClinicSlot>> IClinicSlotGrain.Open(OpenClinicSlot c) =>
        _session.Start(s => ClinicSlotDecisions.Open(s, _id, c), (next, _) => next.Listing());

    Task<Outcome<SlotNumber>> IClinicSlotGrain.Take(TakeNumber c) =>
        _session.Write(s => ClinicSlotDecisions.Take(s, c), next => next.NumberOf(c.RegistrationId));
}
