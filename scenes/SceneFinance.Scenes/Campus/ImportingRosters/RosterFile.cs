using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MiniExcelLibs;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;

namespace SceneFinance.Scenes.Campus.ImportingRosters;

/// <summary>A roster row that can be imported.</summary>
public sealed record RosterRow(int Row, string StudentNumber, string Name, string Grade, string Class, string? CardNumber, IReadOnlyList<GuardianContact> Guardians,
    bool Left = false) : IRosterRow
{
    /// <summary>
    /// What the row says, so the same row imported again is recognised as unchanged. Keyed (<see cref="Digests"/>): the record
    /// keeps every other field in clear, so a plain hash would give the guardians' phones away to a brute force.
    /// </summary>
    public string Hash => Digests.Of("roster-row", string.Join('\u001f',
        [StudentNumber, Name, Grade, Class, .. Guardians.SelectMany(g => new[] { g.Name, g.Phone, g.Relation }), .. Left ? new[] { "left" } : []]));
}

/// <summary>A row of any roster: where in the file it was.</summary>
public interface IRosterRow
{
    int Row { get; }
}

/// <summary>A row that was not imported, with its cells as read and why.</summary>
public sealed record RejectedRow(int Row, IReadOnlyDictionary<string, string?> Cells, string Reason);

/// <summary>
/// Reads a roster from .xlsx or .csv (MiniExcel). Columns by header, English or Chinese:
/// studentNumber/学号, name/姓名, grade/年级, class/班级, cardNumber/卡号 (optional),
/// guardianName/家长姓名, guardianPhone/家长电话, guardianRelation/关系, and guardian2Name/Phone/Relation (家长2姓名/家长2电话/家长2关系),
/// and status/状态 (optional): <c>left</c>/<c>离校</c> marks a leaver (closed by the import), empty or <c>active</c>/<c>在读</c> a student.
/// A student missing from a file is never closed: a roster may be one class's, so only an explicit status closes anyone.
/// Student numbers are text: a spreadsheet cell holding a number has already lost any leading zeros, so such a row is refused
/// rather than imported under a different number.
/// </summary>
public static class RosterFile
{
    public const int MaxRows = 20_000;

