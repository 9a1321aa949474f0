using SceneFinance.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SceneFinance.Tests.Browser;

/// <summary>The tenant admin sets a decline-rate threshold; a decline spike raises the cockpit's alert, and it clears when payments recover.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DeclineAlertJourney(BrowserFixture browser)
{
    [Fact]
    public async Task A_decline_spike_above_the_tenants_threshold_raises_an_alert_that_clears_on_recovery()
    {
        var s = await Scenario.Start(browser.Api(), "hospital");
        var (_, card) = await s.CardHolder(cash: 10_000);
        var kiosk = await s.Terminal("kiosk");
        var tenantAdmin = "admin" + Guid.NewGuid().ToString("N")[..8];
        (await s.Api.Post($"{s.Base}/users", new { username = tenantAdmin, password = "Passw0rd-admin", role = "tenant-admin" }, s.AdminToken))
            .Expect(System.Net.HttpStatusCode.Created);

        // The tenant's own admin sets the threshold; a non-number is an inline message.
        var page = await browser.SignedIn(tenantAdmin, "Passw0rd-admin");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/t/{s.TenantId}/dashboard$"));
        await page.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "告警设置" }).ClickAsync();
        await BrowserFixture.Field(page, "decline-rate").FillAsync("lots");
        await page.GetByTestId("save").ClickAsync();
        await Expect(page.GetByText("请输入整数。")).ToBeVisibleAsync();
        await BrowserFixture.Field(page, "decline-rate").FillAsync("50");
        await BrowserFixture.Field(page, "min-payments").FillAsync("3");
        await page.GetByTestId("save").ClickAsync();
        await Expect(page.GetByTestId("saved")).ToBeVisibleAsync();

        await page.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "实时看板" }).ClickAsync();
        await Expect(page.GetByTestId("no-alerts")).ToBeVisibleAsync();
        var api = browser.Api();
        for (var i = 0; i < 3; i++) Assert.Equal("declined", (await api.Pay(kiosk, card, 20_000))["status"].GetValue<string>());
        await Expect(page.GetByTestId("alert")).ToContainTextAsync("拒绝率 100% 超过阈值 50%", new() { Timeout = 2000 });
        await BrowserFixture.Screenshot(page, "decline-alert-raised");

        for (var i = 0; i < 4; i++) Assert.Equal("approved", (await api.Pay(kiosk, card, 500))["status"].GetValue<string>());
        await Expect(page.GetByTestId("no-alerts")).ToBeVisibleAsync(new() { Timeout = 2000 }); // 3 of 7 declined: 42% is below 50%
        await Expect(page.GetByTestId("kpi-payments")).ToHaveTextAsync("7");
        await BrowserFixture.Screenshot(page, "decline-alert-cleared");
    }
}
