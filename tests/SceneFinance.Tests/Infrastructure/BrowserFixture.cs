using Microsoft.Playwright;
using SceneFinance.Platform.Postgres;

namespace SceneFinance.Tests.Infrastructure;

/// <summary>The product on a real Kestrel port, and Debian's Chromium driven by Playwright.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public SceneApp App { get; } = new();
    public string RootUrl { get; private set; } = "";
    public IBrowser Browser { get; private set; } = null!;
    IPlaywright _playwright = null!;

    public async Task InitializeAsync()
    {
        var port = EmbeddedPostgres.FreePort();
        App.UseKestrel(port);
        App.StartServer();
        RootUrl = $"http://127.0.0.1:{port}";

        var chromium = Environment.GetEnvironmentVariable("SCENEFINANCE_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        if (!File.Exists(chromium)) throw new InvalidOperationException($"Chromium not found at {chromium}: run the tests with ./sf test, which installs it.");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"],
        });
    }

    public async Task<IPage> NewPage()
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = RootUrl, Locale = "zh-CN", ViewportSize = new() { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();
        // The browser's own errors (a failed circuit, a script error) go to artifacts/browser-console.log for the post-mortem.
        page.Console += (_, m) =>
        {
            if (m.Type is "error" or "warning") Log($"{m.Type}: {m.Text}");
        };
        page.PageError += (_, e) => Log($"page error: {e}");
        return page;
    }

    static readonly Lock LogLock = new();

    static void Log(string line)
    {
        var dir = Path.Combine(HostProcess.RepoRoot(), "artifacts");
        Directory.CreateDirectory(dir);
        lock (LogLock) File.AppendAllText(Path.Combine(dir, "browser-console.log"), $"{DateTime.UtcNow:O} {line}\n");
    }

    /// <summary>The API of the same product the browser sees (real Kestrel), for terminals and set-up.</summary>
    public Api Api() => new(new HttpClient { BaseAddress = new Uri(RootUrl) });

    /// <summary>A fresh browser context signed in to the shell, its Blazor circuit live.</summary>
    public async Task<IPage> SignedIn(string username = "admin", string password = SceneApp.AdminPassword, string? language = null)
    {
        var page = await NewPage();
        if (language is not null)
            await page.Context.AddCookiesAsync([new Cookie { Name = "sf.lang", Value = language, Url = RootUrl }]);
        await page.GotoAsync("/login");
        await page.FillAsync("#username", username);
        await page.FillAsync("#password", password);
        await page.ClickAsync("#sign-in");
        await WaitInteractive(page);
        return page;
    }

    /// <summary>Clicks only count once the circuit is interactive (before, the page is prerendered HTML).</summary>
    public static Task WaitInteractive(IPage page) =>
        Assertions.Expect(page.GetByTestId("interactive")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("已连接|Connected"));

    /// <summary>A MudBlazor text field by its test id (the id sits on the input or around it, depending on the component).</summary>
    public static ILocator Field(IPage page, string testId) =>
        page.Locator($"input[data-testid='{testId}'], [data-testid='{testId}'] input").First;

    /// <summary>Keeps the end of a journey as an artifact: artifacts/screenshots/{name}.png.</summary>
    public static async Task Screenshot(IPage page, string name)
    {
        var dir = Path.Combine(HostProcess.RepoRoot(), "artifacts", "screenshots");
        Directory.CreateDirectory(dir);
        await page.ScreenshotAsync(new() { Path = Path.Combine(dir, name + ".png"), FullPage = true });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        await App.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
