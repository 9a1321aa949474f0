using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace SceneFinance.Scenes.Hospital.Kiosk;

/// <summary>An e-medical card QR code as issued: the text to show and when it stops working.</summary>
public sealed record PatientQrCode(string QrCode, DateTimeOffset ExpiresAt);

/// <summary>
/// The e-medical card's QR code 电子就诊卡: a token sealed and signed with the host's data-protection key ring, naming the
/// tenant, the patient and when it expires (a few minutes after it was issued). A kiosk accepts it only for its own tenant
/// and only before it expires, by the host's clock; a patient id typed or printed by anyone (the old
/// <c>sfp:{patientId}</c>) identifies nobody.
/// </summary>
public sealed class PatientQrCodes(IDataProtectionProvider protection, TimeProvider clock)
{
    public const string Prefix = "sfq1:";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    readonly IDataProtector _protector = protection.CreateProtector("SceneFinance.Hospital.PatientQr.v1");

    public PatientQrCode Issue(string tenantId, string patientId) => Issue(tenantId, patientId, clock.GetUtcNow().Add(Lifetime));

    public PatientQrCode Issue(string tenantId, string patientId, DateTimeOffset expiresAt) =>
        new(Prefix + _protector.Protect($"{tenantId}|{patientId}|{expiresAt.ToUnixTimeSeconds()}"), expiresAt);

    /// <summary>The patient a code names, when it is genuine, unexpired and of this tenant; otherwise null.</summary>
    public string? PatientOf(string tenantId, string qrCode)
    {
        if (!qrCode.StartsWith(Prefix, StringComparison.Ordinal) || qrCode.Length > 1024) return null;
        string text;
        try { text = _protector.Unprotect(qrCode[Prefix.Length..]); }
        catch (CryptographicException) { return null; }
        catch (FormatException) { return null; }
        var parts = text.Split('|');
        if (parts.Length != 3 || parts[0] != tenantId || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)) return null;
        return DateTimeOffset.FromUnixTimeSeconds(expires) > clock.GetUtcNow() ? parts[1] : null;
    }
}
