using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SceneFinance.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SceneFinance.Tests.Browser;

/// <summary>
/// A first day at a canteen, all through the shell: the platform admin creates the tenant, the card office a
/// card holder and a till, the counter tops up; then the till's signed payments (the API) show on the live
/// dashboard within 2 s, without a reload.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class CounterAndCockpitJourney(BrowserFixture browser)
{
    static readonly LocatorAssertionsToHaveTextOptions Within2s = new() { Timeout = 2000 };

    [Fact]
    public async Task Tenant_holder_terminal_and_top_up_through_the_shell_then_payments_move_the_dashboard_live()
    {
        var page = await browser.SignedIn();
        var tenantName = "一食堂 " + Guid.NewGuid().ToString("N")[..6];

        // The platform admin creates the tenant; a blank name is an inline message, not an error page.
        await page.GetByRole(AriaRole.Link, new() { Name = "租户" }).ClickAsync();
        await page.GetByTestId("create-tenant").ClickAsync();
        await Expect(page.GetByText("必填。")).ToBeVisibleAsync();
        await BrowserFixture.Field(page, "tenant-name").FillAsync(tenantName);
        await page.GetByTestId("tenant-kind").SelectOptionAsync("canteen");
        await page.GetByTestId("create-tenant").ClickAsync();
        var tenantLink = page.GetByRole(AriaRole.Link, new() { Name = tenantName });
        await Expect(tenantLink).ToBeVisibleAsync();
        var tenantId = Regex.Match((await tenantLink.GetAttributeAsync("href"))!, "/t/([^/]+)/").Groups[1].Value;

        // The tenant switcher takes the admin into the tenant.
        await page.GetByTestId("tenant-switcher").SelectOptionAsync(tenantId);
        await Expect(page).ToHaveURLAsync(new Regex($"/t/{tenantId}/dashboard$"));
        await BrowserFixture.WaitInteractive(page); // a menu click while the new page's circuit starts is lost (FinanceOfficeJourney)

        // A card holder with a known card number.
        var cardNumber = Scenario.NewCardNumber();
        await page.GetByRole(AriaRole.Link, new() { Name = "持卡人" }).ClickAsync();
        await page.GetByText("新建持卡人").ClickAsync();
        await BrowserFixture.Field(page, "holder-external-id").FillAsync("S2026001");
        await BrowserFixture.Field(page, "holder-name").FillAsync("王小明");
        await BrowserFixture.Field(page, "holder-card").FillAsync(cardNumber);
        await page.GetByTestId("create-holder").ClickAsync();
        await Expect(page.GetByTestId("holder-status")).ToHaveTextAsync("正常");
        await Expect(page.GetByTestId("holder-card")).ToHaveTextAsync("************" + cardNumber[^4..]); // never the full number

        // Counter top-up: bad input is an inline message; 100 yuan lands in the cash purse.
        await BrowserFixture.Field(page, "topup-amount").FillAsync("12.345");
        await page.GetByTestId("topup").ClickAsync();
        await Expect(page.GetByText("请输入元，最多两位小数")).ToBeVisibleAsync();
        await BrowserFixture.Field(page, "topup-amount").FillAsync("100");
        await page.GetByTestId("topup").ClickAsync();
        await Expect(page.GetByTestId("balance")).ToHaveTextAsync("100.00");
        await Expect(page.GetByTestId("transactions")).ToContainTextAsync("充值");

        // A till, whose secret is shown once.
        await page.GetByRole(AriaRole.Link, new() { Name = "商户终端" }).ClickAsync();
        await BrowserFixture.Field(page, "terminal-name").FillAsync("一号窗口");
        await page.GetByTestId("terminal-kind").SelectOptionAsync("pos");
        await page.GetByTestId("create-terminal").ClickAsync();
        var terminalId = await page.GetByTestId("new-terminal-id").InnerTextAsync();
        var secret = await page.GetByTestId("new-terminal-secret").InnerTextAsync();
        Assert.Matches("^[0-9a-f]{64}$", secret);

        // The tenant's live dashboard, then signed payments from the till.
        await page.GetByRole(AriaRole.Link, new() { Name = "实时看板" }).ClickAsync();
        await Expect(page.GetByTestId("kpi-payments")).ToHaveTextAsync("0");
        await page.EvaluateAsync("() => window.__sameDocument = true");
        var till = new Terminal(tenantId, terminalId, secret);
        var api = browser.Api();
        foreach (var amount in new long[] { 1250, 800 })
            Assert.Equal("approved", (await api.Pay(till, cardNumber, amount))["status"].GetValue<string>());
        Assert.Equal("declined", (await api.Pay(till, cardNumber, 50_000))["status"].GetValue<string>()); // more than is left

        await Expect(page.GetByTestId("kpi-payments")).ToHaveTextAsync("3", Within2s);
        await Expect(page.GetByTestId("kpi-amount")).ToHaveTextAsync("20.50", Within2s);
        await Expect(page.GetByTestId("kpi-approval")).ToHaveTextAsync("66.6%", Within2s);
        await Expect(page.GetByTestId("decline-reasons")).ToContainTextAsync("余额不足", new() { Timeout = 2000 });
        await Expect(page.GetByTestId("top-terminals")).ToContainTextAsync("一号窗口", new() { Timeout = 2000 });
        await Expect(page.GetByTestId("per-scene")).ToContainTextAsync("智慧食堂", new() { Timeout = 2000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");

        // The platform cockpit counts them too.
        await page.GetByRole(AriaRole.Link, new() { Name = "运营驾驶舱" }).ClickAsync();
        await Expect(page.GetByTestId("kpi-payments")).Not.ToHaveTextAsync("0");
        await BrowserFixture.Screenshot(page, "ops-cockpit");
        await page.GetByRole(AriaRole.Link, new() { Name = "实时看板" }).ClickAsync();
        await Expect(page.GetByTestId("kpi-payments")).ToHaveTextAsync("3");
        await BrowserFixture.Screenshot(page, "counter-and-cockpit");
    }
}
