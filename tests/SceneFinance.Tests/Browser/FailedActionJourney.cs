using Microsoft.Playwright;
using Npgsql;
using SceneFinance.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SceneFinance.Tests.Browser;

/// <summary>
/// What a page does when something under it goes wrong: an action that fails for a reason no slice foresaw, and a connection
/// that pauses. Neither leaves a page that looks alive and ignores clicks.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class FailedActionJourney(BrowserFixture browser)
{
    /// <summary>
    /// The database refuses the write (the product's role loses its right to append events for a moment): the page shows a
    /// message, what was typed stays, and the same click succeeds once the database takes writes again.
    /// </summary>
    [Fact]
    public async Task An_action_the_database_refuses_is_a_message_and_the_page_keeps_working()
    {
        var page = await NewHolderForm();
        await BrowserFixture.Field(page, "holder-external-id").FillAsync("S-REFUSED");
        await BrowserFixture.Field(page, "holder-name").FillAsync("李一");

        await MayAppendEvents(false);
        try
        {
            await page.GetByTestId("create-holder").ClickAsync();
            await Expect(page.GetByTestId("problem")).ToContainTextAsync("操作未完成", new() { Timeout = 30_000 });
            await BrowserFixture.Screenshot(page, "failed-action");
        }
        finally
        {
            await MayAppendEvents(true);
        }

        await Expect(page.GetByTestId("page-failed")).ToBeHiddenAsync();
        await Expect(BrowserFixture.Field(page, "holder-name")).ToHaveValueAsync("李一");
        await page.GetByTestId("create-holder").ClickAsync();
        await Expect(page.GetByTestId("holder-status")).ToHaveTextAsync("正常", new() { Timeout = 30_000 });
    }

    /// <summary>
    /// A page whose connection is paused (as when its silo goes away in a rolling restart) says so in the page's language, not
    /// in Blazor's English default, and works again when the person continues.
    /// </summary>
    [Fact]
    public async Task A_paused_page_says_so_in_its_language_and_continues()
    {
        var page = await NewHolderForm();
        await BrowserFixture.Field(page, "holder-name").FillAsync("王二");

        Assert.True(await page.EvaluateAsync<bool>("() => Blazor.pauseCircuit()"));
        await Expect(page.GetByTestId("reconnect")).ToBeVisibleAsync(); // opened by our script, not Blazor's default dialog
        await Expect(page.GetByTestId("reconnect")).ToContainTextAsync("页面已暂停。");
        await BrowserFixture.Screenshot(page, "page-paused");
        await page.GetByTestId("resume").ClickAsync();
        await Expect(page.GetByTestId("reconnect")).ToBeHiddenAsync();
        Assert.False(await page.EvaluateAsync<bool>("() => document.getElementById('components-reconnect-modal').open"));

        // The resumed circuit renders the page afresh (an open panel is closed again): the page takes clicks.
        await BrowserFixture.WaitInteractive(page);
        if (!await BrowserFixture.Field(page, "holder-name").IsVisibleAsync()) await page.GetByText("新建持卡人").ClickAsync();
        await BrowserFixture.Field(page, "holder-external-id").FillAsync("S-PAUSED");
        await BrowserFixture.Field(page, "holder-name").FillAsync("王二");
        await page.GetByTestId("create-holder").ClickAsync();
        await Expect(page.GetByTestId("holder-status")).ToHaveTextAsync("正常", new() { Timeout = 30_000 });
    }

    /// <summary>The card holders page of a new campus, its form for a new holder open.</summary>
    async Task<IPage> NewHolderForm()
    {
        var s = await Scenario.Start(browser.Api(), "campus");
        var page = await browser.SignedIn();
        await page.GotoAsync($"/t/{s.TenantId}/cardholders");
        await BrowserFixture.WaitInteractive(page);
        await page.GetByText("新建持卡人").ClickAsync();
        return page;
    }

    /// <summary>Grants or revokes the product's role's right to append events, as the schema's owner.</summary>
    async Task MayAppendEvents(bool may)
    {
        await using var owner = new NpgsqlConnection(browser.App.ConnectionString);
        await owner.OpenAsync();
        var sql = may ? "grant insert on scenefinance.mt_events to scenefinance_app" : "revoke insert on scenefinance.mt_events from scenefinance_app";
        await using var command = new NpgsqlCommand(sql, owner);
        await command.ExecuteNonQueryAsync();
    }
}