    static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["studentnumber"] = "studentNumber", ["学号"] = "studentNumber", ["student number"] = "studentNumber",
        ["name"] = "name", ["姓名"] = "name", ["学生姓名"] = "name",
        ["grade"] = "grade", ["年级"] = "grade",
        ["class"] = "class", ["班级"] = "class",
        ["cardnumber"] = "cardNumber", ["卡号"] = "cardNumber",
        ["guardianname"] = "guardian1Name", ["guardian1name"] = "guardian1Name", ["家长姓名"] = "guardian1Name", ["家长1姓名"] = "guardian1Name",
        ["guardianphone"] = "guardian1Phone", ["guardian1phone"] = "guardian1Phone", ["家长电话"] = "guardian1Phone", ["家长1电话"] = "guardian1Phone",
        ["guardianrelation"] = "guardian1Relation", ["guardian1relation"] = "guardian1Relation", ["关系"] = "guardian1Relation", ["家长1关系"] = "guardian1Relation",
        ["guardian2name"] = "guardian2Name", ["家长2姓名"] = "guardian2Name",
        ["guardian2phone"] = "guardian2Phone", ["家长2电话"] = "guardian2Phone",
        ["guardian2relation"] = "guardian2Relation", ["家长2关系"] = "guardian2Relation",
        ["status"] = "status", ["状态"] = "status", ["学籍状态"] = "status",
    };

    static readonly HashSet<string> LeftWords = new(StringComparer.OrdinalIgnoreCase) { "left", "leaver", "离校", "已离校", "退学", "转出" };
    static readonly HashSet<string> ActiveWords = new(StringComparer.OrdinalIgnoreCase) { "active", "在读", "在校" };

    public static bool IsXlsx(ReadOnlySpan<byte> content) => content.Length > 4 && content[0] == (byte)'P' && content[1] == (byte)'K';

    /// <summary>Splits the file into rows to import and rows refused with a reason; a duplicate student number refuses its later rows.</summary>
    public static (List<RosterRow> Rows, List<RejectedRow> Rejected) Read(byte[] content) =>
        Read(content, Aliases, Parse, r => r.StudentNumber, (number, first) => $"Student number {number} is already on row {first} of this file. 学号重复");

    /// <summary>
    /// The reading every roster shares (students here, staff in the canteen): .xlsx or .csv, columns by header through
    /// <paramref name="aliases"/>, blank lines skipped, at most <see cref="MaxRows"/> rows, each row parsed or refused with a
    /// reason and its cells as the file had them, and a row whose key (<paramref name="key"/>) came before refused.
    /// </summary>
    public static (List<TRow> Rows, List<RejectedRow> Rejected) Read<TRow>(byte[] content, IReadOnlyDictionary<string, string> aliases,
        Func<int, Dictionary<string, object?>, (TRow? Row, string? Reason)> parse, Func<TRow, string> key, Func<string, int, string> duplicate) where TRow : class
    {
        var rows = new List<TRow>();
        var rejected = new List<RejectedRow>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        using var stream = new MemoryStream(content);
        var type = IsXlsx(content) ? ExcelType.XLSX : ExcelType.CSV;
        var line = 1; // the header
        foreach (IDictionary<string, object?> raw in MiniExcel.Query(stream, useHeaderRow: true, excelType: type))
        {
            line++;
            if (raw.Values.All(v => v is null || (v is string s && string.IsNullOrWhiteSpace(s)))) continue; // blank line
            if (rows.Count + rejected.Count >= MaxRows)
            {
                rejected.Add(new RejectedRow(line, new Dictionary<string, string?>(), $"The file has more than {MaxRows} rows; split it."));
                break;
            }
            var cells = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (header, value) in raw)
                if (aliases.TryGetValue(header.Trim(), out var column)) cells[column] = value;
            var shown = raw.ToDictionary(kv => Kept(kv.Key)!, kv => Kept(Masked(kv.Key, Shown(kv.Value))));
            var (row, reason) = raw.Any(kv => !CleanText.IsClean(kv.Key) || (Shown(kv.Value) is { } v && !CleanText.IsClean(v)))
                ? (null, "a cell holds a control character (such as NUL); remove it 单元格含有控制字符")
                : parse(line, cells);
            if (row is not null && seen.TryGetValue(key(row), out var first))
            {
                reason = duplicate(key(row), first);
                row = null;
            }
            if (row is null) rejected.Add(new RejectedRow(line, shown, reason!));
            else
            {
                seen[key(row)] = line;
                rows.Add(row);
            }
        }
        return (rows, rejected);
    }

    /// <summary>
    /// An id cell (a student or staff number) as text: required, up to 32 letters, digits or -. A number cell has already lost
    /// its leading zeros, so it is refused (<paramref name="label"/> names the column in the reason, <paramref name="zh"/> in Chinese).
    /// </summary>
    public static string? Id(Dictionary<string, object?> cells, string column, string label, string zh, List<string> problems)
    {
        var cell = cells.GetValueOrDefault(column);
        string? id = null;
        if (cell is string s && s.Trim() is { Length: > 0 } text) id = text;
        else if (cell is null || cell is string) problems.Add($"{label} is required");
        else problems.Add($"{label} is a number cell, which loses leading zeros: format the column as text 请将{zh}列设为文本格式");
        if (id is not null && !(id.Length <= 32 && id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')))
        {
            problems.Add($"{label} must be up to 32 letters, digits or -");
            id = null;
        }
        return id;
    }

    static (RosterRow?, string?) Parse(int line, Dictionary<string, object?> cells)
    {
        var problems = new List<string>();
        var studentNumber = Id(cells, "studentNumber", "studentNumber (学号)", "学号", problems);

        var name = Text(cells, "name");
        var grade = Text(cells, "grade");
        var @class = Text(cells, "class");
        if (name is null || name.Length > 100) problems.Add("name (姓名) is required, up to 100 characters");
        if (grade is null || grade.Length > 32) problems.Add("grade (年级) is required, up to 32 characters");
        if (@class is null || @class.Length > 32) problems.Add("class (班级) is required, up to 32 characters");
        var card = Text(cells, "cardNumber");
        if (card is not null && !(card.Length is >= 4 and <= 32 && card.All(char.IsAsciiLetterOrDigit))) problems.Add("cardNumber (卡号) must be 4 to 32 letters or digits");

        var status = Text(cells, "status");
        if (status is not null && !LeftWords.Contains(status) && !ActiveWords.Contains(status))
            problems.Add("status (状态) must be empty, active (在读) or left (离校)");
        var left = status is not null && LeftWords.Contains(status);

        var guardians = new List<GuardianContact>();
        foreach (var n in new[] { 1, 2 })
        {
            var gName = Text(cells, $"guardian{n}Name");
            var gPhone = Text(cells, $"guardian{n}Phone");
            var gRelation = Text(cells, $"guardian{n}Relation");
            if (gName is null && gPhone is null) continue;
            if (gPhone is null || !(gPhone.Length is >= 8 and <= 20 && gPhone.All(char.IsAsciiDigit))) problems.Add($"guardian{n}Phone must be 8 to 20 digits");
            else if (gName is null || gName.Length > 100) problems.Add($"guardian{n}Name is required with a phone");
            else guardians.Add(new GuardianContact(gName, gPhone, gRelation ?? "guardian"));
        }
        if (guardians.Count == 0 && !problems.Any(p => p.StartsWith("guardian"))) problems.Add("at least one guardian with a phone is required 至少需要一位家长及电话");
        if (guardians.Select(g => g.Phone).Distinct().Count() < guardians.Count) problems.Add("the two guardians have the same phone");
        return problems.Count > 0
            ? (null, string.Join("; ", problems))
            : (new RosterRow(line, studentNumber!, name!, grade!, @class!, card, guardians, left), null);
    }

    /// <summary>
    /// The rejected-rows file goes back to any staff role: a guardian's phone in it is masked like everywhere else (138****5678).
    /// </summary>
    static string? Masked(string header, string? value) =>
        Aliases.TryGetValue(header.Trim(), out var column) && column.EndsWith("Phone", StringComparison.Ordinal) ? Masking.Phone(value) : value;

    /// <summary>A refused character cannot be stored (PostgreSQL refuses NUL) nor shown: the rejected row keeps a visible mark instead.</summary>
    static string? Kept(string? value) =>
        value is null || CleanText.IsClean(value) ? value : string.Concat(value.Select(c => CleanText.IsRefused(c, false) ? '\uFFFD' : c));

    /// <summary>A cell as text. Numbers (phones typed as numbers) are written out in full, integral ones without a decimal point.</summary>
    public static string? Text(Dictionary<string, object?> cells, string column) =>
        Shown(cells.GetValueOrDefault(column)) is { } s && s.Trim() is { Length: > 0 } t ? t : null;

    static string? Shown(object? value) => value switch
    {
        null => null,
        string s => s,
        double d when d == Math.Floor(d) && Math.Abs(d) < 1e15 => ((long)d).ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
