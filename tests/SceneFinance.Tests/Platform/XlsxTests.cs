using System.IO.Compression;
using System.Xml.Linq;
using MiniExcelLibs;
using SceneFinance.Platform.Exports;

namespace SceneFinance.Tests.Platform;

/// <summary>The one .xlsx writer: amounts are numbers in yuan with a 0.00 format, times and days are date cells, text stays text.</summary>
public sealed class XlsxTests
{
    sealed record Line(string Ref, long Fen, DateTimeOffset At, DateOnly Day, long Count);

    static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    static byte[] Workbook(params Line[] lines) => Xlsx.Write(Shanghai,
        Xlsx.Sheet("流水 Journal", lines,
            Xlsx.Text<Line>("编号", l => l.Ref), Xlsx.Yuan<Line>("金额", l => l.Fen), Xlsx.Time<Line>("时间", l => l.At),
            Xlsx.Date<Line>("日期", l => l.Day), Xlsx.Number<Line>("笔数", l => l.Count)),
        Xlsx.Sheet("Totals", new[] { -5L }, Xlsx.Yuan<long>("Total", f => f)));

    [Fact]
    public void Cells_are_typed_numbers_dates_and_text_and_read_back_as_such()
    {
        var at = new DateTimeOffset(2026, 9, 1, 4, 5, 6, TimeSpan.Zero); // 12:05:06 in Shanghai
        var bytes = Workbook(new Line("00123", 123456, at, new DateOnly(2026, 9, 1), 7));

        using var zip = new ZipArchive(new MemoryStream(bytes));
        XNamespace x = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
        var sheet = XDocument.Load(zip.GetEntry("xl/worksheets/sheet1.xml")!.Open());
        var styles = XDocument.Load(zip.GetEntry("xl/styles.xml")!.Open());
        var cells = sheet.Descendants(x + "row").Skip(1).First().Elements(x + "c").ToList();
        string? Type(int i) => cells[i].Attribute("t")?.Value;
        string Format(int i)
        {
            var xf = styles.Descendants(x + "cellXfs").Single().Elements(x + "xf").ElementAt(int.Parse(cells[i].Attribute("s")!.Value));
            var id = xf.Attribute("numFmtId")!.Value;
            return styles.Descendants(x + "numFmt").FirstOrDefault(f => f.Attribute("numFmtId")!.Value == id)?.Attribute("formatCode")!.Value ?? id;
        }
        Assert.Equal("str", Type(0));
        Assert.True(Type(1) is null or "n", "the amount is a number cell");
        Assert.Equal("1234.56", cells[1].Element(x + "v")!.Value);
        Assert.Equal("0.00", Format(1));
        Assert.True(Type(2) is null or "n", "the time is a date cell");
        Assert.Equal("yyyy-mm-dd hh:mm:ss", Format(2));
        Assert.True(Type(3) is null or "n", "the day is a date cell");
        Assert.True(Type(4) is null or "n", "the count is a number cell");

        var row = ((IDictionary<string, object>)MiniExcel.Query(new MemoryStream(bytes), useHeaderRow: true).First());
        Assert.Equal("00123", row["编号"]);
        Assert.Equal(1234.56, Convert.ToDouble(row["金额"]), 6);
        Assert.Equal(new DateTime(2026, 9, 1, 12, 5, 6), row["时间"]);
        Assert.Equal(new DateTime(2026, 9, 1), row["日期"]);
        var total = (IDictionary<string, object>)MiniExcel.Query(new MemoryStream(bytes), useHeaderRow: true, sheetName: "Totals").First();
        Assert.Equal(-0.05, Convert.ToDouble(total["Total"]), 6);
    }

    [Fact]
    public void An_empty_list_still_has_its_headers()
    {
        var bytes = Workbook();
        var columns = MiniExcel.GetColumns(new MemoryStream(bytes), useHeaderRow: true).ToList();
        Assert.Equal(["编号", "金额", "时间", "日期", "笔数"], columns);
    }
}
