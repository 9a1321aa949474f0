using System.Net;
using System.Text;
using MiniExcelLibs;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Campus;

/// <summary>A roster that once left its import "running" for ever (a NUL in a cell), and guardian phones in the rejected-rows file.</summary>
[Collection(SharedCampusApp.Name)]
public sealed class RosterImportBoundsSpecs(CampusApp app)
{
    static string Phone() => "13" + Random.Shared.NextInt64(100_000_000, 999_999_999);

    [Fact]
    public async Task A_NUL_in_a_cell_refuses_that_row_the_import_ends_and_the_rejected_rows_mask_guardian_phones()
    {
        var s = await Scenario.Start(app, "campus");
        var (good, bad) = (Phone(), Phone());
        var csv = Roster.Csv(
            Roster.Row("7001", "王小明", "一年级", "1班", "李红", good),
            Roster.Row("7002", "Bad\0Name", "一年级", "1班", "张三", bad));
        var import = await s.ImportCsv(csv);
        Assert.Equal("completed", import.Str("status"));
        Assert.Equal(1, import.Long("created"));
        Assert.Equal(1, import.Long("rejected"));

        var rejected = await s.Api.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, import.Str("rejectedRowsUrl"))
            { Headers = { Authorization = new("Bearer", s.AdminToken) } });
        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        var rows = MiniExcel.Query(new MemoryStream(await rejected.Content.ReadAsByteArrayAsync()), useHeaderRow: true, excelType: ExcelType.XLSX)
            .Cast<IDictionary<string, object?>>().ToList();
        var row = Assert.Single(rows);
        var text = string.Join("|", row.Values.Select(v => v?.ToString()));
        Assert.DoesNotContain(bad, text);          // the guardian's phone is masked
        Assert.Contains(bad[..3] + "****" + bad[^4..], text);
        Assert.False(text.Contains('\0'), text);
        Assert.Contains("control", text);

        // And the school imports again (the import did not keep its lock).
        var again = await s.ImportCsv(Roster.Csv(Roster.Row("7002", "Good Name", "一年级", "1班", "张三", bad)));
        Assert.Equal("completed", again.Str("status"));
        Assert.Equal(1, again.Long("created"));
    }
}
