using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SceneFinance.Tests.Campus;
using SceneFinance.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SceneFinance.Tests.Browser;

/// <summary>
/// A parent nobody made an account for: the two schools' rosters name her phone; she signs in to the portal with an SMS code (read from the
/// sandbox's message simulator), sees both children in both schools, pays a bill through the wallet app, and asks to hear when the
/// elder's card runs low: after the canteen's taps the notice arrives on her phone.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ParentSignUpJourney(BrowserFixture browser)
{
    [Fact]
    public async Task A_parent_signs_in_with_a_code_sees_her_children_at_two_schools_and_pays_a_bill()
    {
        var phone = "139" + Random.Shared.NextInt64(10_000_000, 99_999_999);
        var primary = await GuardianNoticeSpecs.DaytimeSchool(browser.App.Api()); // day there: the notice is not held for the night
        var card = GuardianNoticeSpecs.CardNumber();
        var elder = await GuardianNoticeSpecs.Pupil(primary, "1001", "大宝 Elder", card, phone);
        var middle = await Scenario.Start(browser.App.Api(), "campus");
        await middle.ImportCsv(Roster.Csv(Roster.Row("2001", "二宝 Younger", "初一", "3班", "妈妈", phone)));
        await middle.Generate(await middle.Plan("初一", [50_000]));
        var bill = await middle.BillOf("2001");

        var page = await browser.NewPage();
        page.SetDefaultTimeout(60_000);
        SetDefaultExpectTimeout(30_000);
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync("/portal");
        await Expect(page).ToHaveURLAsync(new Regex("/portal/login$"));
        await page.FillAsync("#phone", phone);
        await page.ClickAsync("#send-code");
        await Expect(page.GetByTestId("code-sent")).ToBeVisibleAsync();

        var sms = await browser.NewPage(); // her phone's messages, as the sandbox shows them
        await sms.GotoAsync($"/simulator/messages?to={phone}");
        // The code's message (the phone may also have been told of the bill meanwhile: newest first).
        var code = Regex.Match(await sms.GetByTestId("message-text").Filter(new() { HasTextRegex = new Regex("\\d{6}") }).First.InnerTextAsync(), "\\d{6}").Value;
        Assert.Equal(6, code.Length);

        await page.FillAsync("#code", code);
        await page.ClickAsync("#sign-in-code");
        await Expect(page).ToHaveURLAsync(new Regex("/portal$"));
        await BrowserFixture.WaitInteractive(page);
        await Expect(page.GetByTestId("child-1001")).ToContainTextAsync("大宝");
        await Expect(page.GetByTestId("child-2001")).ToContainTextAsync("二宝");
        await Expect(page.GetByTestId($"outstanding-{bill}")).ToHaveTextAsync("¥500.00");
        await BrowserFixture.Screenshot(page, "portal-code-two-schools");

        await page.GetByTestId($"pay-full-{bill}").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/pay/"));
        await page.GetByTestId("open-wallet").ClickAsync();
        await page.GetByTestId("approve").ClickAsync();
        await Expect(page.GetByTestId("order-state")).Not.ToHaveTextAsync("Open");
        await page.GotoAsync("/portal");
        await BrowserFixture.WaitInteractive(page);
        await Expect(page.GetByTestId($"status-{bill}")).ToContainTextAsync("已缴清");

        // She asks to hear when the elder's card falls below 20 yuan; the canteen's taps take it there.
        await BrowserFixture.Field(page, $"low-balance-below-{primary.TenantId}").FillAsync("20");
        await page.GetByTestId($"save-notices-{primary.TenantId}").ClickAsync();
        await Expect(page.GetByTestId($"notices-saved-{primary.TenantId}")).ToBeVisibleAsync();
        await primary.TopUp(elder, 5_000);
        var till = await primary.Terminal();
        (await primary.Api.Pay(till, card, 2_000)).Expect(System.Net.HttpStatusCode.OK);
        (await primary.Api.Pay(till, card, 1_500)).Expect(System.Net.HttpStatusCode.OK);
        var lowBalance = sms.GetByTestId("message-text").Filter(new() { HasText = "余额不足" });
        for (var until = DateTime.UtcNow.AddSeconds(90); await lowBalance.CountAsync() == 0 && DateTime.UtcNow < until; await Task.Delay(1_000))
            await sms.ReloadAsync(); // the phone's inbox is a plain page: look again until the notices job has told it
        await Expect(lowBalance).ToContainTextAsync("余额15.00元，低于您设置的20.00元");
        await BrowserFixture.Screenshot(sms, "parent-low-balance-notice");

        // The same code again is refused: it was used.
        var again = await browser.NewPage();
        await again.GotoAsync($"/portal/login?phone={phone}&sent=1");
        await again.FillAsync("#code", code);
        await again.ClickAsync("#sign-in-code");
        await Expect(again.GetByTestId("problem")).ToBeVisibleAsync();
    }
}
