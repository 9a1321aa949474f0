using System.Net;
using Microsoft.Playwright;
using SceneFinance.Tests.Hospital;
using SceneFinance.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SceneFinance.Tests.Browser;

/// <summary>
/// Issue 15, cash at the window in the admin shell: a cashier opens a shift with a float, takes cash for an HIS order at the
/// patient's page, counts the drawer 10 yuan short (a reason is asked for), closes; the list, its .xlsx and the day's cash by
/// cashier agree; the page reads in English too.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class CashWindowJourney(BrowserFixture browser)
{
    [Fact]
    public async Task A_cashier_opens_a_shift_takes_cash_and_closes_it_counted_short_with_a_reason()
    {
        var h = await HospitalScenario.Start(browser.Api(), null);
        var cashier = "cashier" + Guid.NewGuid().ToString("N")[..8];
        (await h.Api.Post($"{h.S.Base}/users", new { username = cashier, password = "Passw0rd-cashier", role = "cashier" }, h.S.AdminToken)).Expect(HttpStatusCode.Created);
        var (patient, _) = await h.Patient("王五 Wang Wu");
        await h.Order(patient, 8000, "drug");

        var page = await browser.SignedIn(cashier, "Passw0rd-cashier");
        await page.GetByRole(AriaRole.Link, new() { Name = "收费员班次" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "收费员班次" })).ToBeVisibleAsync();
        await BrowserFixture.WaitInteractive(page);
        await BrowserFixture.Field(page, "shift-float-input").FillAsync("500");
        await page.GetByTestId("open-shift").ClickAsync();
        await Expect(page.GetByTestId("message")).ToHaveTextAsync("已开班，备用金 500.00 元。");

        // 80 yuan in cash at the patient's page.
        await page.GotoAsync($"/t/{h.S.TenantId}/hospital/patients/{patient}");
        await BrowserFixture.WaitInteractive(page);
        await page.GetByTestId("select-order").First.CheckAsync();
        await page.GetByTestId("pay-tender").SelectOptionAsync("cash");
        await page.GetByTestId("pay-orders").ClickAsync();
        await Expect(page.GetByTestId("notice")).ToHaveTextAsync("已收费 80.00 元。");
        await Expect(page.GetByTestId("due")).ToHaveTextAsync("0.00");

        // The drawer should hold 580 yuan; 570 counted needs a reason, then closes (within the 50-yuan threshold).
        await page.GotoAsync($"/t/{h.S.TenantId}/hospital/cash-shifts");
        await BrowserFixture.WaitInteractive(page);
        await Expect(page.GetByTestId("shift-taken")).ToHaveTextAsync("80.00");
        await Expect(page.GetByTestId("shift-expected")).ToHaveTextAsync("580.00");
        await BrowserFixture.Field(page, "shift-counted").FillAsync("570");
        await page.GetByTestId("close-shift").ClickAsync();
        await Expect(page.GetByTestId("problem")).ToHaveTextAsync("请检查标出的字段。");
        await BrowserFixture.Field(page, "shift-reason").FillAsync("找零错误");
        await page.GetByTestId("close-shift").ClickAsync();
        await Expect(page.GetByTestId("message")).ToHaveTextAsync("已交班：实点 570.00 元，长短款 -10.00 元。");
        await Expect(page.GetByTestId("shift-status").First).ToHaveTextAsync("已交班");
        await Expect(page.GetByTestId("shift-difference").First).ToHaveTextAsync("-10.00");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export").ClickAsync());
        var cells = new Workbook(await File.ReadAllBytesAsync(await download.PathAsync()));
        var row = Assert.Single(cells.Rows);
        Assert.True(row["长短款"] is { IsNumber: true, Format: "0.00" }, "the difference is a number cell");
        Assert.Equal(-10m, row["长短款"].Number);
        Assert.Equal(570m, row["实点现金"].Number);

        // The day's report shows the cashier's cash, and the page reads in English.
        await page.GetByRole(AriaRole.Link, new() { Name = "收费日报" }).ClickAsync();
        await Expect(page.GetByTestId("cashier-line")).ToContainTextAsync("80.00");
        await BrowserFixture.WaitInteractive(page);
        await page.GetByTestId("language").ClickAsync();
        await Expect(page.GetByText("Cash by cashier")).ToBeVisibleAsync();
        await page.GotoAsync($"/t/{h.S.TenantId}/hospital/cash-shifts");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Cash shifts" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("shift-status").First).ToHaveTextAsync("Shift closed");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Open a shift" })).ToBeVisibleAsync();
        await BrowserFixture.Screenshot(page, "hospital-cash-shifts");

        var tb = await h.S.TrialBalance();
        Assert.Equal(1000, tb.Account("cash-over-short"));
        Assert.Equal(7000, tb.Account("cash-safe"));
    }
}
