using System.Net;
using System.Text.RegularExpressions;
using MiniExcelLibs;
using SceneFinance.Tests.Hospital;
using SceneFinance.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;
using static SceneFinance.Tests.Hospital.HospitalScenario;

namespace SceneFinance.Tests.Browser;

/// <summary>
/// A credit-care patient nobody made an account for: she signs in on her phone with the number the hospital registered and the SMS
/// code (read from the sandbox's phone), sees her orders with the insurer's and her own part, her payment and the report that is
/// ready, opens the payment's receipt to print, and reads it all in English and in large text too. Another patient's receipt is not
/// hers to open.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PatientRecordsJourney(BrowserFixture browser)
{
    [Fact]
    public async Task A_patient_signs_in_with_the_code_from_the_sms_sees_orders_and_payments_and_opens_a_receipt()
    {
        var phone = "187" + Random.Shared.NextInt64(10_000_000, 99_999_999);
        var h = await HospitalScenario.Start(browser.App.Api(), null);
        var (me, card) = await h.Patient("王芳 Wang Fang", phone);
        var (them, _) = await h.Patient("李雷 Li Lei", "187" + Random.Shared.NextInt64(10_000_000, 99_999_999));
        foreach (var p in new[] { me, them })
            (await h.Api.Post($"{h.H}/patients/{p}/credit-care", new { }, h.S.AdminToken)).Expect(HttpStatusCode.OK);
        var ct = await h.Order(me, 8_000, "imaging", insured: 3_000, insurer: "city-insurance");
        var paid = Str((await h.CashierPay(me, "credit", Str(ct["id"]))).Expect(HttpStatusCode.OK)["paymentId"]);
        var theirs = Str((await h.CashierPay(them, "credit", Str((await h.Order(them, 1_000))["id"]))).Expect(HttpStatusCode.OK)["paymentId"]);
        await h.Order(me, 1_200, "drug"); // still to pay
        (await h.HisPost("/api/v1/his/reports", new { reportId = "CT-" + me[^8..], medicalCardNumber = card, visitId = Str(ct["visitId"]), title = "胸部CT 报告" }))
            .Expect(HttpStatusCode.Created);

        var page = await browser.NewPage();
        page.SetDefaultTimeout(60_000);
        SetDefaultExpectTimeout(30_000);
        await page.SetViewportSizeAsync(390, 844); // a phone
        await page.GotoAsync("/patient");
        await Expect(page).ToHaveURLAsync(new Regex("/patient/login$"));
        await page.FillAsync("#phone", phone);
        await page.ClickAsync("#send-code");
        await Expect(page.GetByTestId("code-sent")).ToBeVisibleAsync();
        await BrowserFixture.Screenshot(page, "patient-sign-in");

        var sms = await browser.NewPage(); // her phone's messages, as the sandbox shows them
        await sms.GotoAsync($"/simulator/messages?to={phone}");
        var code = Regex.Match(await sms.GetByTestId("message-text").Filter(new() { HasTextRegex = new Regex("\\d{6}") }).First.InnerTextAsync(), "\\d{6}").Value;
        Assert.Equal(6, code.Length);
        await page.FillAsync("#code", code);
        await page.ClickAsync("#sign-in-code");
        await Expect(page).ToHaveURLAsync(new Regex("/patient$"));
        await BrowserFixture.WaitInteractive(page);

        await Expect(page.GetByTestId("patient-name")).ToHaveTextAsync("王芳 Wang Fang");
        await Expect(page.GetByTestId("my-due")).ToHaveTextAsync("¥12.00");
        await Expect(page.GetByTestId("my-credit-outstanding")).ToHaveTextAsync("¥50.00");
        await Expect(page.GetByTestId("report-title")).ToHaveTextAsync("胸部CT 报告");
        await Expect(page.GetByTestId("order-description")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("order-insured").First).ToContainTextAsync("¥0.00"); // newest first: the drug, then the CT
        await Expect(page.GetByTestId("order-insured").Nth(1)).ToContainTextAsync("¥30.00");
        await Expect(page.GetByTestId("order-self-pay").Nth(1)).ToHaveTextAsync("¥50.00");
        await Expect(page.GetByTestId("payment-amount")).ToHaveTextAsync("¥50.00");
        await Expect(page.Locator("body")).Not.ToContainTextAsync("李雷");
        await BrowserFixture.Screenshot(page, "patient-records");

        // Her payments as a spreadsheet: the amount a number in yuan, the words hers.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-payments").ClickAsync());
        Assert.EndsWith(".xlsx", download.SuggestedFilename);
        await using (var file = File.OpenRead(await download.PathAsync()))
        {
            var row = Assert.Single(MiniExcel.Query(file, useHeaderRow: true).Cast<IDictionary<string, object?>>());
            Assert.Equal(50.0, Convert.ToDouble(row["金额（元）"]));
            Assert.Equal("信用就医", row["支付方式"]?.ToString());
        }

        await page.GetByTestId("receipt-link").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/patient/receipts/{paid}"));
        await Expect(page.GetByTestId("receipt-patient")).ToHaveTextAsync("王芳 Wang Fang");
        await Expect(page.GetByTestId("receipt-total")).ToHaveTextAsync("¥50.00");
        await Expect(page.GetByTestId("receipt-insured")).ToHaveTextAsync("¥30.00");
        await Expect(page.GetByTestId("receipt-tender")).ToHaveTextAsync("信用就医");
        await Expect(page.GetByTestId("print")).ToBeVisibleAsync();
        await BrowserFixture.Screenshot(page, "patient-receipt");
        await page.EmulateMediaAsync(new() { Media = Microsoft.Playwright.Media.Print });
        await Expect(page.GetByTestId("print")).ToBeHiddenAsync(); // the printed receipt leaves out the buttons and the bar
        await BrowserFixture.Screenshot(page, "patient-receipt-print");
        await page.EmulateMediaAsync(new() { Media = Microsoft.Playwright.Media.Screen });

        // In English, and in large text (适老化).
        await page.GetByTestId("language").ClickAsync();
        await Expect(page.GetByTestId("receipt-tender")).ToHaveTextAsync("Credit care");
        await page.GetByTestId("back").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/patient\\?h="));
        await BrowserFixture.WaitInteractive(page);
        await Expect(page.GetByText("My hospital records")).ToBeVisibleAsync();
        await page.GetByTestId("large-font").ClickAsync();
        await Expect(page.GetByTestId("large-font")).ToHaveAttributeAsync("data-large", "on");
        await BrowserFixture.WaitInteractive(page);
        await Expect(page.GetByTestId("payment-amount")).ToHaveTextAsync("¥50.00");
        await BrowserFixture.Screenshot(page, "patient-records-en-large");

        // Another patient's receipt is not found for her.
        await page.GotoAsync($"/patient/receipts/{theirs}?h={h.S.TenantId}");
        await Expect(page.GetByTestId("problem")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("receipt")).ToHaveCountAsync(0);
    }
}
