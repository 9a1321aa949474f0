using System.Net;
using System.Text;
using MiniExcelLibs;
using Microsoft.Playwright;
using SceneFinance.Tests.Infrastructure;
using SceneFinance.Tests.Settling;
using static Microsoft.Playwright.Assertions;

namespace SceneFinance.Tests.Browser;

/// <summary>A bank operations officer closes a canteen's day, settles it, takes the payout file and explains the till's difference.</summary>
[Collection(BrowserCollection.Name)]
public sealed class BankOperationsJourney(BrowserFixture browser)
{
    [Fact]
    public async Task An_officer_closes_a_day_downloads_the_payout_file_and_resolves_an_exception()
    {
        var s = await Scenario.Start(browser.Api());
        var (_, card) = await s.CardHolder(cash: 50_000);
        var till = await s.Terminal();
        await s.Account(till.MerchantId, "6222020000012345");
        await s.Fees(till.MerchantId, 60);
        foreach (var amount in new[] { 1_200L, 3_050L }) (await s.Api.Pay(till, card, amount)).Expect(HttpStatusCode.OK);
        var open = (await s.DayEnd()).S("openDay");
        await s.TillSummary(till, open, 2, 4_000); // the till counts 2.50 less than we recorded

        var page = await browser.SignedIn();
        await page.GotoAsync($"/backoffice?tenant={s.TenantId}");
        await BrowserFixture.WaitInteractive(page);
        await Expect(page.GetByTestId("open-day")).ToHaveTextAsync(open);
        await page.GetByTestId("close-day").ClickAsync();
        await Expect(page.GetByTestId("notice")).ToContainTextAsync(open);
        await Expect(page.GetByTestId("last-closed")).ToHaveTextAsync(open);
        await BrowserFixture.Screenshot(page, "backoffice-day-closed");

        await page.GetByTestId("run-settlement").ClickAsync();
        await Expect(page.GetByTestId("settled")).ToHaveTextAsync("是");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("payout-file-xlsx").ClickAsync());
        await using (var file = File.OpenRead(await download.PathAsync()))
        {
            var rows = MiniExcel.Query(file, useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
            Assert.Equal(2, rows.Count); // the payout, then the totals row
            Assert.Equal("6222020000012345", rows[0]["账号"]?.ToString());
            Assert.Equal(42.24m, Convert.ToDecimal(rows[0].Single(c => c.Key is "金额" or "Amount").Value)); // 42.50 less 0.6 % (0.255, half up: 0.26), a number
            Assert.Equal("合计", rows[1]["参考号"]?.ToString());
        }
        var csv = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("payout-file-csv").ClickAsync());
        Assert.Contains("TOTAL,1 payouts,,,,42.24,CNY,", Encoding.UTF8.GetString(await File.ReadAllBytesAsync(await csv.PathAsync())));

        await page.GetByTestId("reconcile").ClickAsync();
        await Expect(page.GetByTestId("notice")).ToContainTextAsync("1 笔差错");

        await page.GetByTestId("nav-exceptions").ClickAsync();
        await BrowserFixture.WaitInteractive(page);
        var row = page.GetByTestId("exceptions").Locator("tbody tr").Filter(new() { HasText = till.Id });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.GetByTestId("exception-kind")).ToHaveTextAsync("金额不符");
        await row.GetByTestId("open-exception").ClickAsync();
        await BrowserFixture.Field(page, "assignee").FillAsync("ops-wang");
        await page.GetByTestId("assign").ClickAsync();
        await Expect(page.GetByTestId("exception-status")).ToHaveTextAsync("已分派");
        await BrowserFixture.Field(page, "comment-text").FillAsync("窗口小票核对：收银员漏录一笔 2.50 元 the till missed a tap");
        await page.GetByTestId("comment").ClickAsync();
        await BrowserFixture.Field(page, "resolve-reason").FillAsync("以系统记录为准 our record stands; till corrected");
        await BrowserFixture.Screenshot(page, "backoffice-exception-detail");
        await page.GetByTestId("resolve").ClickAsync();
        await Expect(page.GetByTestId("exception-status")).ToHaveTextAsync("已解决");
        await BrowserFixture.Screenshot(page, "backoffice-exception-resolved");

        await page.GotoAsync($"/t/{s.TenantId}/day-end/{open}");
        await BrowserFixture.WaitInteractive(page);
        await Expect(page.GetByTestId("total-debit")).ToHaveTextAsync(await page.GetByTestId("total-credit").InnerTextAsync());
        await BrowserFixture.Screenshot(page, "backoffice-day-report");
        await page.GotoAsync($"/backoffice/overview?day={open}");
        await BrowserFixture.WaitInteractive(page);
        await Expect(page.GetByTestId("overview-row").First).ToBeVisibleAsync();
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        await BrowserFixture.Screenshot(page, "backoffice-overview-print");
    }
}
