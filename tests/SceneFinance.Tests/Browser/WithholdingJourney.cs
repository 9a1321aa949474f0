using System.Net;
using MiniExcelLibs;
using Microsoft.Playwright;
using SceneFinance.Tests.Hospital;
using SceneFinance.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;
using static SceneFinance.Tests.Hospital.HospitalScenario;

namespace SceneFinance.Tests.Browser;

/// <summary>
/// Issue 15 item 2 in the admin shell: finance offers a credit-care patient a WeChat Pay withholding agreement on the patient's page,
/// the patient signs it on the simulated wallet app's page, the settlement run on the settings page lists the patient as debited
/// directly, and finance cancels the agreement; the page reads in English too.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WithholdingJourney(BrowserFixture browser)
{
    [Fact]
    public async Task Finance_offers_an_agreement_the_patient_signs_the_night_debits_directly_and_finance_cancels_it()
    {
        var h = await HospitalScenario.Start(browser.Api(), null, creditLimit: 30_000);
        var finance = "finance" + Guid.NewGuid().ToString("N")[..8];
        (await h.Api.Post($"{h.S.Base}/users", new { username = finance, password = "Passw0rd-finance", role = "finance" }, h.S.AdminToken)).Expect(HttpStatusCode.Created);
        var (patient, _) = await h.Patient("赵六 Zhao Liu");
        (await h.Api.Post($"{h.H}/patients/{patient}/credit-care", new { linkedChannel = "unionpay" }, h.S.AdminToken)).Expect(HttpStatusCode.OK);
        (await h.CashierPay(patient, "credit", Str((await h.Order(patient, 12_000))["id"]))).Expect(HttpStatusCode.OK);

        var page = await browser.SignedIn(finance, "Passw0rd-finance");
        await page.GotoAsync($"/t/{h.S.TenantId}/hospital/patients/{patient}");
        await BrowserFixture.WaitInteractive(page);
        await Expect(page.GetByTestId("withholding-none")).ToHaveTextAsync("未签免密代扣协议。");
        await page.GetByTestId("withholding-channel-input").SelectOptionAsync("wechat-pay");
        await page.GetByTestId("withholding-offer").ClickAsync();
        await Expect(page.GetByTestId("notice")).ToHaveTextAsync("已发起签约：请患者在钱包应用中确认。");
        await Expect(page.GetByTestId("withholding-status")).ToHaveTextAsync("待签约");

        // The patient signs in the wallet app (the simulator's page; in the sandbox a signed-in person of the tenant may).
        var signUrl = await page.GetByTestId("withholding-sign-link").GetAttributeAsync("href");
        await page.GotoAsync(signUrl!);
        await page.GetByTestId("sign").ClickAsync();
        await Expect(page.GetByTestId("agreement-state")).ToHaveTextAsync("Signed");
        await page.GotoAsync($"/t/{h.S.TenantId}/hospital/patients/{patient}");
        await BrowserFixture.WaitInteractive(page);
        await Expect(page.GetByTestId("withholding-status")).ToHaveTextAsync("已生效");
        await Expect(page.GetByTestId("withholding-channel")).ToHaveTextAsync("微信支付");
        await Expect(page.GetByTestId("withholding-since")).ToBeVisibleAsync();

        // The night's run (by hand here) shows the patient debited directly.
        await page.GotoAsync($"/t/{h.S.TenantId}/hospital/settings");
        await BrowserFixture.WaitInteractive(page);
        await BrowserFixture.Field(page, "run-date").FillAsync("2030-03-01");
        await page.GetByTestId("run-settlement").ClickAsync();
        await Expect(page.GetByTestId("run-debited")).ToContainTextAsync("120.00");
        await Expect(page.GetByTestId("run-debited")).ToContainTextAsync("成功");
        await Expect(page.GetByTestId("run-wallet")).ToHaveTextAsync("0");
        // The list exports as the others do: the amount a number in yuan, the words in the page's language.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("run-debited-export").ClickAsync());
        await using (var file = File.OpenRead(await download.PathAsync()))
        {
            var sheet = MiniExcel.Query(file, useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
            var line = Assert.Single(sheet);
            Assert.Equal(patient, line["患者"]?.ToString());
            Assert.Equal(120.0, Assert.IsType<double>(line["金额"]));
            Assert.Equal("微信支付", line["支付渠道"]?.ToString());
        }
        await BrowserFixture.Screenshot(page, "hospital-withholding-debited");

        await page.GotoAsync($"/t/{h.S.TenantId}/hospital/patients/{patient}");
        await BrowserFixture.WaitInteractive(page);
        await Expect(page.GetByTestId("credit-outstanding")).ToHaveTextAsync("0.00");
        await page.GetByTestId("withholding-cancel").ClickAsync();
        await Expect(page.GetByTestId("notice")).ToHaveTextAsync("协议已解除。");
        await Expect(page.GetByTestId("withholding-status")).ToHaveTextAsync("已解约");
        await Expect(page.GetByTestId("withholding-ended-by")).ToHaveTextAsync("医院");

        await page.GetByTestId("language").ClickAsync();
        await Expect(page.GetByText("Withholding agreement")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("withholding-status")).ToHaveTextAsync("agreement canceled");
        await BrowserFixture.Screenshot(page, "hospital-withholding");
        var tb = await h.S.TrialBalance();
        Assert.Equal(0, tb.Account($"patient:{patient}:credit"));
    }
}
