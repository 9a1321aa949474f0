using Marten;
using SceneFinance.Platform.Security;

namespace SceneFinance.Scenes.Campus.Portal;

/// <summary>
/// A phone is a guardian at every school whose roster names it: the roster import is what links them (it never makes a password).
/// Sign-in by one-time code asks this, so one phone with children at two schools signs in once and sees both.
/// </summary>
public sealed class GuardianDirectory(IDocumentStore store) : IPhoneDirectory
{
    public async Task<IReadOnlyList<PhoneMembership>> Memberships(string phone, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        var (digest, clear) = StudentRecord.PhoneKeys(phone);
        var schools = await session.Query<StudentRecord>()
            .Where(s => s.AnyTenant() && (s.GuardianPhones.Contains(digest) || s.GuardianPhones.Contains(clear)) && s.TenantId != "")
            .Select(s => s.TenantId).Distinct().ToListAsync(ct);
        return [.. schools.Select(t => new PhoneMembership(t, Roles.Guardian))];
    }
}
