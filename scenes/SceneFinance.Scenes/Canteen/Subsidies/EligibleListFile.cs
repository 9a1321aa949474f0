using System.Globalization;
using MiniExcelLibs;

namespace SceneFinance.Scenes.Canteen.Subsidies;

/// <summary>
/// A list of external ids (.xlsx or .csv): the column headed externalId, 学号, 工号 or 编号, else the first column. Ids are text:
/// a cell holding a number has already lost its leading zeros, so such a row is refused rather than read as another id.
/// </summary>
public static class EligibleListFile
{
    public const int MaxRows = 100_000;
    static readonly string[] Headers = ["externalid", "external id", "学号", "工号", "编号", "id"];

    public static (List<string> Ids, List<(int Row, string Reason)> Rejected) Read(byte[] content)
    {
        var ids = new List<string>();
        var rejected = new List<(int, string)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var stream = new MemoryStream(content);
        var type = content.Length > 4 && content[0] == (byte)'P' && content[1] == (byte)'K' ? ExcelType.XLSX : ExcelType.CSV;
        var line = 1;
        string? column = null;
        foreach (IDictionary<string, object?> row in MiniExcel.Query(stream, useHeaderRow: true, excelType: type))
        {
            line++;
            column ??= row.Keys.FirstOrDefault(k => Headers.Contains(k.Trim().ToLowerInvariant())) ?? row.Keys.First();
            var cell = row.TryGetValue(column, out var v) ? v : null;
            if (cell is null || cell is string { Length: 0 }) continue;
            if (cell is not string text)
            {
                rejected.Add((line, $"{Convert.ToString(cell, CultureInfo.InvariantCulture)} is a number cell, which loses leading zeros: format the column as text 请将编号列设为文本格式"));
                continue;
            }
            text = text.Trim();
            if (text.Length is 0 or > 64) rejected.Add((line, "An id is 1 to 64 characters."));
            else if (ids.Count >= MaxRows) { rejected.Add((line, $"More than {MaxRows} ids: split the file.")); break; }
            else if (seen.Add(text)) ids.Add(text);
        }
        return (ids, rejected);
    }
}
