using System.Net;
using Microsoft.Playwright;
using SceneFinance.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SceneFinance.Tests.Browser;

/// <summary>A tenant admin issues a till a new secret in the shell (shown once, the old one still working for its grace), disables and enables it, in zh-CN and en.</summary>
[Collection(BrowserCollection.Name)]
public sealed class TerminalSecretJourney(BrowserFixture browser)
{
    [Fact]
    public async Task Admin_rotates_a_terminal_secret_and_disables_and_enables_the_terminal()
    {
        var s = await Scenario.Start(browser.Api(), "canteen");
        var till = await s.Terminal();
        var (_, card) = await s.CardHolder(cash: 10_000);
        var manager = "mgr" + Guid.NewGuid().ToString("N")[..6];
        (await s.Api.Post($"{s.Base}/users", new { username = manager, password = "Passw0rd-tenant-admin", role = "tenant-admin" }, s.AdminToken)).Expect(HttpStatusCode.Created);

        var page = await browser.SignedIn(manager, "Passw0rd-tenant-admin");
        await page.GotoAsync($"/t/{s.TenantId}/terminals");
        await BrowserFixture.WaitInteractive(page);
        await page.GetByTestId("rotate-secret").ClickAsync();
        await Expect(page.GetByTestId("old-secret-until")).ToContainTextAsync("旧密钥在");
        var secret = await page.GetByTestId("new-terminal-secret").InnerTextAsync();
        Assert.NotEqual(till.Secret, secret);
        Assert.Equal("approved", (await s.Api.Pay(till with { Secret = secret }, card, 100)).Expect(HttpStatusCode.OK)["status"].GetValue<string>());
        Assert.Equal("approved", (await s.Api.Pay(till, card, 100)).Expect(HttpStatusCode.OK)["status"].GetValue<string>()); // within its grace
        await BrowserFixture.Screenshot(page, "terminal-new-secret");

        await page.GetByTestId("disable-terminal").ClickAsync();
        await Expect(page.GetByTestId("terminal-status")).ToContainTextAsync("已停用");
        await page.GetByTestId("enable-terminal").ClickAsync();
        await Expect(page.GetByTestId("terminal-status")).ToContainTextAsync("正常");

        var english = await browser.SignedIn(manager, "Passw0rd-tenant-admin", language: "en");
        await english.GotoAsync($"/t/{s.TenantId}/terminals");
        await BrowserFixture.WaitInteractive(english);
        await english.GetByTestId("rotate-secret").ClickAsync();
        await Expect(english.GetByTestId("old-secret-until")).ToContainTextAsync("The old secret keeps working until");
        await Expect(english.GetByTestId("rotate-secret")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("New secret", System.Text.RegularExpressions.RegexOptions.IgnoreCase));
    }
}
