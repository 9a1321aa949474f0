using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SceneFinance.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;
using static SceneFinance.Tests.Hospital.HospitalScenario;

namespace SceneFinance.Tests.Hospital;

/// <summary>
/// The kiosk in English and large print: a patient takes a number for a clinic, then pays it with an earlier order by QR; the
/// waiting page listens for the committed payment and then shows the receipt.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class KioskLanguageJourney(BrowserFixture browser)
{
    [Fact]
    public async Task A_patient_registers_and_pays_by_QR_at_the_kiosk_in_English_and_large_print()
    {
        var h = await HospitalScenario.Start(new Infrastructure.Api(new HttpClient { BaseAddress = new Uri(browser.RootUrl) }), null);
        var (patient, card) = await h.Patient("Li Lei 李雷");
        await h.Order(patient, 2500, "lab");
        (await h.Api.Post($"{h.H}/clinic-slots", new { department = "内科 Internal medicine", doctor = "王医生 Dr Wang", startsAt = DateTimeOffset.UtcNow.AddHours(2), fee = 1500, capacity = 20 },
            h.S.AdminToken)).Expect(HttpStatusCode.Created);

        var page = await browser.NewPage();
        await page.GotoAsync("/kiosk");
        await page.GetByTestId("language").ClickAsync();
        await Expect(page.GetByText("Set up this kiosk")).ToBeVisibleAsync();
        await page.FillAsync("#terminal", h.Kiosk.Id);
        await page.FillAsync("#secret", h.Kiosk.Secret);
        await page.GetByTestId("kiosk-sign-in").ClickAsync();
        await page.GetByTestId("large-font").ClickAsync();
        await Expect(page.GetByTestId("kiosk")).ToHaveAttributeAsync("data-large", "on");
        await Expect(page.GetByText("Swipe your medical card or scan its QR code")).ToBeVisibleAsync();
        await page.GetByTestId("card").FillAsync(card);
        await page.GetByTestId("identify").ClickAsync();

        // A number in the clinic session: its fee joins the charges to pay.
        await page.GetByTestId("register").ClickAsync();
        await Expect(page.GetByText("Choose a department and doctor")).ToBeVisibleAsync();
        await BrowserFixture.Screenshot(page, "kiosk-register-large-en");
        await page.GetByTestId("slot").First.ClickAsync();
        await Expect(page.GetByTestId("order")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("total-due")).ToHaveTextAsync("¥40.00");
        await Expect(page.GetByTestId("pay-alipay")).ToHaveTextAsync("Alipay");
        await BrowserFixture.Screenshot(page, "kiosk-orders-large-en");

        await page.GetByTestId("pay-alipay").ClickAsync();
        await Expect(page.GetByTestId("waiting")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("watching")).ToHaveAttributeAsync("data-live", "on"); // listening for the committed payment
        await BrowserFixture.Screenshot(page, "kiosk-qr-large-en");

        var checkout = await page.GetByTestId("checkout").GetAttributeAsync("href");
        var phone = await browser.SignedIn(); // a sandbox tenant: the simulated wallet pays for signed-in people only
        await phone.GotoAsync(checkout!);
        await phone.GetByTestId("open-wallet").ClickAsync();
        await phone.GetByTestId("approve").ClickAsync();

        // The waiting page hears of the committed payment (PaidNoticeSpecs checks the notice itself) and shows the receipt.
        await Expect(page.GetByTestId("paid")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Expect(page.GetByTestId("receipt-line")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("receipt-total")).ToHaveTextAsync("¥40.00");
        await Expect(page.GetByTestId("receipt")).ToContainTextAsync("Paid with: Alipay");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await BrowserFixture.Screenshot(page, "kiosk-receipt-large-en");

        var account = await h.Account(patient);
        Assert.All(account["orders"]!.AsArray(), o => Assert.Equal("paid", Str(o!["status"])));
        Assert.Contains(account["orders"]!.AsArray(), o => Regex.IsMatch(Str(o!["description"]), "Dr Wang #1$"));
    }
}
