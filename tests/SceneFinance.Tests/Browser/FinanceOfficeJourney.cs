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
        // A click on the prerendered menu, while the circuit is still starting, is an enhanced navigation the starting circuit
        // then overwrites with the page it was started for: the address changes, the page does not. Click once it is live.
        await BrowserFixture.WaitInteractive(page);

        // The shell's menu leads to the school's pages (Chinese, the default).
        await page.GetByRole(AriaRole.Link, new() { Name = "导入名册" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/t/{s.TenantId}/campus/import$"));
        await BrowserFixture.WaitInteractive(page); // the file goes through the live circuit
        await page.GetByTestId("roster-file").SetInputFilesAsync(file);
        await Expect(page.GetByTestId("import-progress")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("import-status")).ToContainTextAsync("完成"); // done: told by the importer, not polled
        await Expect(page.GetByTestId("import-created")).ToHaveTextAsync("1200");
        await Expect(page.GetByTestId("import-rejected")).ToHaveTextAsync("1");
        await BrowserFixture.Screenshot(page, "campus-roster-import");
        var rejected = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("rejected-download").ClickAsync());
        var rows = await Sheet(rejected);
        Assert.Contains("already on row", Assert.Single(rows)["原因"]!.ToString());

        var plan = await s.Plan("一年级", [100_000]);
        await s.Generate(plan);
        await s.PayAtCounter(await s.BillOf("000002"), 100_000);
        await s.PayAtCounter(await s.BillOf("000004"), 40_000);

        // The old address still arrives, redirected into the shell.
        await page.GotoAsync($"/campus?tenant={s.TenantId}");
        await Expect(page).ToHaveURLAsync(new Regex($"/t/{s.TenantId}/campus$"));
        await BrowserFixture.WaitInteractive(page);
        var total = page.GetByTestId("overview").Locator("tr").Last;
        await Expect(total).ToContainTextAsync("合计");
        await Expect(total).ToContainTextAsync("600"); // bills
        await Expect(total).ToContainTextAsync("1,400.00"); // collected
        await Expect(page.GetByTestId("unpaid")).ToContainTextAsync("000004");
        await BrowserFixture.Screenshot(page, "campus-collection-overview");

        var export = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-unpaid").ClickAsync());
        Assert.Equal("unpaid.xlsx", export.SuggestedFilename);
        var unpaid = await Sheet(export);
        Assert.Equal(599, unpaid.Count);
        var owing = Assert.Single(unpaid, r => r["学号"]?.ToString() == "000004");
        Assert.IsType<double>(owing["未收（元）"]); // a number cell, so the column adds up in a spreadsheet
        Assert.Equal(600.00m, Convert.ToDecimal(owing["未收（元）"]));
        Assert.All(unpaid, r => Assert.IsType<double>(r["应收（元）"]));
        Assert.Equal("000004", owing["学号"]); // student numbers stay text, zeros and all
        Assert.DoesNotContain(unpaid, r => r["学号"]?.ToString() == "000002");

        // A counter payment made meanwhile shows without a reload (the bill's commit is pushed to the page).
        await s.PayAtCounter(await s.BillOf("000006"), 100_000);
        await Expect(total).ToContainTextAsync("2,400.00");

        // The same pages in English look like the rest of the shell.
        await page.GetByTestId("language").ClickAsync();
        await Expect(page.GetByTestId("overview").Locator("tr").Last).ToContainTextAsync("Total");
        await BrowserFixture.WaitInteractive(page);
        await BrowserFixture.Screenshot(page, "campus-collection-overview-en");
        await page.GetByRole(AriaRole.Link, new() { Name = "Attendance" }).ClickAsync();
        await Expect(page.GetByTestId("attendance-summary")).ToContainTextAsync("Absent");
        await Expect(page.GetByTestId("absent")).ToHaveTextAsync("1200");
        await BrowserFixture.Screenshot(page, "campus-attendance-en");
    }

    static async Task<List<IDictionary<string, object?>>> Sheet(IDownload download) =>
        MiniExcel.Query(new MemoryStream(await File.ReadAllBytesAsync(await download.PathAsync())), useHeaderRow: true, excelType: ExcelType.XLSX)
            .Cast<IDictionary<string, object?>>().ToList();
}
