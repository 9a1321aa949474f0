using Microsoft.AspNetCore.DataProtection;

namespace SceneFinance.BackOffice.Settling;

/// <summary>
/// Settlement account numbers are encrypted at rest with the host's Data Protection key ring (the one that signs tokens and
/// cookies), under a purpose of their own. Pages, the API and logs see the last 4 only; the payout file is the one place
/// the whole number is written, decrypted as it is written.
/// </summary>
public sealed class AccountNumbers(IDataProtectionProvider protection)
{
    readonly IDataProtector _protector = protection.CreateProtector("SceneFinance.BackOffice.SettlementAccountNumber.v1");

    public string Protect(string number) => _protector.Protect(number);

    public string Reveal(string protectedNumber) => _protector.Unprotect(protectedNumber);

    public static string Last4(string number) => number.Length <= 4 ? number : number[^4..];

    /// <summary>A bank account number: 8 to 32 digits (spaces and dashes people type are taken out first).</summary>
    public static string? Normalize(string? number)
    {
        var digits = new string((number ?? "").Where(c => c is not (' ' or '-')).ToArray());
        return digits.Length is >= 8 and <= 32 && digits.All(char.IsAsciiDigit) ? digits : null;
    }
}
