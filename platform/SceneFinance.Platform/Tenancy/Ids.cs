namespace SceneFinance.Platform.Tenancy;

/// <summary>Opaque string ids with a readable prefix; time-ordered so lists and indexes stay local.</summary>
public static class Ids
{
    public static string New(string prefix) => $"{prefix}_{Guid.CreateVersion7():N}";

    /// <summary>
    /// An id derived from what it names (a retried request, a student number, a plan and a student), so doing the same
    /// thing again reaches the same id: the prefix and 26 hex digits of SHA-256 of <paramref name="source"/>.
    /// </summary>
    public static string Derived(string prefix, string source) =>
        $"{prefix}_{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(source)), 0, 13)}";
}
