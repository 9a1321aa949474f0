using Microsoft.AspNetCore.Http;
using MiniExcelLibs;
using MiniExcelLibs.Attributes;
using MiniExcelLibs.OpenXml;

namespace SceneFinance.Platform.Exports;

/// <summary>How a column's cells are written.</summary>
public enum CellKind
{
    /// <summary>Text as it is (ids, card digits, student numbers keep their leading zeros).</summary>
    Text,

    /// <summary>Fen, written as a number of yuan with the format <c>0.00</c>, so a column adds up in Excel or LibreOffice.</summary>
    Yuan,

    /// <summary>A whole number (counts).</summary>
    Number,

    /// <summary>An instant, written as a date-time cell in the reader's zone.</summary>
    Time,

    /// <summary>A calendar day, written as a date cell.</summary>
    Date,
}

/// <summary>A column: its header in the reader's language, its kind, and how a row gives its value.</summary>
public sealed record Column<TRow>(string Header, CellKind Kind, Func<TRow, object?> Value);

/// <summary>A sheet of rows of one shape.</summary>
public interface ISheet
{
    string Name { get; }

    internal List<Dictionary<string, object?>> Cells(string prefix, TimeZoneInfo zone, List<DynamicExcelColumn> columns);
}

public sealed record Sheet<TRow>(string Name, IEnumerable<TRow> Rows, IReadOnlyList<Column<TRow>> Columns) : ISheet
{
    List<Dictionary<string, object?>> ISheet.Cells(string prefix, TimeZoneInfo zone, List<DynamicExcelColumn> columns) =>
        Xlsx.Cells(this, prefix, zone, columns);
}

