using System.Net;
using Microsoft.Playwright;
using SceneFinance.Tests.Hospital;
using SceneFinance.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;
using static SceneFinance.Tests.Hospital.HospitalScenario;

namespace SceneFinance.Tests.Browser;

/// <summary>
/// Issue 15 item 4 in the admin shell: the patient pays their part of an insured order, its claim goes to the sandbox insurer,
/// and a finance person answers it as the simulated insurer, approving 100 of 140 yuan; the list, its .xlsx and the patient's
/// account agree (the patient owes the 40 yuan difference), and the page reads in English too.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class InsuranceClaimsJourney(BrowserFixture browser)
{
    [Fact]
    public async Task Finance_answers_a_claim_in_part_as_the_sandbox_insurer_and_the_patient_owes_the_difference()
    {
        var h = await HospitalScenario.Start(browser.Api(), null);
        var finance = "finance" + Guid.NewGuid().ToString("N")[..8];
        (await h.Api.Post($"{h.S.Base}/users", new { username = finance, password = "Passw0rd-finance", role = "finance" }, h.S.AdminToken)).Expect(HttpStatusCode.Created);
        var (patient, _) = await h.Patient("李四 Li Si");
        (await h.Api.Post($"{h.H}/patients/{patient}/credit-care", new { }, h.S.AdminToken)).Expect(HttpStatusCode.OK);
        var order = await h.Order(patient, 20_000, "imaging", insured: 14_000, insurer: "nhsa");
        (await h.CashierPay(patient, "credit", Str(order["id"]))).Expect(HttpStatusCode.OK);
        var claimNo = Str((await h.ClaimUntil(Str(order["id"])))["id"]);

        var page = await browser.SignedIn(finance, "Passw0rd-finance");
        await page.GetByRole(AriaRole.Link, new() { Name = "医保结算申请" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "医保结算申请" })).ToBeVisibleAsync();
        await BrowserFixture.WaitInteractive(page);
        await Expect(page.GetByTestId("claim-no")).ToHaveTextAsync(claimNo);
        await Expect(page.GetByTestId("claim-status")).ToHaveTextAsync("已提交，待医保答复");
        await Expect(page.GetByTestId("claim-claimed")).ToHaveTextAsync("140.00");
        await page.GetByTestId("sim-partial-amount").FillAsync("100");
        await page.GetByTestId("sim-partial").ClickAsync();
        await Expect(page.GetByTestId("message")).ToHaveTextAsync($"医保机构已答复结算申请 {claimNo}：医保部分核准。");
        await Expect(page.GetByTestId("claim-status")).ToHaveTextAsync("医保部分核准");
        await Expect(page.GetByTestId("claim-approved")).ToHaveTextAsync("100.00");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export").ClickAsync());
        var cells = new Workbook(await File.ReadAllBytesAsync(await download.PathAsync()));
        var row = Assert.Single(cells.Rows);
        Assert.True(row["申请金额"] is { IsNumber: true, Format: "0.00" }, "the claimed amount is a number cell");
        Assert.Equal(140m, row["申请金额"].Number);
        Assert.Equal(100m, row["核准金额"].Number);

        // The patient owes the 40 yuan the insurer did not approve.
        var account = await h.Account(patient);
        Assert.Equal(4000, L(account["orders"]![0]!["dueAmount"]));

        // The language switch reloads the page in English.
        await page.GetByTestId("language").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Insurance claims" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("claim-status")).ToHaveTextAsync("Partly approved by the insurer");
        await BrowserFixture.Screenshot(page, "hospital-insurance-claims");

        var tb = await h.S.TrialBalance();
        Assert.Equal(10_000, tb.Account("clearing:insurer-nhsa"));
        Assert.Equal(0, tb.Account("insurer-receivable:nhsa"));
    }
}
