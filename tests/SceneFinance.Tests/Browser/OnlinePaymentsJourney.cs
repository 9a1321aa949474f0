using Microsoft.Playwright;
using SceneFinance.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SceneFinance.Tests.Browser;

/// <summary>A parent tops up online; the finance office sees the payment and refunds part of it to the original channel.</summary>
[Collection(BrowserCollection.Name)]
public sealed class OnlinePaymentsJourney(BrowserFixture browser)
{
    [Fact]
    public async Task Finance_refunds_part_of_an_online_top_up_back_to_its_channel_from_the_shell()
    {
        var s = await Scenario.Start(browser.Api(), "campus");
        var (holder, _) = await s.CardHolder();
        var created = (await s.OnlineTopUp(holder, 8_800, "alipay")).Expect(System.Net.HttpStatusCode.Created);
        await s.PayOnPhone(created.Body!);
        var intent = created["id"].GetValue<string>();
        await s.IntentUntil(intent, Gateway.Settled);

        var page = await browser.SignedIn();
        await page.GotoAsync($"/t/{s.TenantId}/payments");
        await BrowserFixture.WaitInteractive(page);
        await Expect(page.GetByTestId("payment-status").First).ToHaveTextAsync("成功");
        await page.GetByTestId("open-payment").First.ClickAsync();
        await Expect(page.GetByTestId("refundable")).ToHaveTextAsync("88.00");

        await BrowserFixture.Field(page, "refund-amount").FillAsync("100"); // more than was paid: said on the page, nothing moves
        await page.GetByTestId("refund").ClickAsync();
        await Expect(page.GetByText("at most 8800")).ToBeVisibleAsync(); // beside the field, in fen as the API says it
        await BrowserFixture.Field(page, "refund-amount").FillAsync("30.5");
        await BrowserFixture.Field(page, "refund-reason").FillAsync("家长申请");
        await page.GetByTestId("refund").ClickAsync();
        await Expect(page.GetByTestId("notice")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("refund-row")).ToHaveCountAsync(1);

        var done = await s.IntentUntil(intent, i => i["refunds"]!.AsArray().All(r => r!["status"]!.GetValue<string>() == "succeeded"));
        Assert.Equal(3_050, done["refundedAmount"]!.GetValue<long>());
        Assert.Equal(5_750, await s.Balance(holder));
        await page.GetByTestId("open-payment").First.ClickAsync();
        await Expect(page.GetByTestId("refundable")).ToHaveTextAsync("57.50");
        await BrowserFixture.Screenshot(page, "online-payment-refunded");
    }
}
