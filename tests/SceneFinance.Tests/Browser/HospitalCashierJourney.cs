using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using MiniExcelLibs;
using SceneFinance.Tests.Hospital;
using SceneFinance.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SceneFinance.Tests.Browser;

/// <summary>
/// The hospital's staff in the admin shell: finance sets the refund threshold; a cashier registers a patient, the HIS
/// posts a charge order, the patient pays into the deposit by QR (the simulated wallet app) and the cashier pays the
/// order from it; a refund above the threshold waits for a second person, who may not be its asker; the day's report
/// shows the figures and exports the scene's own .xlsx (amounts as number cells).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class HospitalCashierJourney(BrowserFixture browser)
{
    static readonly LocatorAssertionsToHaveTextOptions Within20s = new() { Timeout = 20_000 };

    [Fact]
    public async Task A_cashier_takes_a_deposit_by_QR_pays_an_HIS_order_from_it_and_a_large_refund_waits_for_a_second_person()
    {
        var h = await HospitalScenario.Start(browser.Api(), null);
        var cashier = await User(h, "cashier");
        var finance = await User(h, "finance");

        // Finance sets the refund approval threshold to 100 yuan; a bad amount is said beside its field.
        var fin = await browser.SignedIn(finance, "Passw0rd-finance");
        await fin.GetByRole(AriaRole.Link, new() { Name = "医院设置" }).ClickAsync();
        await BrowserFixture.Field(fin, "refund-threshold").FillAsync("abc");
        await fin.GetByTestId("save").ClickAsync();
        await Expect(fin.GetByText("请输入元，最多两位小数")).ToBeVisibleAsync();
        await BrowserFixture.Field(fin, "refund-threshold").FillAsync("100");
        await fin.GetByTestId("save").ClickAsync();
        await Expect(fin.GetByTestId("notice")).ToHaveTextAsync("已保存。");
        Assert.Equal(10_000, HospitalScenario.L((await h.Api.Get($"{h.H}/settings", h.S.AdminToken)).Expect(HttpStatusCode.OK)["refundApprovalThreshold"]));
        // Raising it alone is not possible: the raise waits for another person, and its asker may not approve it.
        await BrowserFixture.Field(fin, "refund-threshold").FillAsync("1000");
        await fin.GetByTestId("save").ClickAsync();
        await Expect(fin.GetByTestId("notice")).ToHaveTextAsync("已保存。提高的阈值或额度需另一人审批后生效。");
        await Expect(fin.GetByTestId("pending-change")).ToContainTextAsync("等待另一人审批");
        await fin.GetByTestId("approve-change").ClickAsync();
        await Expect(fin.GetByTestId("problem")).ToHaveTextAsync("此变更须由另一人审批，不能由提出人本人审批。");
        Assert.Equal(10_000, HospitalScenario.L((await h.Api.Get($"{h.H}/settings", h.S.AdminToken)).Expect(HttpStatusCode.OK)["refundApprovalThreshold"]));

        // The cashier sees the hospital's pages, not its settings; registers a patient (a bad card number is said inline).
        var page = await browser.SignedIn(cashier, "Passw0rd-cashier");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "收费日报" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "医院设置" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Link, new() { Name = "患者", Exact = true }).ClickAsync();
        await page.GetByText("登记患者").ClickAsync();
        await BrowserFixture.Field(page, "patient-card").FillAsync("12");
        await BrowserFixture.Field(page, "patient-name").FillAsync("李四 Li Si");
        await BrowserFixture.Field(page, "patient-id-number").FillAsync("110101199001011234");
        await page.GetByTestId("register-patient").ClickAsync();
        await Expect(page.GetByText("medicalCardNumber must be 4 to 32 letters or digits.")).ToBeVisibleAsync();
        var card = Scenario.NewCardNumber();
        await BrowserFixture.Field(page, "patient-card").FillAsync(card);
        await page.GetByTestId("register-patient").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/hospital/patients/ch_"));
        await Expect(page.GetByTestId("patient-id-number")).ToHaveTextAsync("**************1234"); // never the whole ID number
        await Expect(page.GetByTestId("patient-card")).ToHaveTextAsync("************" + card[^4..]);
        var patient = Regex.Match(page.Url, "/hospital/patients/(ch_[^/?#]+)").Groups[1].Value;

        // The HIS posts a 300-yuan lab order through its signed API.
        var order = await h.Order(patient, 30_000, "lab");
        await page.ReloadAsync();
        await BrowserFixture.WaitInteractive(page);
        await Expect(page.GetByTestId("due")).ToHaveTextAsync("300.00");

        // 500 yuan into the deposit by WeChat Pay: the QR and the checkout link; the patient approves on the phone.
        await BrowserFixture.Field(page, "deposit-amount").FillAsync("500");
        await page.GetByTestId("deposit-channel").SelectOptionAsync("wechat-pay");
        await page.GetByTestId("pay-deposit").ClickAsync();
        await Expect(page.GetByTestId("intent-qr")).ToBeVisibleAsync();
        var checkout = await page.GetByTestId("intent-checkout").GetAttributeAsync("href");
        await h.S.PayOnPhone(new JsonObject { ["checkoutUrl"] = new Uri(new Uri(browser.RootUrl), checkout).ToString() });
        await Expect(page.GetByTestId("deposit")).ToHaveTextAsync("500.00", Within20s);
        await Expect(page.GetByTestId("notice")).ToHaveTextAsync("已收费 500.00 元。");

        // The order from the deposit, at the cashier window (nothing selected is said first).
        await page.GetByTestId("pay-tender").SelectOptionAsync("deposit");
        await page.GetByTestId("pay-orders").ClickAsync();
        await Expect(page.GetByTestId("orders-error")).ToHaveTextAsync("请选择要缴费的项目。");
        await page.GetByTestId("select-order").First.CheckAsync();
        await page.GetByTestId("pay-orders").ClickAsync();
        await Expect(page.GetByTestId("notice")).ToHaveTextAsync("已收费 300.00 元。");
        await Expect(page.GetByTestId("due")).ToHaveTextAsync("0.00");
        await Expect(page.GetByTestId("deposit")).ToHaveTextAsync("200.00");
        await Expect(page.GetByTestId("order-status")).ToHaveTextAsync("已缴费");

        // 150 yuan of the order back: above the 100-yuan threshold, so it waits; a cashier cannot approve.
        await page.GetByTestId("refund-kind").SelectOptionAsync("order");
        await page.GetByTestId("refund-order").SelectOptionAsync(HospitalScenario.Str(order["id"]));
        await BrowserFixture.Field(page, "refund-amount").FillAsync("150");
        await BrowserFixture.Field(page, "refund-reason").FillAsync("检查取消");
        await page.GetByTestId("request-refund").ClickAsync();
        await Expect(page.GetByTestId("notice")).ToContainTextAsync("等待另一人审批");
        await Expect(page.GetByTestId("refund-status")).ToHaveTextAsync("待审批");
        await Expect(page.GetByTestId("approve-refund")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("deposit")).ToHaveTextAsync("200.00");

        // Finance asks for 120 yuan of the deposit back; it may not approve its own request, but approves the cashier's.
        await fin.GotoAsync($"/t/{h.S.TenantId}/hospital/patients/{patient}");
        await BrowserFixture.WaitInteractive(fin);
        await fin.GetByTestId("refund-kind").SelectOptionAsync("deposit");
        await BrowserFixture.Field(fin, "refund-amount").FillAsync("120");
        await BrowserFixture.Field(fin, "refund-reason").FillAsync("预交金退还");
        await fin.GetByTestId("request-refund").ClickAsync();
        await Expect(fin.GetByTestId("notice")).ToContainTextAsync("等待另一人审批");
        var own = fin.GetByTestId("refund-row").Filter(new() { HasText = "预交金退还" });
        var cashiers = fin.GetByTestId("refund-row").Filter(new() { HasText = "检查取消" });
        await own.GetByTestId("approve-refund").ClickAsync();
        await Expect(fin.GetByTestId("problem")).ToHaveTextAsync("退款须由另一人审批，申请人本人不能审批。");
        await Expect(own.GetByTestId("refund-status")).ToHaveTextAsync("待审批");
        await cashiers.GetByTestId("approve-refund").ClickAsync();
        await Expect(fin.GetByTestId("notice")).ToHaveTextAsync("退款已审批。");
        await Expect(cashiers.GetByTestId("refund-status")).ToHaveTextAsync("已退款");
        await Expect(fin.GetByTestId("deposit")).ToHaveTextAsync("350.00"); // paid from the deposit, so back into it
        await Expect(fin.GetByTestId("order-refunded")).ToHaveTextAsync("150.00");
        await BrowserFixture.Screenshot(fin, "hospital-patient-account");

        // The day: 500 in by WeChat Pay, 300 paid from the deposit, 150 refunded to the deposit.
        await fin.GetByRole(AriaRole.Link, new() { Name = "收费日报" }).ClickAsync();
        await Expect(fin.GetByTestId("total-paid")).ToHaveTextAsync("800.00");
        await Expect(fin.GetByTestId("total-refunded")).ToHaveTextAsync("150.00");
        await Expect(fin.GetByTestId("by-channel-wechat-pay")).ToContainTextAsync("500.00");
        await Expect(fin.GetByTestId("by-tender-deposit")).ToHaveTextAsync(new Regex("300\\.00\\s*150\\.00\\s*150\\.00"));
        await BrowserFixture.Field(fin, "report-date").FillAsync("2026-13-45");
        await fin.GetByTestId("show-report").ClickAsync();
        await Expect(fin.GetByText("date must be yyyy-MM-dd.")).ToBeVisibleAsync();
        await BrowserFixture.Field(fin, "report-date").FillAsync("");
        await fin.GetByTestId("show-report").ClickAsync();
        await Expect(fin.GetByTestId("total-paid")).ToHaveTextAsync("800.00");

        var download = await fin.RunAndWaitForDownloadAsync(() => fin.GetByTestId("export").ClickAsync());
        Assert.StartsWith("hospital-daily-", download.SuggestedFilename);
        await using (var file = File.OpenRead(await download.PathAsync()))
        {
            // Amounts are number cells in yuan with two decimals (they add up in a spreadsheet), counts numbers; read back here as fen.
            var cells = new Workbook(await File.ReadAllBytesAsync(await download.PathAsync()));
            Assert.NotEmpty(cells.Rows);
            Assert.All(cells.Rows, r => Assert.True(r["amount (yuan) 金额(元)"] is { IsNumber: true, Format: "0.00" }, "the amount is a number cell"));
            Assert.All(cells.Rows, r => Assert.True(r["count 笔数"].IsNumber, "the count is a number cell"));
            var lines = MiniExcel.Query(file, useHeaderRow: true, sheetName: "lines 明细").Cast<IDictionary<string, object?>>().ToList();
            long Amount(string source, string kind) => lines.Where(r => r["source 来源"]?.ToString() == source && r["kind 类型"]?.ToString() == kind)
                .Sum(r => Fen(r["amount (yuan) 金额(元)"]));
            Assert.Equal(50_000, Amount($"cashier:{cashier}", "deposit"));
            Assert.Equal(30_000, Amount($"cashier:{cashier}", "orders"));
            Assert.Equal(-15_000, Amount("refunds", "refund"));
            Assert.Equal("wechat-pay", lines.Single(r => r["kind 类型"]?.ToString() == "deposit")["channel 渠道"]?.ToString());
            file.Position = 0;
            var byTender = MiniExcel.Query(file, useHeaderRow: true, sheetName: "by tender 按支付方式").Cast<IDictionary<string, object?>>().ToList();
            var deposit = byTender.Single(r => r["tender 支付方式"]?.ToString() == "deposit");
            Assert.Equal(30_000, Fen(deposit["paid (yuan) 收款(元)"]));
            Assert.Equal(15_000, Fen(deposit["refunded (yuan) 退款(元)"]));
        }
        await BrowserFixture.Screenshot(fin, "hospital-daily-report");

        // The API agrees with what the shell showed.
        var account = await h.Account(patient);
        Assert.Equal(35_000, HospitalScenario.L(account["deposit"]!["balance"]));
        Assert.Equal(["executed", "pending_approval"], account["refunds"]!.AsArray().Select(r => HospitalScenario.Str(r!["status"])));
    }

    static long Fen(object? yuan) => (long)Math.Round(Convert.ToDecimal(yuan) * 100);

    static async Task<string> User(HospitalScenario h, string role)
    {
        var username = role + Guid.NewGuid().ToString("N")[..8];
        (await h.Api.Post($"{h.S.Base}/users", new { username, password = "Passw0rd-" + role, role }, h.S.AdminToken)).Expect(HttpStatusCode.Created);
        return username;
    }
}
