using Microsoft.Playwright;
using SceneFinance.Tests.Campus;
using SceneFinance.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SceneFinance.Tests.Browser;

/// <summary>The platform admin copies the pilot school for a new one from the tenants page, in Chinese and in English.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SchoolCopyJourney(BrowserFixture browser)
{
    [Theory]
    [InlineData("zh-CN", "已创建")]
    [InlineData("en", "created")]
    public async Task The_platform_admin_starts_a_school_from_the_pilot_on_the_tenants_page(string language, string said)
    {
        var pilot = await Scenario.Start(browser.App.Api(), "campus");
        await pilot.Plan("一年级", [80_000], [("2026-09-10", 10000)]);
        var page = await browser.SignedIn(language: language);
        await page.GotoAsync("/tenants");
        await BrowserFixture.WaitInteractive(page);
        await page.GetByTestId("copy-template").SelectOptionAsync(pilot.TenantId);
        await BrowserFixture.Field(page, "copy-name").FillAsync("Copied " + language);
        await BrowserFixture.Field(page, "copy-term").FillAsync("2027-spring");
        await BrowserFixture.Field(page, "copy-source-start").FillAsync("2026-09-01");
        await BrowserFixture.Field(page, "copy-term-start").FillAsync("2027-02-20");
        await page.GetByTestId("copy-school-button").ClickAsync();
        await Expect(page.GetByTestId("copied")).ToContainTextAsync(said);
        await Expect(page.GetByTestId("copied")).ToContainTextAsync("Copied " + language);
        await BrowserFixture.Screenshot(page, $"school-copied-{language}");
    }
}
