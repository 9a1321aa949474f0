namespace SceneFinance.Platform.Security;

/// <summary>A tenant that knows a phone number, and as whom (a campus: <c>guardian</c> of a child its roster names).</summary>
public sealed record PhoneMembership(string TenantId, string Role);

/// <summary>
/// Who a phone number is to the tenants, for signing in with a one-time code instead of a password: each scene that knows people by
/// phone registers one (the campus: the guardians its rosters name; later the hospital: its patients). Sign-in asks them all.
/// </summary>
public interface IPhoneDirectory
{
    Task<IReadOnlyList<PhoneMembership>> Memberships(string phone, CancellationToken ct = default);
}
