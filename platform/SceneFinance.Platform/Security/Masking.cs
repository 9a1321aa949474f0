namespace SceneFinance.Platform.Security;

public static class SecretFiles
{
    /// <summary>Writes a secret into a file that is created readable by this OS user only (no window in which others could read it).</summary>
    public static void Write(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var file = new StreamWriter(path, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options);
        file.Write(content);
    }
}

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
