using System.Globalization;

namespace SceneFinance.Platform;

/// <summary>
/// Fen in, fen out: yuan appear only as text, formatted and parsed with integers (never floating point). The one
/// formatter of amounts for pages, receipts and messages; spreadsheets write numbers instead (<see cref="Exports.Xlsx"/>).
/// </summary>
public static class Money
{
    /// <summary>With the yuan sign: 12345 → "¥123.45", -5 → "-¥0.05".</summary>
    public static string WithSign(long fen) => fen < 0 ? "-¥" + Yuan(-fen) : "¥" + Yuan(fen);

    /// <summary>12345 → "123.45"; -5 → "-0.05"; thousands are grouped: 123456789 → "1,234,567.89".</summary>
    public static string Yuan(long fen)
    {
        var sign = fen < 0 ? "-" : "";
        var abs = fen == long.MinValue ? (ulong)long.MaxValue + 1 : (ulong)Math.Abs(fen);
        return sign + (abs / 100).ToString("N0", CultureInfo.InvariantCulture) + "." + (abs % 100).ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>"12", "12.5", "12.50" → fen; null for anything else (a sign, more than 2 decimals, too large, separators).</summary>
    public static long? ParseYuan(string? text)
    {
        text = text?.Trim();
        if (string.IsNullOrEmpty(text)) return null;
        var dot = text.IndexOf('.');
        var whole = dot < 0 ? text : text[..dot];
        var fraction = dot < 0 ? "" : text[(dot + 1)..];
        if (whole.Length is 0 or > 13 || !whole.All(char.IsAsciiDigit)) return null;
        if (dot >= 0 && (fraction.Length is 0 or > 2 || !fraction.All(char.IsAsciiDigit))) return null;
        return long.Parse(whole) * 100 + (fraction.Length == 0 ? 0 : int.Parse(fraction.PadRight(2, '0')));
    }
}
