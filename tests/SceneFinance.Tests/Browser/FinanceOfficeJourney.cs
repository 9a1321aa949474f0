using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using MiniExcelLibs;
using SceneFinance.Platform.Security;
using SceneFinance.Tests.Campus;
using SceneFinance.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SceneFinance.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class FinanceOfficeJourney(BrowserFixture browser)
{
    [Fact]
    public async Task The_bursar_imports_a_roster_watching_its_progress_then_reads_and_exports_the_collection_overview()
    {
        var s = await Scenario.Start(browser.App.Api(), "campus");
        var bursar = "bursar" + Guid.NewGuid().ToString("N")[..8];
        (await s.Api.Post($"{s.Base}/users", new { username = bursar, password = "Bursar-Passw0rd", role = Roles.Finance }, s.AdminToken)).Expect(System.Net.HttpStatusCode.Created);
        var csv = new StringBuilder(Roster.Header + "\n");
        for (var i = 1; i <= 1200; i++) csv.Append(Roster.Row(i.ToString("D6"), $"学生{i}", i % 2 == 0 ? "一年级" : "二年级", $"{i % 4 + 1}班", $"家长{i}", "135" + (10_000_000 + i))).Append('\n');
        csv.Append(Roster.Row("000007", "重复", "一年级", "1班", "家长", "13599999999")).Append('\n');
        var file = Path.Combine(Path.GetTempPath(), $"roster-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, csv.ToString());

        var page = await browser.NewPage();
        page.SetDefaultTimeout(60_000);
        SetDefaultExpectTimeout(30_000);
        await page.GotoAsync("/login");
        await page.FillAsync("#username", bursar);
        await page.FillAsync("#password", "Bursar-Passw0rd");
        await page.ClickAsync("#sign-in");
        await Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync(bursar);

        await page.GotoAsync("/campus/import");
        await Expect(page.GetByTestId("campus-live")).ToContainTextAsync("Connected"); // the file goes through the live circuit
        await page.GetByTestId("roster-file").SetInputFilesAsync(file);
        await Expect(page.GetByTestId("import-progress")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("import-status")).ToContainTextAsync("Done");
        await Expect(page.GetByTestId("import-counts")).ToContainTextAsync("created 1200");
        await Expect(page.GetByTestId("import-counts")).ToContainTextAsync("rejected 1");
        await BrowserFixture.Screenshot(page, "campus-roster-import");
        var rejected = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("rejected-download").ClickAsync());
        var rows = await Sheet(rejected);
        Assert.Contains("already on row", Assert.Single(rows)["reason 原因"]!.ToString());

        var plan = await s.Plan("一年级", [100_000]);
        await s.Generate(plan);
        await s.PayAtCounter(await s.BillOf("000002"), 100_000);
        await s.PayAtCounter(await s.BillOf("000004"), 40_000);

        await page.GotoAsync("/campus");
        await Expect(page.GetByTestId("campus-live")).ToContainTextAsync("Connected");
        var total = page.GetByTestId("overview").Locator("tr").Last;
        await Expect(total).ToContainTextAsync("合计 Total");
        await Expect(total).ToContainTextAsync("600"); // bills
        await Expect(total).ToContainTextAsync("1400.00"); // collected
        await BrowserFixture.Screenshot(page, "campus-collection-overview");
        await page.GetByTestId("export-unpaid").ClickAsync();
        var export = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download").ClickAsync());
        Assert.Equal("unpaid.xlsx", export.SuggestedFilename);
        var unpaid = await Sheet(export);
        Assert.Equal(599, unpaid.Count);
        Assert.Contains(unpaid, r => r["学号 Student number"]?.ToString() == "000004" && r["未收(元) Outstanding"]?.ToString() == "600.00");
        Assert.DoesNotContain(unpaid, r => r["学号 Student number"]?.ToString() == "000002");
    }

    static async Task<List<IDictionary<string, object?>>> Sheet(IDownload download) =>
        MiniExcel.Query(new MemoryStream(await File.ReadAllBytesAsync(await download.PathAsync())), useHeaderRow: true, excelType: ExcelType.XLSX)
            .Cast<IDictionary<string, object?>>().ToList();
}
