using System.Net;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Canteen;

/// <summary>
/// Stored answers are purged after a short configured retention, but a till's offline upload must never apply twice: terminal
/// payment answers stay as long as an offline tap may be uploaded (30 days), whatever the general retention.
/// </summary>
public sealed class RetentionSpecs
{
    sealed class ShortRetentionApp : SceneApp
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("SceneFinance:Idempotency:RetentionDays", "1");
        }
    }

    [Fact]
    public async Task A_batch_uploaded_again_after_the_purge_replays_and_moves_nothing_twice()
    {
        await using var app = new ShortRetentionApp();
        var s = await Scenario.Start(app);
        var till = await s.Terminal();
        var (holder, card) = await s.CardHolder(cash: 10_000);
        var items = new[] { Offline.Item(card, 300, DateTimeOffset.UtcNow.AddDays(-9), "week-old-1"), Offline.Item(card, 200, DateTimeOffset.UtcNow.AddDays(-9), "week-old-2") };
        var first = (await s.Api.OfflineBatch(till, 0, items)).Expect(HttpStatusCode.OK);
        (await s.Api.Post($"{s.Base}/cardholders/{holder}/topups", new { amount = 100, channel = "counter" }, s.AdminToken, "counter-1")).Expect(HttpStatusCode.OK);

        // Eight days pass: every stored answer is now older than the 1-day retention.
        var store = app.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            session.QueueSqlCommand("update scenefinance.mt_doc_idempotentresponse set data = jsonb_set(data, '{createdAt}', to_jsonb(?::text))",
                DateTimeOffset.UtcNow.AddDays(-8).ToString("O"));
            await session.SaveChangesAsync();
        }
        var job = new StoredOutcomePurgeJob(store, app.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>(),
            app.Services.GetRequiredService<IOptions<StoredOutcomeRetention>>(), TimeProvider.System, NullLogger<StoredOutcomePurgeJob>.Instance);
        await job.Execute(null!, CancellationToken.None);

        var again = (await s.Api.OfflineBatch(till, 0, items)).Expect(HttpStatusCode.OK);
        Assert.Equal(first.Raw, again.Raw);
        Assert.Equal(10_000 - 500 + 100, await s.Balance(holder));
        // The counter's key (not a terminal's) went with the general retention: the same key is a new top-up now.
        (await s.Api.Post($"{s.Base}/cardholders/{holder}/topups", new { amount = 100, channel = "counter" }, s.AdminToken, "counter-1")).Expect(HttpStatusCode.OK);
        Assert.Equal(10_000 - 500 + 200, await s.Balance(holder));
        await s.TrialBalance();
    }
}
