using System.Net;
using Microsoft.Playwright;
using SceneFinance.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SceneFinance.Tests.Browser;

/// <summary>
/// The card office's day: freeze, unfreeze, report lost and replace a card (the till sees each at once), add an
/// auditor who only reads, and the platform admin suspends and resumes the tenant.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class CardOfficeJourney(BrowserFixture browser)
{
    [Fact]
    public async Task Card_changes_users_and_tenant_status_through_the_shell_take_effect_at_the_till()
    {
        var s = await Scenario.Start(browser.Api(), "campus");
        var (holderId, card) = await s.CardHolder(cash: 5_000);
        var gate = await s.Terminal("pos");
        var api = browser.Api();

        var page = await browser.SignedIn();
        await page.GotoAsync($"/t/{s.TenantId}/cardholders/{holderId}");
        await BrowserFixture.WaitInteractive(page);
        await Expect(page.GetByTestId("balance")).ToHaveTextAsync("50.00");

        await page.GetByTestId("freeze").ClickAsync();
        await Expect(page.GetByTestId("holder-status")).ToHaveTextAsync("已冻结");
        Assert.Equal("card_frozen", (await api.Pay(gate, card, 100))["declineCode"].GetValue<string>());
        await page.GetByTestId("unfreeze").ClickAsync();
        await Expect(page.GetByTestId("holder-status")).ToHaveTextAsync("正常");
        Assert.Equal("approved", (await api.Pay(gate, card, 100))["status"].GetValue<string>());

        await page.GetByTestId("report-lost").ClickAsync();
        await Expect(page.GetByTestId("holder-status")).ToHaveTextAsync("已挂失");
        await BrowserFixture.Field(page, "new-card").FillAsync("12"); // too short: said beside the field
        await page.GetByTestId("replace-card").ClickAsync();
        await Expect(page.GetByText("newCardNumber must be 4 to 32 letters or digits.")).ToBeVisibleAsync();
        var newCard = Scenario.NewCardNumber();
        await BrowserFixture.Field(page, "new-card").FillAsync(newCard);
        await page.GetByTestId("replace-card").ClickAsync();
        await Expect(page.GetByTestId("holder-card")).ToHaveTextAsync("************" + newCard[^4..]);
        await Expect(page.GetByTestId("holder-status")).ToHaveTextAsync("正常");
        Assert.Equal("card_lost", (await api.Pay(gate, card, 100))["declineCode"].GetValue<string>());
        Assert.Equal("approved", (await api.Pay(gate, newCard, 100))["status"].GetValue<string>());
        await page.ReloadAsync();
        await Expect(page.GetByTestId("balance")).ToHaveTextAsync("48.00"); // the balance followed the holder
        await BrowserFixture.WaitInteractive(page);
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export").ClickAsync());
        await using (var file = File.OpenRead(await download.PathAsync()))
        {
            var sheet = MiniExcelLibs.MiniExcel.Query(file, useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
            // Newest first: the two approved payments, the declined ones, the top-up.
            Assert.Equal(["消费", "消费", "消费", "消费", "充值"], sheet.Select(r => r["类型"]?.ToString()));
            Assert.Equal(["成功", "拒绝", "成功", "拒绝", "成功"], sheet.Select(r => r["状态"]?.ToString()));
            // Amounts are number cells in yuan (MiniExcel reads them as double), no longer text.
            Assert.Equal(50.00, Assert.IsType<double>(sheet[^1]["金额"]), 6);
            Assert.Equal(48.00, Assert.IsType<double>(sheet[0]["交易后余额"]), 6);
        }

        // An auditor of the tenant, added through the shell, reads but changes nothing.
        await page.GotoAsync($"/t/{s.TenantId}/users");
        await BrowserFixture.WaitInteractive(page);
        var auditor = "audit" + Guid.NewGuid().ToString("N")[..8];
        await BrowserFixture.Field(page, "user-name").FillAsync(auditor);
        await BrowserFixture.Field(page, "user-password").FillAsync("short");
        await page.GetByTestId("user-role").SelectOptionAsync("auditor");
        await page.GetByTestId("add-user").ClickAsync();
        await Expect(page.GetByText("password must be 8 to 128 characters.")).ToBeVisibleAsync();
        await BrowserFixture.Field(page, "user-password").FillAsync("Passw0rd-audit");
        await page.GetByTestId("add-user").ClickAsync();
        await Expect(page.GetByTestId("users")).ToContainTextAsync(auditor);

        // The platform admin suspends the tenant: the till is refused; resuming lets it pay again.
        await page.GotoAsync("/tenants");
        await BrowserFixture.WaitInteractive(page);
        var row = page.GetByTestId("tenants").Locator("tr", new() { Has = page.GetByRole(AriaRole.Link, new() { Name = "Test campus" }) })
            .Filter(new() { Has = page.Locator($"a[href='/t/{s.TenantId}/dashboard']") });
        await row.GetByRole(AriaRole.Button, new() { Name = "暂停" }).ClickAsync();
        await Expect(row.GetByTestId("tenant-status")).ToHaveTextAsync("已暂停");
        Assert.Equal("tenant_suspended", (await api.Pay(gate, newCard, 100))["declineCode"].GetValue<string>());
        await row.GetByRole(AriaRole.Button, new() { Name = "恢复" }).ClickAsync();
        await Expect(row.GetByTestId("tenant-status")).ToHaveTextAsync("正常");
        Assert.Equal("approved", (await api.Pay(gate, newCard, 100))["status"].GetValue<string>());

        var auditorPage = await browser.SignedIn(auditor, "Passw0rd-audit");
        await auditorPage.GetByRole(AriaRole.Link, new() { Name = "持卡人" }).ClickAsync();
        await Expect(auditorPage.GetByTestId("holders")).ToContainTextAsync("****" + newCard[^4..]);
        await Expect(auditorPage.GetByText("新建持卡人")).ToHaveCountAsync(0);
        await Expect(auditorPage.GetByRole(AriaRole.Link, new() { Name = "用户" })).ToHaveCountAsync(0);
        await Expect(auditorPage.GetByRole(AriaRole.Link, new() { Name = "租户", Exact = true })).ToHaveCountAsync(0);
        await auditorPage.GetByTestId("holder-link").First.ClickAsync();
        await Expect(auditorPage.GetByTestId("balance")).ToHaveTextAsync("47.00");
        await Expect(auditorPage.GetByTestId("freeze")).ToHaveCountAsync(0);
        await auditorPage.GotoAsync($"/t/{s.TenantId}/users"); // typed by hand: the slice still says no
        await Expect(auditorPage.GetByTestId("problem")).ToContainTextAsync("您无权执行此操作");
        await Expect(auditorPage.GetByTestId("add-user")).ToHaveCountAsync(0);
        await BrowserFixture.Screenshot(auditorPage, "card-office-auditor");
    }
}
