using Microsoft.AspNetCore.DataProtection;

namespace SceneFinance.Platform.Security;

/// <summary>
/// The one way to keep a secret or a piece of personal data at rest (terminal and HIS secrets, ID numbers, phones, settlement
/// account numbers): sealed with the data-protection key ring before it is written to a document or an event, opened where it
/// is needed. A sealed value reads <c>sealed:v1:...</c>; a value written before sealing existed opens as itself, so old rows and
/// events keep reading while new ones are sealed.
/// </summary>
public sealed class Sealer(IDataProtectionProvider provider)
{
    public const string Prefix = "sealed:v1:";
    readonly IDataProtector _protector = provider.CreateProtector("SceneFinance.AtRest.v1");

    public static bool IsSealed(string? stored) => stored?.StartsWith(Prefix, StringComparison.Ordinal) == true;

    public string? Seal(string? clear) => clear is null || IsSealed(clear) ? clear : Prefix + _protector.Protect(clear);

    public string? Open(string? stored) => IsSealed(stored) ? _protector.Unprotect(stored![Prefix.Length..]) : stored;
}
