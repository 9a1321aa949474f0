using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SceneFinance.Tests.Campus;
using SceneFinance.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SceneFinance.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class GuardianPortalJourney(BrowserFixture browser)
{
    [Fact]
    public async Task A_guardian_with_two_children_pays_one_bill_in_part_and_then_in_full_through_the_wallet_app()
    {
        var s = await Scenario.Start(browser.App.Api(), "campus");
        var phone = "137" + Random.Shared.NextInt64(10_000_000, 99_999_999);
        await s.ImportCsv(Roster.Csv(
            Roster.Row("0001", "大宝 Elder", "一年级", "1班", "妈妈", phone),
            Roster.Row("0002", "二宝 Younger", "三年级", "2班", "妈妈", phone),
            Roster.Row("0003", "别人家 Other", "一年级", "1班", "别人", "13600000000")));
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await s.Generate(await s.Plan("一年级", [80_000, 20_000], [(today.AddDays(10).ToString("yyyy-MM-dd"), 4000), (today.AddDays(40).ToString("yyyy-MM-dd"), 6000)]));
        await s.Generate(await s.Plan("三年级", [90_000]));
        var bill = await s.BillOf("0001");
        await s.Guardian(phone);

        var page = await browser.NewPage();
        page.SetDefaultTimeout(60_000);
        SetDefaultExpectTimeout(30_000); // payments are confirmed by the channel a moment after the wallet app
        await page.SetViewportSizeAsync(390, 844); // a phone
        await page.GotoAsync("/portal");
        await Expect(page).ToHaveURLAsync(new Regex("/portal/login$"));
        await page.FillAsync("#username", phone);
        await page.FillAsync("#password", "Parent-Passw0rd");
        await page.ClickAsync("#sign-in");
        await Expect(page).ToHaveURLAsync(new Regex("/portal$"));
        await BrowserFixture.WaitInteractive(page); // the live page, not its first server rendering
        await Expect(page.GetByTestId("child-0001")).ToContainTextAsync("大宝");
        await Expect(page.GetByTestId("child-0002")).ToContainTextAsync("二宝");
        await Expect(page.GetByTestId("child-0003")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId($"outstanding-{bill}")).ToHaveTextAsync("¥1,000.00");
        await BrowserFixture.Screenshot(page, "portal-two-children");

        // A part (400 yuan, what the first installment asks) through Alipay's wallet app.
        await Expect(page.GetByTestId($"pay-installment-{bill}")).ToContainTextAsync("¥400.00");
        await page.GetByTestId("channel").SelectOptionAsync("alipay");
        await BrowserFixture.Field(page, $"part-amount-{bill}").FillAsync("400");
        await page.GetByTestId($"pay-part-{bill}").ClickAsync();
        await ApproveInWallet(page);
        await Open(page);
        await Expect(page.GetByTestId($"status-{bill}")).ToContainTextAsync("部分缴费"); // partly paid: pushed when the channel's confirmation is committed
        await Expect(page.GetByTestId($"outstanding-{bill}")).ToHaveTextAsync("¥600.00");
        await Expect(page.GetByTestId($"receipts-{bill}").Locator("li")).ToHaveCountAsync(1);
        await BrowserFixture.Screenshot(page, "portal-paid-in-part");

        // Then the rest, in full, through WeChat Pay.
        await page.GetByTestId($"pay-full-{bill}").ClickAsync();
        await ApproveInWallet(page);
        await Open(page);
        await Expect(page.GetByTestId($"status-{bill}")).ToContainTextAsync("已缴清"); // paid in full
        await Expect(page.GetByTestId($"outstanding-{bill}")).ToHaveTextAsync("¥0.00");
        await Expect(page.GetByTestId($"receipts-{bill}").Locator("li")).ToHaveCountAsync(2);
        await BrowserFixture.Screenshot(page, "portal-paid-in-full");

        // The parent's other language, one press away.
        await page.GetByTestId("language").ClickAsync();
        await BrowserFixture.WaitInteractive(page);
        await Expect(page.GetByTestId($"status-{bill}")).ToContainTextAsync("Paid in full");
        await Expect(page.GetByTestId($"receipts-{bill}")).ToContainTextAsync("Alipay");
        await BrowserFixture.Screenshot(page, "portal-paid-in-full-en");

        var paid = await s.Bill(bill);
        Assert.Equal(("paid", 100_000L, 100_000L), (paid.Str("status"), paid.Long("paidOnline"), paid.Long("paidAmount")));
        Assert.Equal("issued", (await s.Bill(await s.BillOf("0002"))).Str("status")); // the other child's bill is untouched
    }

    static async Task Open(IPage page)
    {
        await page.GotoAsync("/portal");
        await BrowserFixture.WaitInteractive(page);
    }

    /// <summary>The checkout page links to the channel's (simulated) wallet app, where the parent presses Pay.</summary>
    static async Task ApproveInWallet(IPage page)
    {
        await Expect(page).ToHaveURLAsync(new Regex("/pay/"));
        await page.GetByTestId("open-wallet").ClickAsync();
        await page.GetByTestId("approve").ClickAsync();
        await Expect(page.GetByTestId("order-state")).Not.ToHaveTextAsync("Open");
    }
}
