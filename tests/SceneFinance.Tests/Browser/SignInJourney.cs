using Microsoft.Playwright;
using SceneFinance.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SceneFinance.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class SignInJourney(BrowserFixture browser)
{
    [Fact]
    public async Task Admin_signs_in_reaches_the_interactive_shell_and_signs_out()
    {
        var page = await browser.NewPage();
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login(\\?|$)"));

        await page.FillAsync("#username", "admin");
        await page.FillAsync("#password", SceneApp.AdminPassword);
        await page.ClickAsync("#sign-in");

        await Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync("admin");
        await BrowserFixture.WaitInteractive(page); // the Blazor circuit is live
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "运营驾驶舱" })).ToBeVisibleAsync(); // zh-CN by default
        await BrowserFixture.Screenshot(page, "sign-in-shell");

        await page.GetByRole(AriaRole.Button, new() { Name = "退出" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login(\\?|$)"));
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login(\\?|$)"));
    }

    [Fact]
    public async Task A_wrong_password_stays_on_the_sign_in_page_with_a_message()
    {
        var page = await browser.NewPage();
        await page.GotoAsync("/login");
        await page.FillAsync("#username", "admin");
        await page.FillAsync("#password", "not-the-password");
        await page.ClickAsync("#sign-in");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("用户名或密码错误");
        await Expect(page.GetByTestId("signed-in-as")).ToHaveCountAsync(0);
        await BrowserFixture.Screenshot(page, "sign-in-wrong-password");
    }
}
