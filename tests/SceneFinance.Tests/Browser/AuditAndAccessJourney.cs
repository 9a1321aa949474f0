using System.Net;
using MiniExcelLibs;
using Microsoft.Playwright;
using SceneFinance.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SceneFinance.Tests.Browser;

/// <summary>A tenant admin disables a cashier in the shell; the auditor finds that in the audit log and takes it away as .xlsx.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AuditAndAccessJourney(BrowserFixture browser)
{
    [Fact]
    public async Task Admin_disables_a_user_and_the_auditor_filters_the_log_and_exports_it()
    {
        var s = await Scenario.Start(browser.Api(), "canteen");
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (manager, cashier, auditor) = ("mgr" + suffix, "till" + suffix, "aud" + suffix);
        foreach (var (name, role) in new[] { (manager, "tenant-admin"), (cashier, "cashier"), (auditor, "auditor") })
            (await s.Api.Post($"{s.Base}/users", new { username = name, password = "Passw0rd-" + role, role }, s.AdminToken)).Expect(HttpStatusCode.Created);
        var cashierToken = await s.Api.Token(cashier, "Passw0rd-cashier");

        var admin = await browser.SignedIn(manager, "Passw0rd-tenant-admin");
        await admin.GotoAsync($"/t/{s.TenantId}/users");
        await BrowserFixture.WaitInteractive(admin);
        await admin.GetByTestId($"disable-{cashier}").ClickAsync();
        await Expect(admin.GetByTestId($"status-{cashier}")).ToContainTextAsync("已停用");
        await Expect(admin.GetByTestId($"enable-{cashier}")).ToBeVisibleAsync();
        (await s.Api.Get(s.Base, cashierToken)).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        await BrowserFixture.Screenshot(admin, "access-user-disabled");

        var page = await browser.SignedIn(auditor, "Passw0rd-auditor", language: "en");
        await page.GetByTestId("nav-audit").ClickAsync();
        await page.WaitForURLAsync($"**/t/{s.TenantId}/audit");
        await BrowserFixture.WaitInteractive(page);
        var rows = page.GetByTestId("audit").Locator("tbody tr");
        await Expect(rows.First).ToBeVisibleAsync();

        await BrowserFixture.Field(page, "audit-actor").FillAsync(manager);
        await BrowserFixture.Field(page, "audit-action").FillAsync("user.disabled");
        var today = DateTime.UtcNow.Date;
        await page.GetByTestId("audit-from").FillAsync(today.AddDays(-1).ToString("yyyy-MM-dd"));
        await page.GetByTestId("audit-to").FillAsync(today.AddDays(1).ToString("yyyy-MM-dd"));
        await page.GetByTestId("audit-search").ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("user.disabled");
        await Expect(rows.First).ToContainTextAsync($"user:{cashier}");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export").ClickAsync());
        await using var file = File.OpenRead(await download.PathAsync());
        var sheet = MiniExcel.Query(file, useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
        var line = Assert.Single(sheet);
        Assert.Equal(manager, line["Actor"]?.ToString());
        Assert.Equal("user.disabled", line["Action"]?.ToString());
        Assert.Equal($"user:{cashier}", line["Target"]?.ToString());
        Assert.IsType<DateTime>(line["Time"]);
        Assert.False(string.IsNullOrEmpty(line["Address"]?.ToString())); // where the tenant admin's shell signed in from
        await BrowserFixture.Screenshot(page, "audit-log-filtered");

        // The auditor reads; they do not manage people.
        await page.GotoAsync($"/t/{s.TenantId}/users");
        await BrowserFixture.WaitInteractive(page);
        await Expect(page.GetByTestId("problem")).ToBeVisibleAsync();
    }
}
