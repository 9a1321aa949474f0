using System.Globalization;
using System.IO.Compression;
using System.Xml.Linq;

namespace SceneFinance.Tests.Infrastructure;

/// <summary>One cell as the .xlsx stores it: its type attribute (<c>t</c>), its number format and its raw value.</summary>
public sealed record Cell(string? Type, string Format, string? Value)
{
    /// <summary>A number cell (no type, or <c>n</c>): how Excel and LibreOffice add it up.</summary>
    public bool IsNumber => Type is null or "n";

    public bool IsText => Type is "str" or "s" or "inlineStr";

    public decimal Number => decimal.Parse(Value!, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>A date cell's wall-clock time (stored as days since 1899-12-30).</summary>
    public DateTime Time => DateTime.FromOADate(double.Parse(Value!, CultureInfo.InvariantCulture));
}

/// <summary>The first sheet of an .xlsx read at the XML level, so tests check what a cell is (number, date, text), not only how it reads.</summary>
public sealed class Workbook
{
    static readonly XNamespace X = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    public IReadOnlyList<string> Headers { get; }
    public IReadOnlyList<IReadOnlyDictionary<string, Cell>> Rows { get; }

    public Workbook(byte[] bytes)
    {
        using var zip = new ZipArchive(new MemoryStream(bytes));
        var sheet = XDocument.Load(zip.GetEntry("xl/worksheets/sheet1.xml")!.Open());
        var styles = XDocument.Load(zip.GetEntry("xl/styles.xml")!.Open());
        var shared = zip.GetEntry("xl/sharedStrings.xml") is { } s
            ? XDocument.Load(s.Open()).Descendants(X + "si").Select(si => string.Concat(si.Descendants(X + "t").Select(t => t.Value))).ToList()
            : [];
        var xfs = styles.Descendants(X + "cellXfs").Single().Elements(X + "xf").ToList();
        var formats = styles.Descendants(X + "numFmt").ToDictionary(f => f.Attribute("numFmtId")!.Value, f => f.Attribute("formatCode")!.Value);

        Cell Read(XElement c)
        {
            var type = c.Attribute("t")?.Value;
            var format = c.Attribute("s") is { } style ? xfs[int.Parse(style.Value)].Attribute("numFmtId")?.Value ?? "0" : "0";
            var raw = type == "inlineStr" ? string.Concat(c.Descendants(X + "t").Select(t => t.Value)) : c.Element(X + "v")?.Value;
            if (type == "s" && raw is not null) raw = shared[int.Parse(raw)];
            return new Cell(type, formats.GetValueOrDefault(format, format), raw);
        }

        // By column letter ("C7" is column C), so an empty cell left out of a row shifts nothing.
        static string Column(XElement c) => new(c.Attribute("r")!.Value.TakeWhile(char.IsLetter).ToArray());
        var rows = sheet.Descendants(X + "row").Select(r => r.Elements(X + "c").ToDictionary(Column, Read)).ToList();
        var headers = rows[0].ToDictionary(h => h.Key, h => h.Value.Value ?? "");
        Headers = headers.Values.ToList();
        Rows = rows.Skip(1)
            .Select(r => (IReadOnlyDictionary<string, Cell>)r.Where(c => headers.ContainsKey(c.Key)).ToDictionary(c => headers[c.Key], c => c.Value))
            .ToList();
    }
}
