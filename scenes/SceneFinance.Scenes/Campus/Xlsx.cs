using MiniExcelLibs;

namespace SceneFinance.Scenes.Campus;

/// <summary>Exports as .xlsx (MiniExcel). Text stays text: student numbers and card numbers keep their leading zeros.</summary>
public static class Xlsx
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static byte[] Write(IEnumerable<IDictionary<string, object?>> rows, string sheet = "Sheet1")
    {
        using var stream = new MemoryStream();
        stream.SaveAs(rows, sheetName: sheet, excelType: ExcelType.XLSX);
        return stream.ToArray();
    }

    public static Microsoft.AspNetCore.Http.IResult File(byte[] content, string name) =>
        Microsoft.AspNetCore.Http.Results.File(content, ContentType, name);
}
