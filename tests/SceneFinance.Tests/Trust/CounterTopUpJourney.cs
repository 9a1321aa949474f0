using System.Net;
using Microsoft.Playwright;
using SceneFinance.Platform.Security;
using SceneFinance.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SceneFinance.Tests.Trust;

/// <summary>
/// A cashier's top-up beyond the daily limit in the shell (zh-CN): refused, asked for approval from the same form; a finance
/// person approves it in the queue (English), and the till report shows the cashier's day in both languages.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class CounterTopUpJourney(BrowserFixture browser)
{
    [Fact]
    public async Task A_top_up_above_the_limit_is_asked_for_approved_by_someone_else_and_counted_for_the_cashier()
    {
        var s = await Scenario.Start(browser.App.Api());
        var (holder, _) = await s.CardHolder();
        var (cashier, finance, head) = ("till" + Guid.NewGuid().ToString("N")[..6], "fin" + Guid.NewGuid().ToString("N")[..6], "head" + Guid.NewGuid().ToString("N")[..6]);
        foreach (var (name, role) in new[] { (cashier, Roles.Cashier), (finance, Roles.Finance), (head, Roles.TenantAdmin) })
            (await s.Api.Post($"{s.Base}/users", new { username = name, password = "Passw0rd-x1", role }, s.AdminToken)).Expect(HttpStatusCode.Created);
        var asked = (await s.Api.Post($"{s.Base}/approval-limits/change-requests", new { counterTopUpDailyLimit = 5_000, reason = "试运行 pilot" },
            await s.Api.Token(finance, "Passw0rd-x1"))).Expect(HttpStatusCode.Created);
        (await s.Api.Post($"{s.Base}/approvals/{asked["id"].GetValue<string>()}/approve", null, await s.Api.Token(head, "Passw0rd-x1"))).Expect(HttpStatusCode.OK);

        var till = await browser.SignedIn(cashier, "Passw0rd-x1");
        await till.GotoAsync($"/t/{s.TenantId}/cardholders/{holder}");
        await BrowserFixture.WaitInteractive(till);
        await BrowserFixture.Field(till, "topup-amount").FillAsync("60");
        await till.GetByTestId("topup").ClickAsync();
        await Expect(till.GetByTestId("problem")).ToContainTextAsync("超出每人每日限额");
        await till.GetByTestId("ask-topup").ClickAsync();
        await Expect(till.GetByTestId("notice")).ToContainTextAsync("已提交复核");
        await BrowserFixture.Screenshot(till, "counter-topup-asked");
        Assert.Equal(0, await s.Balance(holder));

        var office = await browser.SignedIn(finance, "Passw0rd-x1", language: "en");
        await office.GotoAsync($"/t/{s.TenantId}/approvals");
        await BrowserFixture.WaitInteractive(office);
        await Expect(office.GetByTestId("approval-state").First).ToHaveTextAsync("Awaiting approval");
        await office.GetByTestId("approve-request").First.ClickAsync();
        await office.GetByTestId("approval-status").SelectOptionAsync("");
        await Expect(office.GetByTestId("approval-state").First).ToHaveTextAsync("Approved and carried out");
        Assert.Equal(6_000, await s.Balance(holder));

        await office.GotoAsync($"/t/{s.TenantId}/counter-topups");
        await BrowserFixture.WaitInteractive(office);
        await Expect(office.GetByTestId("cashier")).ToHaveTextAsync(cashier);
        await Expect(office.GetByTestId("cashier-amount")).ToHaveTextAsync("60.00");
        await Expect(office.GetByTestId("topup-limit")).ToHaveTextAsync("50.00");
        await BrowserFixture.Screenshot(office, "counter-topups-en");

        await till.GotoAsync($"/t/{s.TenantId}/counter-topups");
        await BrowserFixture.WaitInteractive(till);
        await Expect(till.GetByText("柜台充值（按经办人）").First).ToBeVisibleAsync();
        await Expect(till.GetByTestId("cashier-amount")).ToHaveTextAsync("60.00");
        await BrowserFixture.Screenshot(till, "counter-topups-zh");
    }
}
