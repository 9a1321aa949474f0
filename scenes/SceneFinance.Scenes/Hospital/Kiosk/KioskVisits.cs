using System.Security.Cryptography;
using Marten;
using SceneFinance.Platform.Outcomes;

namespace SceneFinance.Scenes.Hospital.Kiosk;

/// <summary>
/// A patient at a kiosk: made when a medical card is swiped or an e-medical card QR code scanned, bound to that kiosk, and
/// short (it ends a few minutes after its last use, or when the patient taps Done). Every kiosk route and page after the
/// identification names the visit, never a patient: the patient is what the server bound to it.
/// </summary>
public sealed class KioskVisit
{
    public string Id { get; set; } = "";
    public string TerminalId { get; set; } = "";
    public string PatientId { get; set; } = "";
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public bool Ended { get; set; }
}

/// <summary>A visit as the kiosk learns it: its id to name in later requests, and when it lapses if unused.</summary>
public sealed record KioskVisitView(string VisitId, DateTimeOffset ExpiresAt);

public sealed class KioskVisits(IDocumentStore store, TimeProvider clock)
{
    /// <summary>How long a visit lasts after its last use.</summary>
    public static readonly TimeSpan IdleLimit = TimeSpan.FromMinutes(10);

    static readonly Refusal Unknown = Refusal.NotFound("The kiosk visit (swipe the medical card again)");

    public async Task<KioskVisitView> Start(string tenantId, string terminalId, string patientId)
    {
        var now = clock.GetUtcNow();
        var visit = new KioskVisit
        {
            Id = "kv_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), TerminalId = terminalId, PatientId = patientId,
            StartedAt = now, ExpiresAt = now + IdleLimit,
        };
        await using var session = store.LightweightSession(tenantId);
        session.Store(visit);
        await session.SaveChangesAsync();
        return new KioskVisitView(visit.Id, visit.ExpiresAt);
    }

    /// <summary>
    /// The patient of a live visit of this kiosk. A visit of another kiosk, an ended or lapsed one answers <c>not_found</c>;
    /// a patient id named beside it (the contract's <c>patientId</c>) must be the visit's own, or it is refused.
    /// </summary>
    public async Task<Outcome<string>> Patient(string tenantId, string terminalId, string? visitId, string? claimedPatientId = null)
    {
        if (visitId is not { Length: > 3 and <= 64 } || !visitId.StartsWith("kv_", StringComparison.Ordinal)) return Unknown;
        var now = clock.GetUtcNow();
        await using var session = store.LightweightSession(tenantId);
        var visit = await session.LoadAsync<KioskVisit>(visitId);
        if (visit is null || visit.Ended || visit.TerminalId != terminalId || visit.ExpiresAt <= now) return Unknown;
        if (claimedPatientId is { Length: > 0 } && claimedPatientId != visit.PatientId)
            return Refusal.Forbidden("This kiosk visit is another patient's: a kiosk acts only for the patient whose card was swiped or scanned.");
        // Used: it lasts a while longer (written only when half of it has gone, not on every tap).
        if (visit.ExpiresAt - now < IdleLimit / 2)
        {
            visit.ExpiresAt = now + IdleLimit;
            session.Store(visit);
            await session.SaveChangesAsync();
        }
        return visit.PatientId;
    }

    public async Task End(string tenantId, string terminalId, string visitId)
    {
        await using var session = store.LightweightSession(tenantId);
        if (await session.LoadAsync<KioskVisit>(visitId) is not { } visit || visit.TerminalId != terminalId) return;
        visit.Ended = true;
        session.Store(visit);
        await session.SaveChangesAsync();
    }
}
