namespace SceneFinance.Platform.Security;

/// <summary>Masks personal data for every response and log line (api-v1.md, Conventions).</summary>
public static class Masking
{
    /// <summary>Keeps the last 4 characters: <c>**************1234</c>.</summary>
    public static string? KeepLast4(string? value) =>
        value is null ? null : value.Length <= 4 ? new string('*', value.Length) : new string('*', value.Length - 4) + value[^4..];

    /// <summary>Keeps the first 3 and last 4 digits: <c>138****5678</c>.</summary>
    public static string? Phone(string? value) =>
        value is null ? null : value.Length < 8 ? new string('*', value.Length) : value[..3] + new string('*', value.Length - 7) + value[^4..];
}
