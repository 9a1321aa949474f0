using System.Text;
using Microsoft.Playwright;
using SceneFinance.Platform.Security;
using SceneFinance.Tests.Campus;
using SceneFinance.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SceneFinance.Tests.Browser;

/// <summary>The finance office's leavers page, in Chinese and in English: a leaver's balance and open bill, a cash refund asked for and approved by another.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LeaverJourney(BrowserFixture browser)
{
    [Theory]
    [InlineData("zh-CN", "离校学生", "已申请", "待复核")]
    [InlineData("en", "Leavers", "Asked", "Awaiting approval")]
    public async Task The_finance_office_sees_a_leaver_and_asks_for_the_cash_refund_a_second_person_approves(string language, string title, string asked, string awaiting)
    {
        var s = await Scenario.Start(browser.App.Api(), "campus");
        var phone = "13" + Random.Shared.NextInt64(100_000_000, 999_999_999);
        const string header = "studentNumber,name,grade,class,guardianName,guardianPhone,status";
        await s.Import(Encoding.UTF8.GetBytes($"{header}\n0901,张伟,四年级,2班,张母,{phone},\n"));
        var holder = (await s.Api.Get($"{s.Base}/campus/students/0901", s.AdminToken)).Body.Str("cardHolderId");
        await s.TopUp(holder, 1_250);
        await s.Generate(await s.Plan("四年级", [30_000]));
        await s.Import(Encoding.UTF8.GetBytes($"{header}\n0901,张伟,四年级,2班,张母,{phone},left\n"));

        var page = await browser.SignedIn(language: language);
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync($"/t/{s.TenantId}/campus/leavers");
        await BrowserFixture.WaitInteractive(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = title })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("leaver-0901-cash")).ToContainTextAsync("12.50");
        await Expect(page.GetByTestId("leavers")).ToContainTextAsync("300.00"); // the open bill, left for finance to cancel or waive
        await BrowserFixture.Field(page, "leaver-reason").FillAsync("离校 left");
        await page.Keyboard.PressAsync("Tab"); // the field's value reaches the circuit before the click does
        await page.GetByTestId("refund-cash-0901").ClickAsync();
        await Expect(page.GetByTestId("notice")).ToContainTextAsync(asked, new() { Timeout = 60_000 }); // two loaded cores: wait for it, don't race it
        await Expect(page.GetByTestId("leaver-0901-refund")).ToContainTextAsync(awaiting);
        await BrowserFixture.Screenshot(page, $"leavers-{language}");

        // Another person approves it in the one approval queue: the cash is paid out and the balance is 0.
        var approval = (await s.Api.Get($"{s.Base}/approvals?status=pending", s.AdminToken)).Body!["items"]!.AsArray().Single()!["id"]!.GetValue<string>();
        (await s.Api.Post($"{s.Base}/approvals/{approval}/approve", null, await s.UserToken(Roles.TenantAdmin))).Expect(System.Net.HttpStatusCode.OK);
        await page.ReloadAsync();
        await BrowserFixture.WaitInteractive(page);
        await Expect(page.GetByTestId("leaver-0901-cash")).ToContainTextAsync("0.00");
    }
}
