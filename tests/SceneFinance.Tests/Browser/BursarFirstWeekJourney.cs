using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using MiniExcelLibs;
using SceneFinance.Platform.Security;
using SceneFinance.Tests.Campus;
using SceneFinance.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SceneFinance.Tests.Browser;

/// <summary>
/// A new bursar runs the start of term from the shell, never the API: import the roster, create a plan, preview and issue the bills,
/// take a counter payment, ask for a scholarship that a second person approves, refund a counter payment in cash, export the unpaid list.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BursarFirstWeekJourney(BrowserFixture browser)
{
    [Fact]
    public async Task The_bursar_runs_the_start_of_term_from_the_shell_and_a_second_person_approves_the_scholarship()
    {
        var s = await Scenario.Start(browser.App.Api(), "campus");
        var (bursar, approver) = ("bursar" + Guid.NewGuid().ToString("N")[..8], "approver" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var user in new[] { bursar, approver })
            (await s.Api.Post($"{s.Base}/users", new { username = user, password = "Bursar-Passw0rd", role = Roles.Finance }, s.AdminToken)).Expect(System.Net.HttpStatusCode.Created);
        var csv = new StringBuilder(Roster.Header + "\n");
        for (var i = 1; i <= 6; i++) csv.Append(Roster.Row(i.ToString("D4"), $"学生{i}", "三年级", $"{i % 2 + 1}班", $"家长{i}", "136" + (20_000_000 + i))).Append('\n');
        var file = Path.Combine(Path.GetTempPath(), $"roster-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, csv.ToString());
        SetDefaultExpectTimeout(30_000);

        // Monday: the roster.
        var page = await browser.SignedIn(bursar, "Bursar-Passw0rd");
        page.SetDefaultTimeout(60_000);
        await page.GetByRole(AriaRole.Link, new() { Name = "导入名册" }).ClickAsync();
        await BrowserFixture.WaitInteractive(page);
        await page.GetByTestId("roster-file").SetInputFilesAsync(file);
        await Expect(page.GetByTestId("import-created")).ToHaveTextAsync("6");

        // Tuesday: the plan, its preview, the bills.
        await page.GetByRole(AriaRole.Link, new() { Name = "收费方案", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/t/{s.TenantId}/campus/plans$"));
        await BrowserFixture.WaitInteractive(page);
        await BrowserFixture.Field(page, "plan-name").FillAsync("三年级秋季");
        await BrowserFixture.Field(page, "plan-term").FillAsync("2026-autumn");
        await BrowserFixture.Field(page, "plan-grade").FillAsync("三年级");
        await BrowserFixture.Field(page, "item-name-0").FillAsync("学费");
        await BrowserFixture.Field(page, "item-amount-0").FillAsync("1000");
        await BrowserFixture.Field(page, "due-0").FillAsync(DateTime.UtcNow.AddDays(20).ToString("yyyy-MM-dd"));
        await BrowserFixture.Field(page, "share-0").FillAsync("60");
        await page.GetByTestId("create-plan").ClickAsync();
        await Expect(page.GetByTestId("problem")).ToBeVisibleAsync(); // 60 %: the slice's own rule, in Chinese beside the field
        await Expect(page.GetByTestId("new-plan")).ToContainTextAsync("各期比例之和须为 100%");
        await page.GetByTestId("add-installment").ClickAsync();
        await BrowserFixture.Field(page, "due-1").FillAsync(DateTime.UtcNow.AddDays(80).ToString("yyyy-MM-dd"));
        await BrowserFixture.Field(page, "share-1").FillAsync("40");
        await page.GetByTestId("create-plan").ClickAsync();
        await Expect(page.GetByTestId("notice")).ToContainTextAsync("三年级秋季");
        await page.GetByTestId("preview-三年级秋季").ClickAsync();
        await Expect(page.GetByTestId("preview-total")).ToContainTextAsync("6,000.00");
        await BrowserFixture.Screenshot(page, "campus-plan-preview");
        await page.GetByTestId("issue").ClickAsync();
        await Expect(page.GetByTestId("notice")).ToContainTextAsync("已开具 6 张账单");

        // Wednesday: a family pays 1,000 at the counter; a payment of 400 was taken twice by mistake and is handed back.
        await page.GetByRole(AriaRole.Link, new() { Name = "账单", Exact = true }).ClickAsync();
        await BrowserFixture.WaitInteractive(page);
        await page.GetByTestId("bill-0001").ClickAsync();
        await BrowserFixture.WaitInteractive(page);
        await BrowserFixture.Field(page, "pay-amount").FillAsync("1000");
        await page.GetByTestId("pay").ClickAsync();
        await Expect(page.GetByTestId("bill-status")).ToHaveTextAsync("已缴清");
        await page.GotoAsync($"/t/{s.TenantId}/campus/bills");
        await BrowserFixture.WaitInteractive(page);
        await page.GetByTestId("bill-0002").ClickAsync();
        await BrowserFixture.WaitInteractive(page);
        await BrowserFixture.Field(page, "pay-amount").FillAsync("400");
        await page.GetByTestId("pay").ClickAsync();
        await Expect(page.GetByTestId("bill-outstanding")).ToHaveTextAsync("600.00");
        await page.Locator("[data-testid^='refund-pay_']").First.ClickAsync();
        await BrowserFixture.Field(page, "refund-reason").FillAsync("重复收款");
        await page.GetByTestId("refund").ClickAsync();
        await Expect(page.GetByTestId("refund-receipt")).ToContainTextAsync("重复收款");
        await Expect(page.GetByTestId("refund-amount")).ToHaveTextAsync("400.00");
        await Expect(page.GetByTestId("bill-outstanding")).ToHaveTextAsync("1,000.00");
        await BrowserFixture.Screenshot(page, "campus-counter-refund");

        // Thursday: a scholarship for 0003, asked by the bursar, who cannot approve it herself.
        await page.GotoAsync($"/t/{s.TenantId}/campus/bills");
        await BrowserFixture.WaitInteractive(page);
        await page.GetByTestId("bill-0003").ClickAsync();
        await BrowserFixture.WaitInteractive(page);
        await page.GetByTestId("waiver-kind").SelectOptionAsync("scholarship");
        await BrowserFixture.Field(page, "waiver-amount").FillAsync("300");
        await BrowserFixture.Field(page, "waiver-reason").FillAsync("三好学生");
        await page.GetByTestId("ask-waiver").ClickAsync();
        await Expect(page.GetByTestId("notice")).ToContainTextAsync("300.00");
        await page.GetByRole(AriaRole.Link, new() { Name = "减免与奖助学金" }).ClickAsync();
        await BrowserFixture.WaitInteractive(page);
        await page.GetByTestId("approve-0003").ClickAsync();
        await Expect(page.GetByTestId("problem")).ToContainTextAsync("申请人以外");

        var second = await browser.SignedIn(approver, "Bursar-Passw0rd");
        second.SetDefaultTimeout(60_000);
        await second.GotoAsync($"/t/{s.TenantId}/campus/waivers");
        await BrowserFixture.WaitInteractive(second);
        await second.GetByTestId("approve-0003").ClickAsync();
        await Expect(second.GetByTestId("notice")).ToContainTextAsync("300.00");
        await second.GetByTestId("waiver-status").SelectOptionAsync("approved");
        await Expect(second.GetByTestId("waiver-0003-status")).ToContainTextAsync(approver);
        Assert.Equal(30_000, (await s.Bill(await s.BillOf("0003"))).Long("waivedAmount"));

        // Friday: the unpaid list, to chase (in English this time).
        await page.GotoAsync($"/t/{s.TenantId}/campus/bills");
        await BrowserFixture.WaitInteractive(page);
        await page.GetByTestId("language").ClickAsync();
        await Expect(page.GetByText("Bill list").First).ToBeVisibleAsync();
        await BrowserFixture.WaitInteractive(page);
        await page.GotoAsync($"/t/{s.TenantId}/campus");
        await BrowserFixture.WaitInteractive(page);
        var export = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-unpaid").ClickAsync());
        var unpaid = MiniExcel.Query(new MemoryStream(await File.ReadAllBytesAsync(await export.PathAsync())), useHeaderRow: true, excelType: ExcelType.XLSX)
            .Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(5, unpaid.Count); // all but 0001
        Assert.Equal(700.00m, Convert.ToDecimal(Assert.Single(unpaid, r => r["Student number"]?.ToString() == "0003")["Outstanding (yuan)"]));
        Assert.Equal(1000.00m, Convert.ToDecimal(Assert.Single(unpaid, r => r["Student number"]?.ToString() == "0002")["Outstanding (yuan)"]));
        var tb = await s.TrialBalance();
        Assert.Equal(100_000, tb.Account("campus-counter-cash")); // 1,000 + 400 - 400
    }
}
