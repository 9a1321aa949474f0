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
        return await context.NewPageAsync();
    }

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
