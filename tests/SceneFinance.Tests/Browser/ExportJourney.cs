using System.Net;
using MiniExcelLibs;
using Microsoft.Playwright;
using SceneFinance.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SceneFinance.Tests.Browser;

/// <summary>The finance office searches its card holders and takes the list away as a spreadsheet.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ExportJourney(BrowserFixture browser)
{
    [Fact]
    public async Task Card_holders_are_searched_by_name_external_id_or_last_4_and_exported_to_xlsx()
    {
        var s = await Scenario.Start(browser.Api(), "campus");
        var holders = new[] { ("S001", "张伟", "6200000000001111"), ("S002", "张敏", "6200000000002222"), ("T100", "李老师", "6200000000003333") };
        foreach (var (externalId, name, card) in holders)
            (await s.Api.Post($"{s.Base}/cardholders", new { externalId, name, kind = "student", cardNumber = card }, s.AdminToken)).Expect(HttpStatusCode.Created);
        var other = await Scenario.Start(browser.Api(), "campus"); // another tenant's 张 must never show
        (await other.Api.Post($"{other.Base}/cardholders", new { externalId = "S001", name = "张三", kind = "student" }, other.AdminToken)).Expect(HttpStatusCode.Created);

        var page = await browser.SignedIn();
        await page.GotoAsync($"/t/{s.TenantId}/cardholders");
        await BrowserFixture.WaitInteractive(page);
        var rows = page.GetByTestId("holders").Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(3);

        await Search(page, "3333");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("李老师");
        await Search(page, "S002");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("张敏");
        await Search(page, "张");
        await Expect(rows).ToHaveCountAsync(2);

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export").ClickAsync());
        Assert.EndsWith(".xlsx", download.SuggestedFilename);
        await using var file = File.OpenRead(await download.PathAsync());
        var sheet = MiniExcel.Query(file, useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(2, sheet.Count);
        Assert.Equal(new[] { "张伟", "张敏" }.Order(), sheet.Select(r => r["名称"]?.ToString() ?? "").Order());
        var zhangWei = sheet.Single(r => r["名称"]?.ToString() == "张伟");
        Assert.Equal("S001", zhangWei["学号 / 编号"]?.ToString());
        Assert.Equal("****1111", zhangWei["卡号"]?.ToString());
        Assert.Equal("正常", zhangWei["状态"]?.ToString());
        Assert.DoesNotContain(sheet.SelectMany(r => r.Values), v => v?.ToString()?.Contains("6200000000001111") == true);
        await BrowserFixture.Screenshot(page, "export-card-holders");
    }

    static async Task Search(IPage page, string text)
    {
        await BrowserFixture.Field(page, "search").FillAsync(text);
        await page.GetByTestId("search-button").ClickAsync();
    }
}
