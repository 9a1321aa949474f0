using System.Net;
using Microsoft.Playwright;
using SceneFinance.Tests.Hospital;
using SceneFinance.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SceneFinance.Tests.Browser;

/// <summary>
/// The hospital's admin manages the HIS's credentials in the shell: finds the page in the menu, creates a client (its secret shown
/// once and working at once), issues a new secret (the old one still working for its grace), disables and enables a client; in
/// zh-CN and en.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class HisClientJourney(BrowserFixture browser)
{
    [Fact]
    public async Task Hospital_admin_creates_rotates_disables_and_enables_his_clients()
    {
        var h = await HospitalScenario.Start(browser.Api(), null);
        var (patient, _) = await h.Patient();
        var manager = "his" + Guid.NewGuid().ToString("N")[..6];
        (await h.Api.Post($"{h.S.Base}/users", new { username = manager, password = "Passw0rd-tenant-admin", role = "tenant-admin" }, h.S.AdminToken)).Expect(HttpStatusCode.Created);

        var page = await browser.SignedIn(manager, "Passw0rd-tenant-admin");
        await page.GotoAsync($"/t/{h.S.TenantId}/hospital/patients");
        await BrowserFixture.WaitInteractive(page);
        await page.GetByTestId("nav-his-clients").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "HIS 接入客户端" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("his-clients")).ToContainTextAsync(h.His.Id); // the one the scenario made through the API

        // A new client: its id and secret shown once, and the HIS can sign with them at once.
        await BrowserFixture.Field(page, "his-client-name").FillAsync("HIS 新院区");
        await page.GetByTestId("create-his-client").ClickAsync();
        await Expect(page.GetByTestId("secret-once")).ToContainTextAsync("只显示这一次");
        var created = new HisClient(await page.GetByTestId("new-his-client-id").InnerTextAsync(), await page.GetByTestId("new-his-client-secret").InnerTextAsync());
        await Expect(page.GetByTestId("his-clients")).ToContainTextAsync(created.Id);
        var second = new HospitalScenario { S = h.S, Kiosk = h.Kiosk, His = created };
        await second.Order(patient, 100);

        // A new secret for it: the new one works, the old one keeps working for its grace.
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = created.Id });
        await row.GetByTestId("rotate-his-secret").ClickAsync();
        await Expect(page.GetByTestId("old-secret-until")).ToContainTextAsync("旧密钥在");
        await Expect(page.GetByTestId("new-his-client-id")).ToHaveTextAsync(created.Id);
        var rotated = await page.GetByTestId("new-his-client-secret").InnerTextAsync();
        Assert.NotEqual(created.Secret, rotated);
        await new HospitalScenario { S = h.S, Kiosk = h.Kiosk, His = created with { Secret = rotated } }.Order(patient, 100);
        await second.Order(patient, 100); // within its grace
        await BrowserFixture.Screenshot(page, "his-client-new-secret");

        // Disabled: its signed requests are refused at once; enabled again: accepted.
        await row.GetByTestId("disable-his-client").ClickAsync();
        await Expect(row.GetByTestId("his-client-status")).ToHaveTextAsync("已停用");
        (await second.HisPost("/api/v1/his/orders", new { patientId = patient, visitId = "V-1", hisOrderId = "H" + Guid.NewGuid().ToString("N")[..12], kind = "lab", description = "lab", amount = 100, insuredAmount = 0 }, rotated))
            .Expect(HttpStatusCode.Unauthorized);
        await row.GetByTestId("enable-his-client").ClickAsync();
        await Expect(row.GetByTestId("his-client-status")).ToHaveTextAsync("正常");
        await new HospitalScenario { S = h.S, Kiosk = h.Kiosk, His = created with { Secret = rotated } }.Order(patient, 100);

        var english = await browser.SignedIn(manager, "Passw0rd-tenant-admin", language: "en");
        await english.GotoAsync($"/t/{h.S.TenantId}/hospital/his-clients");
        await BrowserFixture.WaitInteractive(english);
        await Expect(english.GetByRole(AriaRole.Heading, new() { Name = "HIS clients" })).ToBeVisibleAsync();
        await english.GetByRole(AriaRole.Row).Filter(new() { HasText = h.His.Id }).GetByTestId("rotate-his-secret").ClickAsync();
        await Expect(english.GetByTestId("old-secret-until")).ToContainTextAsync("The old secret keeps working until");
        await Expect(english.GetByTestId("secret-once")).ToContainTextAsync("it is shown only once");
    }
}
