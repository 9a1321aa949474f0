using Microsoft.Playwright;
using SceneFinance.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SceneFinance.Tests.Browser;

/// <summary>zh-CN by default; English with one click, kept for the next page and the next visit.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LanguageJourney(BrowserFixture browser)
{
    [Fact]
    public async Task The_shell_speaks_chinese_first_and_switches_to_english_and_back()
    {
        var page = await browser.SignedIn();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "运营驾驶舱" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "租户", Exact = true })).ToBeVisibleAsync();

        await page.GetByTestId("language").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Ops cockpit" })).ToBeVisibleAsync();
        await BrowserFixture.WaitInteractive(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "Tenants" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Tenants", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        Assert.Equal("en", await page.EvaluateAsync<string>("() => document.documentElement.lang"));
        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Tenants", Exact = true })).ToBeVisibleAsync(); // the choice is kept
        await BrowserFixture.Screenshot(page, "language-english");

        await BrowserFixture.WaitInteractive(page);
        await page.GetByTestId("language").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "租户", Exact = true })).ToBeVisibleAsync(); // back where we were, in Chinese
    }
}
