using Marten;
using SceneFinance.Grains.Cards;
using SceneFinance.Platform.Security;

namespace SceneFinance.Scenes.Hospital.OwnView;

/// <summary>
/// A phone is a patient at every hospital that registered a patient under it: the card holder's listing keeps the phone's keyed
/// digest (the phone itself is sealed in the registration). Sign-in by one-time code asks this, so one phone with records at two
/// hospitals signs in once and sees both (like a guardian with children at two schools).
/// </summary>
public sealed class PatientDirectory(IDocumentStore store) : IPhoneDirectory
{
    public async Task<IReadOnlyList<PhoneMembership>> Memberships(string phone, CancellationToken ct = default)
    {
        if (Digest(phone) is not { } digest) return [];
        await using var session = store.QuerySession();
        var hospitals = await session.Query<CardHolderListing>()
            .Where(l => l.AnyTenant() && l.PhoneDigest == digest && l.Kind == "patient")
            .Select(l => l.TenantId).Distinct().ToListAsync(ct);
        return [.. hospitals.Where(t => t != "").Select(t => new PhoneMembership(t, Roles.Patient))];
    }

    /// <summary>The phone's digest as the listing keeps it; null for a name with no digits (the platform admin's, say).</summary>
    public static string? Digest(string? phone) => phone is not null && phone.Any(char.IsAsciiDigit) ? Digests.OfPhone(phone) : null;
}
