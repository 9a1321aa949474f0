using System.Text.Json;
using Microsoft.Playwright;
using SceneFinance.Tests.Campus;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Browser;

/// <summary>
/// axe-core's WCAG 2 A and AA rules over the shell's main pages and the parent portal, in zh-CN and in English. axe.min.js comes from
/// npm's <c>@axe-core/playwright</c> 4.14.0, installed into .tools/ by <c>./sf test</c> like Spectral.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessibilityJourney(BrowserFixture browser)
{
    static readonly string Axe = Path.Combine(HostProcess.RepoRoot(), ".tools", "node_modules", "axe-core", "axe.min.js");

    /// <summary>The violations of WCAG 2 A/AA on the page as it is now (each rule with up to 5 of its elements and why).</summary>
    static async Task<List<string>> Violations(IPage page)
    {
        Assert.True(File.Exists(Axe), $"axe-core is missing at {Axe}: run the tests with ./sf test, which installs it.");
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe !== 'undefined'"))
            await page.EvaluateAsync(await File.ReadAllTextAsync(Axe)); // evaluated, not a script tag: the shell's CSP rightly refuses inline scripts
        var json = await page.EvaluateAsync<string>("""
            async () => JSON.stringify((await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } })).violations
              .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' ' + (n.failureSummary || '').replace(/\s+/g, ' ')).join(' | ')))
            """);
        return JsonSerializer.Deserialize<List<string>>(json)!;
    }

    static async Task Check(IPage page, string path, List<string> found, string language)
    {
        await page.GotoAsync(path);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Task.Delay(500); // MudBlazor finishes its first paint (ripples, popovers) after the circuit connects
        foreach (var v in await Violations(page)) found.Add($"[{language}] {path}: {v}");
    }

    [Theory]
    [InlineData("zh-CN")]
    [InlineData("en")]
    public async Task The_main_shell_pages_and_the_portal_pass_wcag_2_a_and_aa(string language)
    {
        var school = await GuardianNoticeSpecs.DaytimeSchool(browser.App.Api());
        var phone = "137" + Random.Shared.NextInt64(10_000_000, 99_999_999);
        await GuardianNoticeSpecs.Pupil(school, "3001", "小红", GuardianNoticeSpecs.CardNumber(), phone);
        await school.Generate(await school.Plan("一年级", [50_000]));
        await school.Guardian(phone);
        var t = school.TenantId;

        var found = new List<string>();
        var admin = await browser.SignedIn(language: language);
        foreach (var path in new[] { "/", "/tenants", $"/t/{t}/dashboard", $"/t/{t}/cardholders", $"/t/{t}/campus", $"/t/{t}/campus/bills", $"/t/{t}/campus/plans",
                     $"/t/{t}/approvals", $"/t/{t}/payments", $"/t/{t}/users" })
            await Check(admin, path, found, language);

        var anonymous = await browser.NewPage();
        await anonymous.Context.AddCookiesAsync([new Cookie { Name = "sf.lang", Value = language, Url = browser.RootUrl }]);
        await Check(anonymous, "/login", found, language);
        await Check(anonymous, "/portal/login", found, language);

        var parent = await browser.NewPage();
        await parent.Context.AddCookiesAsync([new Cookie { Name = "sf.lang", Value = language, Url = browser.RootUrl }]);
        await parent.GotoAsync("/portal/login");
        await parent.FillAsync("#username", phone);
        await parent.FillAsync("#password", "Parent-Passw0rd");
        await parent.ClickAsync("#sign-in");
        await parent.WaitForURLAsync("**/portal");
        await BrowserFixture.WaitInteractive(parent);
        foreach (var v in await Violations(parent)) found.Add($"[{language}] /portal: {v}");

        // The kiosk's large text (适老化), for the grandparent who pays: switched on in the portal's bar, kept by the next page.
        await parent.GetByTestId("large-font").ClickAsync();
        await Assertions.Expect(parent.Locator("html")).ToHaveClassAsync("sf-large");
        await BrowserFixture.WaitInteractive(parent);
        await Assertions.Expect(parent.GetByTestId("large-font")).ToHaveAttributeAsync("data-large", "on");
        Assert.True(await parent.EvaluateAsync<double>("() => parseFloat(getComputedStyle(document.documentElement).fontSize)") >= 19.9);
        foreach (var v in await Violations(parent)) found.Add($"[{language}] /portal (large text): {v}");
        await BrowserFixture.Screenshot(parent, $"portal-large-text-{language}");
        await parent.GetByTestId("large-font").ClickAsync();
        await Assertions.Expect(parent.Locator("html")).Not.ToHaveClassAsync("sf-large");

        Assert.True(found.Count == 0, "WCAG 2 A/AA violations:\n" + string.Join("\n", found));
    }
}
