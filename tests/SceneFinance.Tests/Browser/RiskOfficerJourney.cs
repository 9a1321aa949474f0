using System.Net;
using System.Text;
using Microsoft.Playwright;
using SceneFinance.Tests.Infrastructure;
using SceneFinance.Tests.Risk;
using static Microsoft.Playwright.Assertions;

namespace SceneFinance.Tests.Browser;

/// <summary>
/// A bank risk officer imports an external blacklist, drafts a rule, backtests it on yesterday's taps, cannot approve it
/// alone; a second officer approves it; it blocks the next big tap on a till, explained; a review case is closed as fraud.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RiskOfficerJourney(BrowserFixture browser)
{
    // Uploads, approvals and the live panel take longer on a loaded 2-core machine than the default 5 s.
    static readonly LocatorAssertionsToContainTextOptions Slow = new() { Timeout = 20_000 };
    static readonly LocatorAssertionsToHaveTextOptions SlowText = new() { Timeout = 20_000 };

    [Fact]
    public async Task A_risk_officer_imports_a_list_drafts_backtests_gets_a_second_approval_sees_it_block_and_closes_a_case()
    {
        var s = await Scenario.Start(browser.Api());
        var (drafter, approver) = ("risk" + Guid.NewGuid().ToString("N")[..6], "chief" + Guid.NewGuid().ToString("N")[..6]);
        (await s.Api.Post($"{s.Base}/users", new { username = drafter, password = "Passw0rd-risk", role = "finance" }, s.AdminToken)).Expect(HttpStatusCode.Created);
        (await s.Api.Post($"{s.Base}/users", new { username = approver, password = "Passw0rd-risk", role = "tenant-admin" }, s.AdminToken)).Expect(HttpStatusCode.Created);
        var (_, diner) = await s.CardHolder(cash: 100_000);
        var (_, stolen) = await s.CardHolder(cash: 10_000);
        var till = await s.Terminal();
        // Yesterday-ish: two big taps and some small ones, for the backtest.
        foreach (var (amount, hoursAgo) in new[] { (8000L, 5), (1200L, 4), (6500L, 3), (900L, 2) })
            Assert.Equal("approved", await s.Declined(till, diner, amount, DateTimeOffset.UtcNow.AddHours(-hoursAgo)));

        var page = await browser.SignedIn(drafter, "Passw0rd-risk");
        await page.GotoAsync($"/t/{s.TenantId}/risk");
        await BrowserFixture.WaitInteractive(page);

        // The external blacklist, as a .csv: one good row, one the file got wrong.
        await page.GetByRole(AriaRole.Tab, new() { Name = "名单" }).ClickAsync();
        // The tab renders its file input first and Blazor wires it up just after: choose the file only once it listens.
        await page.WaitForFunctionAsync("() => document.querySelector(\"[data-testid='list-file']\")?._blazorInputFileNextFileId !== undefined");
        await page.GetByTestId("list-file").SetInputFilesAsync(new FilePayload
        {
            Name = "bank-blacklist.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes($"名单,对象,值,备注\nblack,card,{stolen},银行黑名单\nblack,card,12,坏行\n"),
        });
        await Expect(page.GetByTestId("import-result")).ToContainTextAsync("新增 1 条，已存在 0 条，拒绝 1 行", Slow);
        await Expect(page.GetByTestId("entry-label")).ToHaveTextAsync("****" + stolen[^4..], SlowText);
        await BrowserFixture.Screenshot(page, "risk-list-imported");

        // A rule drafted and backtested on the past taps before anything is live.
        await page.GetByRole(AriaRole.Tab, new() { Name = "风控规则" }).ClickAsync();
        await BrowserFixture.Field(page, "rule-name").FillAsync("大额拦截 Big tap");
        await page.GetByTestId("rule-action").SelectOptionAsync("block");
        await page.GetByTestId("condition-value").FillAsync("50");
        await page.GetByTestId("run-backtest").ClickAsync();
        await Expect(page.GetByTestId("backtest-taps")).ToContainTextAsync("2", new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("backtest-amount")).ToContainTextAsync("145.00");
        await BrowserFixture.Screenshot(page, "risk-backtest");
        await page.GetByTestId("save-rule").ClickAsync();
        await Expect(page.GetByTestId("rule-status")).ToHaveTextAsync("草稿", SlowText);

        // The drafter cannot make it block alone.
        await page.GetByTestId("approve-rule").ClickAsync();
        await Expect(page.GetByTestId("problem")).ToContainTextAsync("第二人复核", Slow);
        Assert.Equal("approved", await s.Declined(till, diner, 6000));

        // The second officer approves: it blocks on the till at once, explained.
        var chief = await browser.SignedIn(approver, "Passw0rd-risk");
        await chief.GotoAsync($"/t/{s.TenantId}/risk");
        await BrowserFixture.WaitInteractive(chief);
        await chief.GetByRole(AriaRole.Tab, new() { Name = "风控规则" }).ClickAsync();
        await chief.GetByTestId("approve-rule").ClickAsync();
        await Expect(chief.GetByTestId("rule-status")).ToHaveTextAsync("生效", SlowText);
        Assert.Equal("risk_rejected", await s.Declined(till, diner, 6000));
        Assert.Equal("risk_rejected", await s.Declined(till, stolen, 100));
        Assert.Equal("approved", await s.Declined(till, diner, 1000));
        await chief.GetByRole(AriaRole.Tab, new() { Name = "拦截记录" }).ClickAsync();
        await Expect(chief.GetByTestId("risk-why")).ToHaveCountAsync(2, new() { Timeout = 20_000 });
        await Expect(chief.GetByTestId("interceptions")).ToContainTextAsync("amount > 5000");
        await Expect(chief.GetByTestId("interceptions")).ToContainTextAsync("黑名单");
        await BrowserFixture.Screenshot(chief, "risk-interceptions");

        // A review rule opens a case; the chief closes it as fraud: frozen, blacklisted, other taps flagged.
        var (financeToken, adminToken) = (await s.Api.Token(drafter, "Passw0rd-risk"), await s.Api.Token(approver, "Passw0rd-risk"));
        await s.LiveRule(financeToken, adminToken, "复查 Review mid", "review", RiskScenario.Amount("gte", 3000));
        Assert.Equal("approved", await s.Declined(till, diner, 4000));
        await chief.GetByRole(AriaRole.Tab, new() { Name = "风险案件" }).ClickAsync();
        await chief.GetByTestId("cases").Locator("tbody tr").First.ClickAsync();
        await BrowserFixture.Field(chief, "case-assignee").FillAsync(approver);
        await chief.GetByTestId("assign-case").ClickAsync();
        await chief.GetByTestId("close-fraud").ClickAsync();
        await Expect(chief.GetByTestId("case-history")).ToContainTextAsync("结案：欺诈", Slow);
        await Expect(chief.GetByTestId("case-flagged")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await BrowserFixture.Screenshot(chief, "risk-case-closed");
        Assert.Equal("card_frozen", await s.Declined(till, diner, 100));

        // The dashboard counts the interceptions per rule.
        await chief.GotoAsync($"/t/{s.TenantId}/dashboard");
        await BrowserFixture.WaitInteractive(chief);
        await Expect(chief.GetByTestId("interceptions-per-rule")).ToContainTextAsync("大额拦截", Slow);
        await BrowserFixture.Screenshot(chief, "risk-dashboard");
    }
}
