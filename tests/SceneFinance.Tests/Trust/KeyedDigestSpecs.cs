using System.Net;
using System.Security.Cryptography;
using System.Text;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SceneFinance.Grains;
using SceneFinance.Grains.Cards;
using SceneFinance.Grains.Risk;
using SceneFinance.Platform.Security;
using SceneFinance.Tests.Canteen;
using SceneFinance.Tests.Infrastructure;
using SceneFinance.Tests.Risk;

namespace SceneFinance.Tests.Trust;

/// <summary>
/// Card numbers and ID numbers are kept as keyed digests (HMAC with the platform's key), and data kept under the old unkeyed
/// card digest or the risk book's own ID-number key is moved once, at start, by <see cref="KeyedDigestsMigration"/>.
/// </summary>
[Collection(SharedApp.Name)]
public sealed class KeyedDigestSpecs(SceneApp app)
{
    const string ListPath = "/api/v1/terminal/offline-card-list";

    [Fact]
    public void A_card_digest_is_keyed_and_not_the_plain_sha256_a_dump_could_be_brute_forced_from()
    {
        var card = Scenario.NewCardNumber();
        Assert.Equal(32, CardKeys.Of(card).Length);
        Assert.NotEqual(CanteenScenario.CardKey(card), CardKeys.Of(card));
        Assert.Equal(CanteenScenario.CardKey(card), CardKeys.ForTill(card)); // the tills' published key is unchanged
        Assert.NotEqual(Digests.Of(Digests.Phone, "13800138000"), Digests.Of(Digests.IdNumber, "13800138000")); // a key per purpose
        Assert.Throws<InvalidOperationException>(() => Digests.Use(RandomNumberGenerator.GetBytes(32))); // one key per process
    }

    [Fact]
    public async Task A_generated_digest_key_is_kept_sealed_in_the_database_and_every_host_reads_the_same()
    {
        var store = app.Services.GetRequiredService<IDocumentStore>();
        var sealer = app.Services.GetRequiredService<Sealer>();
        await using (var clean = store.LightweightSession())
        {
            clean.Delete<PlatformSecret>(DigestKeyLoader.DocumentId);
            await clean.SaveChangesAsync();
        }
        var keys = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => DigestKeyLoader.LoadOrCreate(store, sealer, NullLogger.Instance)));
        Assert.Single(keys.Select(Convert.ToBase64String).Distinct());
        await using var read = store.QuerySession();
        var stored = (await read.LoadAsync<PlatformSecret>(DigestKeyLoader.DocumentId))!.Sealed;
        Assert.True(Sealer.IsSealed(stored));
        Assert.DoesNotContain(Convert.ToBase64String(keys[0]), stored);
    }

    [Fact]
    public async Task Cards_and_ID_numbers_kept_under_the_old_digests_are_found_by_their_numbers_after_the_migration()
    {
        var store = app.Services.GetRequiredService<IDocumentStore>();
        var s = await Scenario.Start(app);
        var till = await s.Terminal();
        var (holder, card) = await s.CardHolder(cash: 1_000);
        var (_, stolen) = await s.CardHolder(cash: 1_000);
        var (_, suspect) = await s.CardHolder(cash: 1_000);
        var idNumber = "11010519491231002X";
        var flagged = Scenario.NewCardNumber();
        var flaggedHolder = (await s.Api.Post($"{s.Base}/cardholders", new { externalId = "K" + Guid.NewGuid().ToString("N")[..8], name = "王 Wang", kind = "staff", cardNumber = flagged, idNumber }, s.AdminToken))
            .Expect(HttpStatusCode.Created)["id"].Str();
        await s.TopUp(flaggedHolder, 1_000);
        await s.List(s.AdminToken, "black", "card", stolen);
        await s.List(s.AdminToken, "black", "idNumber", idNumber);

        // As an older release kept them: the assignment and the card's list entry under SHA-256, the ID number under the risk
        // book's own key (kept in clear), and no migration recorded.
        var legacyKey = RandomNumberGenerator.GetBytes(32);
        await using (var old = store.LightweightSession(s.TenantId))
        {
            old.Delete<CardAssignment>(CardKeys.Of(card));
            old.Store(new CardAssignment { Id = CardKeys.ForTill(card), CardHolderId = holder });
            foreach (var e in await old.Query<RiskListEntry>().ToListAsync())
            {
                old.Delete(e);
                var key = e.Subject == "card" ? CardKeys.ForTill(stolen) : LegacyIdDigest(legacyKey, idNumber);
                (e.Id, e.Key, e.TillKey) = (RiskListEntry.IdOf(e.List, e.Subject, key), key, null);
                old.Store(e);
            }
            await old.SaveChangesAsync();
        }
        await using (var old = store.LightweightSession())
        {
            old.Store(new RiskDigestKey { Key = Convert.ToBase64String(legacyKey) });
            old.Delete<DataMigration>(KeyedDigestsMigration.Id);
            await old.SaveChangesAsync();
        }
        await app.Services.GetRequiredService<IRiskBook>().Changed(s.TenantId);
        Assert.NotEqual("approved", await s.Declined(till, card, 100));      // not found under the keyed digest
        Assert.Equal("approved", await s.Declined(till, flagged, 100));      // the ID number's old digest no longer matches
        Assert.Equal("approved", await s.Declined(till, stolen, 100));

        Assert.True(await KeyedDigestsMigration.Run(store, app.Services.GetRequiredService<Sealer>(), NullLogger.Instance));

        await Until("the card is found again", async () => await s.Declined(till, card, 100) == "approved");
        await Until("the blacklisted card is refused", async () => await s.Declined(till, stolen, 100) == "risk_rejected");
        await Until("the listed ID number's holder is refused", async () => await s.Declined(till, flagged, 100) == "risk_rejected");
        Assert.Equal("approved", await s.Declined(till, suspect, 100));
        await Until("the tills' list carries the blacklisted card", async () =>
            (await s.Api.SignedGet(till, ListPath)).Expect(HttpStatusCode.OK)["cards"]!.AsArray()
                .Any(c => c!["cardKey"].Str() == CanteenScenario.CardKey(stolen) && c["reasons"]![0].Str() == "blacklisted"));
        await using (var read = store.QuerySession())
        {
            Assert.Null(await read.LoadAsync<RiskDigestKey>("id-number")); // the clear key is gone
            Assert.NotNull(await read.LoadAsync<DataMigration>(KeyedDigestsMigration.Id));
        }
        Assert.False(await KeyedDigestsMigration.Run(store, app.Services.GetRequiredService<Sealer>(), NullLogger.Instance)); // once
    }

    static string LegacyIdDigest(byte[] key, string idNumber) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(idNumber.ToUpperInvariant())), 0, 16);

    static async Task Until(string what, Func<Task<bool>> seen)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await seen())
        {
            Assert.True(DateTime.UtcNow < deadline, what);
            await Task.Delay(500);
        }
    }
}