/// <summary>
/// The one .xlsx writer (MiniExcel). Amounts are numeric cells in yuan with a <c>0.00</c> format, times and days are date
/// cells, text stays text; headers are what the caller passes (in the reader's language). Every export, page download or
/// API report, is written here.
/// </summary>
public static class Xlsx
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static Column<TRow> Text<TRow>(string header, Func<TRow, string?> value) => new(header, CellKind.Text, r => value(r));
    public static Column<TRow> Yuan<TRow>(string header, Func<TRow, long?> fen) => new(header, CellKind.Yuan, r => fen(r));
    public static Column<TRow> Number<TRow>(string header, Func<TRow, long?> value) => new(header, CellKind.Number, r => value(r));
    public static Column<TRow> Time<TRow>(string header, Func<TRow, DateTimeOffset?> at) => new(header, CellKind.Time, r => at(r));

    /// <summary>Times of rows that each read in their own zone (a list of tenants), instead of the workbook's.</summary>
    public static Column<TRow> Time<TRow>(string header, Func<TRow, DateTimeOffset?> at, Func<TRow, TimeZoneInfo> zone) =>
        new(header, CellKind.Time, r => at(r) is { } t ? new ZonedTime(t, zone(r)) : null);
    public static Column<TRow> Date<TRow>(string header, Func<TRow, DateOnly?> day) => new(header, CellKind.Date, r => day(r));

    public static Sheet<TRow> Sheet<TRow>(string name, IEnumerable<TRow> rows, params Column<TRow>[] columns) => new(name, rows, columns);

    /// <summary>Writes the sheets; times are shown in <paramref name="zone"/> (the tenant's, from the tenant clock).</summary>
    public static byte[] Write(TimeZoneInfo zone, params ISheet[] sheets)
    {
        var workbook = new Dictionary<string, object>();
        var columns = new List<DynamicExcelColumn>();
        for (var i = 0; i < sheets.Length; i++)
            workbook[Unique(workbook, sheets[i].Name)] = sheets[i].Cells($"s{i}c", zone, columns);
        // The culture stays invariant: another one writes "1234,5" into number cells (read back as 12345).
        var configuration = new OpenXmlConfiguration { DynamicColumns = [.. columns], FastMode = true };
        using var stream = new MemoryStream();
        stream.SaveAs(workbook, excelType: ExcelType.XLSX, configuration: configuration);
        return stream.ToArray();
    }

    public static IResult File(byte[] content, string name) => Results.File(content, ContentType, name);

    /// <summary>What an uploaded .xlsx may unpack to: at most this many bytes in all ...</summary>
    public const long MaxUnpackedBytes = 256L * 1024 * 1024;

    /// <summary>... and at most this many times its packed size (a zip bomb packs gigabytes of zeros a thousand to one).</summary>
    public const int MaxPackingRatio = 200;

    /// <summary>
    /// Refuses (<c>validation_failed</c> on <paramref name="field"/>) an .xlsx whose parts would unpack past
    /// <see cref="MaxUnpackedBytes"/> or <see cref="MaxPackingRatio"/>, judged from the archive's directory before a part is read.
    /// Call it before reading an upload (imports); anything not shaped like a zip archive is left to the reader.
    /// </summary>
    public static void RequireSafeArchive(byte[] content, string field = "file")
    {
        if (content.Length < 4 || content[0] != (byte)'P' || content[1] != (byte)'K') return;
        long unpacked = 0;
        try
        {
            using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(content), System.IO.Compression.ZipArchiveMode.Read);
            foreach (var entry in zip.Entries)
            {
                unpacked += entry.Length;
                if (entry.Length > 1024 * 1024 && entry.Length / Math.Max(1, entry.CompressedLength) > MaxPackingRatio)
                    throw Problems.ProblemException.Invalid(field, $"The file unpacks to more than {MaxPackingRatio} times its size; it is not a spreadsheet we read.");
            }
        }
        catch (InvalidDataException)
        {
            throw Problems.ProblemException.Invalid(field, "The file is not a readable .xlsx.");
        }
        if (unpacked > MaxUnpackedBytes || unpacked / content.Length > MaxPackingRatio)
            throw Problems.ProblemException.Invalid(field, $"The file unpacks to more than {MaxUnpackedBytes / (1024 * 1024)} MB or {MaxPackingRatio} times its size.");
    }

    internal static List<Dictionary<string, object?>> Cells<TRow>(Sheet<TRow> sheet, string prefix, TimeZoneInfo zone, List<DynamicExcelColumn> columns)
    {
        for (var c = 0; c < sheet.Columns.Count; c++)
        {
            var column = sheet.Columns[c];
            columns.Add(new DynamicExcelColumn(prefix + c)
            {
                Name = column.Header, Index = c,
                Format = column.Kind switch
                {
                    CellKind.Yuan => "0.00",
                    CellKind.Time => "yyyy-mm-dd hh:mm:ss",
                    CellKind.Date => "yyyy-mm-dd",
                    _ => null,
                },
                Width = column.Kind switch { CellKind.Time => 20, CellKind.Yuan or CellKind.Date => 14, _ => 18 },
            });
        }
        var rows = new List<Dictionary<string, object?>>();
        foreach (var row in sheet.Rows)
        {
            var cells = new Dictionary<string, object?>(sheet.Columns.Count);
            for (var c = 0; c < sheet.Columns.Count; c++)
                cells[prefix + c] = Cell(sheet.Columns[c].Kind, sheet.Columns[c].Value(row), zone);
            rows.Add(cells);
        }
        if (rows.Count == 0) rows.Add(sheet.Columns.Select((_, c) => prefix + c).ToDictionary(k => k, _ => (object?)null)); // headers even when empty
        return rows;
    }

    static object? Cell(CellKind kind, object? value, TimeZoneInfo zone) => (kind, value) switch
    {
        (_, null) => null,
        // Presentation only: fen become yuan in a decimal (exact), never arithmetic on money.
        (CellKind.Yuan, long fen) => fen / 100m,
        (CellKind.Number, long n) => n,
        (CellKind.Time, DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, zone).DateTime,
        (CellKind.Time, ZonedTime z) => TimeZoneInfo.ConvertTime(z.At, z.Zone).DateTime,
        (CellKind.Date, DateOnly day) => day.ToDateTime(TimeOnly.MinValue),
        (_, var other) => other.ToString(),
    };

    sealed record ZonedTime(DateTimeOffset At, TimeZoneInfo Zone);

    static string Unique(Dictionary<string, object> workbook, string name)
    {
        name = string.IsNullOrWhiteSpace(name) ? "Sheet" : name[..Math.Min(31, name.Length)];
        var unique = name;
        for (var n = 2; workbook.ContainsKey(unique); n++) unique = $"{name[..Math.Min(28, name.Length)]} {n}";
        return unique;
    }
}
