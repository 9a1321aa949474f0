using Microsoft.Playwright;
using SceneFinance.Platform.Security;
using SceneFinance.Tests.Campus;
using SceneFinance.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SceneFinance.Tests.Trust;

/// <summary>
/// The approval queue in the shell: the asker sees their own request and cannot approve it; someone else approves it, in zh-CN and
/// in English; the top bar says the tenant is a sandbox.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ApprovalsJourney(BrowserFixture browser)
{
    [Fact]
    public async Task A_write_off_waits_in_the_queue_until_someone_else_approves_it()
    {
        var s = await Scenario.Start(browser.App.Api(), "campus");
        await s.ImportCsv(Roster.Csv(Roster.Row("0401", "李雷", "一年级", "1班", "妈妈", "13" + Random.Shared.NextInt64(100_000_000, 999_999_999))));
        await s.Generate(await s.Plan("一年级", [50_000]));
        var bill = await s.BillOf("0401");
        var (clerk, head) = ("clerk" + Guid.NewGuid().ToString("N")[..6], "head" + Guid.NewGuid().ToString("N")[..6]);
        foreach (var name in new[] { clerk, head })
            (await s.Api.Post($"{s.Base}/users", new { username = name, password = "Passw0rd-x1", role = Roles.Finance }, s.AdminToken)).Expect(System.Net.HttpStatusCode.Created);
        var asked = (await s.AskCancel(bill, "转学 moved away", await s.Api.Token(clerk, "Passw0rd-x1"))).Expect(System.Net.HttpStatusCode.Created);
        var id = asked["id"].GetValue<string>();

        var own = await browser.SignedIn(clerk, "Passw0rd-x1");
        await own.GotoAsync($"/t/{s.TenantId}/approvals");
        await BrowserFixture.WaitInteractive(own);
        await Expect(own.GetByTestId("tenant-mode")).ToHaveTextAsync("沙箱");
        await Expect(own.GetByTestId("approval-state").First).ToHaveTextAsync("待复核");
        await Expect(own.GetByTestId("own-request")).ToBeVisibleAsync();
        await Expect(own.GetByTestId("approve-request")).ToHaveCountAsync(0);
        await BrowserFixture.Screenshot(own, "approvals-own-request");

        var page = await browser.SignedIn(head, "Passw0rd-x1", language: "en");
        await page.GotoAsync($"/t/{s.TenantId}/approvals");
        await BrowserFixture.WaitInteractive(page);
        await Expect(page.GetByTestId("tenant-mode")).ToHaveTextAsync("Sandbox");
        await Expect(page.GetByTestId("approval-state").First).ToHaveTextAsync("Awaiting approval");
        await page.GetByTestId("approve-request").First.ClickAsync();
        await page.GetByTestId("approval-status").SelectOptionAsync("");
        await Expect(page.GetByTestId("approval-state").First).ToHaveTextAsync("Approved and carried out");
        await BrowserFixture.Screenshot(page, "approvals-approved-en");
        Assert.Equal("cancelled", (await s.Bill(bill)).Str("status"));
        Assert.Equal("done", (await s.Api.Get($"{s.Base}/approvals/{id}", s.AdminToken)).Expect(System.Net.HttpStatusCode.OK)["status"].GetValue<string>());
    }
}
