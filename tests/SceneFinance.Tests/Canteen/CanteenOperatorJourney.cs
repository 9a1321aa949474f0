using System.Net;
using MiniExcelLibs;
using Microsoft.Playwright;
using SceneFinance.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SceneFinance.Tests.Canteen;

/// <summary>
/// A canteen operator's day in the shell: a new stall's merchant and till, lunch limits, the month's meal subsidy granted with
/// its progress, the bank's one-cent breakfast and its report, the offline till's exceptions, a wrong tap voided at its till
/// and another refunded, a holder's daily limit changed with a reason; the day's sales exported; the staff roster imported.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class CanteenOperatorJourney(BrowserFixture browser)
{
    [Fact]
    public async Task An_operator_runs_the_canteen_day_from_the_shell()
    {
        var api = browser.Api();
        var s = await Scenario.Start(api);
        var operatorName = "operator" + Guid.NewGuid().ToString("N")[..6];
        (await api.Post($"{s.Base}/users", new { username = operatorName, password = "Passw0rd-operator", role = "tenant-admin" }, s.AdminToken)).Expect(HttpStatusCode.Created);
        var one = await s.Merchant("一食堂 Canteen One");
        var (till, offlineTill) = (await s.TerminalAt(one, "1号窗口"), await s.TerminalAt(one, "2号窗口 (脱机)"));
        var (holderId, card) = await s.CardHolder(cash: 10_000);
        var (lostId, lostCard) = await s.CardHolder(cash: 10_000);

        var page = await browser.SignedIn(operatorName, "Passw0rd-operator");
        // Merchants: a new canteen operator takes window 2.
        await page.GotoAsync($"/t/{s.TenantId}/canteen/merchants");
        await BrowserFixture.WaitInteractive(page);
        await BrowserFixture.Field(page, "merchant-name").FillAsync("二食堂 Canteen Two");
        await page.GetByTestId("create-merchant").ClickAsync();
        await Expect(page.GetByTestId("notice")).ToContainTextAsync("二食堂");
        await page.GetByTestId("move-terminal").SelectOptionAsync(new SelectOptionValue { Label = "2号窗口 (脱机)" });
        await page.GetByTestId("move-to").SelectOptionAsync(new SelectOptionValue { Label = "二食堂 Canteen Two" });
        await page.GetByTestId("move").ClickAsync();
        await Expect(page.GetByTestId("merchants").Locator("tr", new() { HasText = "二食堂" })).ToContainTextAsync("2号窗口");
        await BrowserFixture.Screenshot(page, "canteen-merchants");

        // Meal periods and limits: three taps a lunch for everyone, a 300-yuan single-payment cap.
        await page.GotoAsync($"/t/{s.TenantId}/canteen/meal-periods");
        await BrowserFixture.WaitInteractive(page);
        await page.GetByTestId("add-rule").ClickAsync();
        await page.GetByTestId("rule-taps").Last.FillAsync("3");
        await BrowserFixture.Field(page, "single-cap").FillAsync("300");
        await page.GetByTestId("save").ClickAsync();
        await Expect(page.GetByTestId("notice")).ToHaveTextAsync("已保存。");
        Assert.Equal("risk_rejected", (await api.Pay(till, card, 30_001))["declineCode"].GetValue<string>());
        await BrowserFixture.Screenshot(page, "canteen-meal-periods");

        // The month's meal subsidy, granted with its progress shown.
        await page.GotoAsync($"/t/{s.TenantId}/canteen/subsidies");
        await BrowserFixture.WaitInteractive(page);
        await BrowserFixture.Field(page, "program-name").FillAsync("午餐补贴 Lunch subsidy");
        await BrowserFixture.Field(page, "program-amount").FillAsync("15");
        await BrowserFixture.Field(page, "program-funder").FillAsync("后勤处 Logistics office");
        await page.GetByTestId("create-program").ClickAsync();
        await Expect(page.GetByTestId("program")).ToHaveCountAsync(1);
        await page.GetByTestId("grant").ClickAsync();
        await Expect(page.GetByTestId("run-status").First).ToContainTextAsync("已完成", new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("granted")).ToHaveTextAsync("30.00");
        await page.WaitForTimeoutAsync(800); // the progress bar's last step is animated
        await BrowserFixture.Screenshot(page, "canteen-subsidies");

        // The bank's one-cent breakfast at canteen one, and a breakfast tap.
        var breakfast = CanteenScenario.RecentLocal(7, 30);
        await page.GotoAsync($"/t/{s.TenantId}/canteen/campaigns");
        await BrowserFixture.WaitInteractive(page);
        await BrowserFixture.Field(page, "campaign-name").FillAsync("一分钱吃早餐");
        await BrowserFixture.Field(page, "campaign-from").FillAsync(CanteenScenario.LocalDay(breakfast).AddDays(-1).ToString("yyyy-MM-dd"));
        await BrowserFixture.Field(page, "campaign-budget").FillAsync("1000");
        await page.GetByTestId("campaign-merchant").First.CheckAsync();
        await page.GetByTestId("create-campaign").ClickAsync();
        await Expect(page.GetByTestId("campaign")).ToHaveCountAsync(1);
        var tap = await api.Pay(till, card, 800, occurredAt: breakfast);
        Assert.Equal(1, tap["paid"].GetValue<long>());
        await page.GetByTestId("campaign-report").ClickAsync();
        await Expect(page.GetByTestId("report-cost")).ToHaveTextAsync("7.99");
        await BrowserFixture.Screenshot(page, "canteen-campaign");

        // The offline till comes back: a card reported lost before its list copy is an exception.
        (await api.Post($"{s.Base}/cardholders/{lostId}/report-lost", null, s.AdminToken)).Expect(HttpStatusCode.OK);
        var held = (await api.SignedGet(offlineTill, "/api/v1/terminal/offline-card-list")).Expect(HttpStatusCode.OK)["version"].GetValue<long>();
        (await api.OfflineBatch(offlineTill, held, Offline.Item(lostCard, 1_200, DateTimeOffset.UtcNow.AddMinutes(-40)), Offline.Item(card, 900, DateTimeOffset.UtcNow.AddMinutes(-39))))
            .Expect(HttpStatusCode.OK);
        await page.GotoAsync($"/t/{s.TenantId}/canteen/exceptions");
        await BrowserFixture.WaitInteractive(page);
        await Expect(page.GetByTestId("exception-reason")).ToHaveTextAsync("名单内卡片");
        await BrowserFixture.Screenshot(page, "canteen-exceptions");

        // Lunch: a wrong tap voided at its till, another refunded in part by the operator.
        var lunch = CanteenScenario.RecentLocal(12, 5);
        var wrong = (await api.Pay(till, card, 2_500, occurredAt: lunch))["paymentId"].GetValue<string>();
        (await api.Pay(till, card, 1_800, occurredAt: lunch.AddMinutes(1))).Expect(HttpStatusCode.OK);
        await page.GotoAsync($"/t/{s.TenantId}/canteen/sales");
        await BrowserFixture.WaitInteractive(page);
        await BrowserFixture.Field(page, "sales-date").FillAsync(CanteenScenario.LocalDay(lunch).ToString("yyyy-MM-dd"));
        await page.GetByTestId("show").ClickAsync();
        await Expect(page.GetByTestId("sales").Locator("tr", new() { HasText = "25.00" })).ToBeVisibleAsync();
        await page.GetByTestId("sales-till").SelectOptionAsync(new SelectOptionValue { Label = "1号窗口" });
        // Only the till's rows before a reason is typed, so the row typed into is the till's and not one of the day's load.
        await Expect(page.GetByTestId("sales").Locator("tr", new() { HasText = "2号窗口" })).ToHaveCountAsync(0);
        var wrongRow = page.GetByTestId("sales").Locator("tr", new() { HasText = "25.00" });
        await Input(wrongRow, "sale-reason").FillAsync("打错菜 wrong dish");
        if (CanteenScenario.LocalDay(lunch) == CanteenScenario.LocalDay(DateTimeOffset.UtcNow))
        {
            await wrongRow.GetByTestId("void").ClickAsync();
            await Expect(page.GetByTestId("notice")).ToContainTextAsync("已撤销 25.00 元");
        }
        var refundRow = page.GetByTestId("sales").Locator("tr", new() { HasText = "18.00" });
        await Input(refundRow, "sale-reason").FillAsync("少打一个菜 one dish missing");
        await Input(refundRow, "refund-amount").FillAsync("6");
        await refundRow.GetByTestId("refund").ClickAsync();
        await Expect(page.GetByTestId("notice")).ToContainTextAsync("6.00");
        await Expect(page.GetByTestId("by-purse")).ToBeVisibleAsync();
        await BrowserFixture.Screenshot(page, "canteen-daily-sales");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export").ClickAsync());
        await using (var file = File.OpenRead(await download.PathAsync()))
        {
            var sheets = MiniExcel.GetSheetNames(file);
            Assert.Contains("按档口", sheets);
            file.Position = 0;
            var stalls = MiniExcel.Query(file, useHeaderRow: true, sheetName: "按档口").Cast<IDictionary<string, object?>>().ToList();
            Assert.Contains(stalls, r => r["按档口"]?.ToString() == "1号窗口");
            Assert.IsType<double>(stalls[0]["金额（元）"]);
        }

        // The card office raises a holder's daily limit, with a reason, audited.
        await page.GotoAsync($"/t/{s.TenantId}/cardholders/{holderId}");
        await BrowserFixture.WaitInteractive(page);
        await BrowserFixture.Field(page, "daily-limit").FillAsync("80");
        await BrowserFixture.Field(page, "daily-limit-reason").FillAsync("家长申请 parent's request");
        await page.GetByTestId("change-daily-limit").ClickAsync();
        await Expect(page.GetByTestId("daily-limit-changes")).ToContainTextAsync("家长申请");
        await BrowserFixture.Screenshot(page, "canteen-holder-limits");

        // The park's staff roster: two employees join (their department their limit group), a number-typed staff number is refused.
        var roster = Path.Combine(Path.GetTempPath(), $"staff-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(roster, "工号,姓名,部门,手机\n00501,周敏,行政处,13800000501\n00502,吴涛,保卫处,\n00503,,保卫处,\n");
        await page.GotoAsync($"/t/{s.TenantId}/canteen/staff-import");
        await BrowserFixture.WaitInteractive(page);
        await page.GetByTestId("staff-file").SetInputFilesAsync(roster);
        await Expect(page.GetByTestId("import-status")).ToContainTextAsync("完成", new() { Timeout = 30_000 }); // told by the importer
        await Expect(page.GetByTestId("import-created")).ToHaveTextAsync("2");
        await Expect(page.GetByTestId("import-rejected")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("rejected-download")).ToBeVisibleAsync();
        await page.WaitForTimeoutAsync(800); // the progress bar's last step is animated
        await BrowserFixture.Screenshot(page, "canteen-staff-import");
        await s.TrialBalance();
        _ = wrong;
    }

    static ILocator Input(ILocator row, string testId) => row.Locator($"input[data-testid='{testId}'], [data-testid='{testId}'] input").First;
}
