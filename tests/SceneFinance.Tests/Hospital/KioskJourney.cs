using Microsoft.Playwright;
using SceneFinance.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;
using static SceneFinance.Tests.Hospital.HospitalScenario;

namespace SceneFinance.Tests.Hospital;

/// <summary>At the self-pay kiosk, in large-font mode, a patient pays two clinic orders by QR code through the simulated wallet app.</summary>
[Collection(BrowserCollection.Name)]
public sealed class KioskJourney(BrowserFixture browser)
{
    [Fact]
    public async Task A_patient_pays_two_orders_at_the_kiosk_in_large_font_mode()
    {
        var h = await HospitalScenario.Start(new Infrastructure.Api(new HttpClient { BaseAddress = new Uri(browser.RootUrl) }), null);
        var (patient, card) = await h.Patient("张三 Zhang San");
        var blood = await h.Order(patient, 3500, "lab");
        var drugs = await h.Order(patient, 12_800, "drug", insured: 7000, insurer: "nhsa");

        var page = await browser.NewPage();
        await page.GotoAsync("/kiosk");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/kiosk/sign-in$"));
        await page.FillAsync("#terminal", h.Kiosk.Id);
        await page.FillAsync("#secret", h.Kiosk.Secret);
        await page.GetByTestId("kiosk-sign-in").ClickAsync();

        await page.GetByTestId("large-font").ClickAsync();
        await Expect(page.GetByTestId("kiosk")).ToHaveAttributeAsync("data-large", "on");
        await page.GetByTestId("card").FillAsync(card); // the card reader types the number
        await page.GetByTestId("identify").ClickAsync();

        await Expect(page.GetByTestId("order")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("total-due")).ToHaveTextAsync("¥93.00"); // 35.00 + (128.00 - 70.00 insured)
        var fontSize = await page.GetByTestId("kiosk").EvaluateAsync<string>("e => getComputedStyle(e).fontSize");
        Assert.Equal("32px", fontSize);
        var button = await page.GetByTestId("pay-wechat-pay").BoundingBoxAsync();
        Assert.True(button!.Height >= 88, $"touch targets are big: {button.Height}px");
        await BrowserFixture.Screenshot(page, "kiosk-orders-large");

        await page.GetByTestId("pay-wechat-pay").ClickAsync();
        await Expect(page.GetByTestId("waiting")).ToBeVisibleAsync();
        await BrowserFixture.Screenshot(page, "kiosk-qr");

        // The patient's phone: the checkout link leads to the (simulated) WeChat Pay app, where they approve.
        var checkout = await page.GetByTestId("checkout").GetAttributeAsync("href");
        var phone = await browser.SignedIn(); // a sandbox tenant: the simulated wallet pays for signed-in people only
        await phone.GotoAsync(checkout!);
        await phone.GetByTestId("open-wallet").ClickAsync();
        await phone.GetByTestId("approve").ClickAsync();

        await Expect(page.GetByTestId("paid")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Expect(page.GetByTestId("receipt-line")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("receipt-total")).ToHaveTextAsync("¥93.00");
        await Expect(page.GetByTestId("kiosk")).ToHaveAttributeAsync("data-large", "on");
        await BrowserFixture.Screenshot(page, "kiosk-receipt-large");

        var account = await h.Account(patient);
        Assert.All(account["orders"]!.AsArray(), o => Assert.Equal("paid", Str(o!["status"])));
        Assert.Equal(0, L(account["dueAmount"]));
        Assert.NotNull(blood);
        Assert.NotNull(drugs);
    }
}
