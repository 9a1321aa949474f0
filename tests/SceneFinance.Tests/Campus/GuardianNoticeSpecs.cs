using System.Net;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SceneFinance.Platform.Notifying;
using SceneFinance.Platform.Time;
using SceneFinance.Scenes.Campus.Notices;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Campus;

/// <summary>What an event says to a guardian, without a database.</summary>
public sealed class NoticeTemplateTests
{
    static NoticeEvent Spend(long amount, long balanceAfter) =>
        new(Guid.NewGuid(), GuardianNotices.ApprovedType, "ch", null, null, null, null, amount, 0, 0, 0, balanceAfter, amount, amount);

    [Fact]
    public void Every_notice_is_written_in_chinese_and_in_english()
    {
        foreach (var template in NoticeTemplates.All)
        {
            var zh = NoticeTemplates.Text(template, NoticeTemplates.Chinese, "小明", "2026秋季学费", 1_250, 3_000, 5_000);
            var en = NoticeTemplates.Text(template, NoticeTemplates.English, "Xiao Ming", "Autumn fees", 1_250, 3_000, 5_000);
            Assert.Contains("小明", zh);
            Assert.Contains("【", zh);
            Assert.Contains("Xiao Ming", en);
            Assert.DoesNotMatch(@"\p{IsCJKUnifiedIdeographs}", en);
        }
    }

    [Fact]
    public void A_spend_tells_of_a_low_balance_once_when_it_crosses_the_guardians_threshold_not_on_every_tap_below_it()
    {
        var wants = new NoticePreferences { Id = "p", LowBalanceBelow = 2_000 };
        var crossing = GuardianNotices.Said(Spend(1_500, 1_800), "小明", null, wants).Select(s => s.Template).ToList();
        Assert.Equal([NoticeTemplates.CardSpend, NoticeTemplates.LowBalance], crossing);
        Assert.Contains("18.00", GuardianNotices.Said(Spend(1_500, 1_800), "小明", null, wants).Last().Text);
        Assert.Equal([NoticeTemplates.CardSpend], GuardianNotices.Said(Spend(500, 1_300), "小明", null, wants).Select(s => s.Template)); // below already
        Assert.Equal([NoticeTemplates.CardSpend], GuardianNotices.Said(Spend(500, 2_000), "小明", null, wants).Select(s => s.Template)); // not below
        Assert.False(new NoticePreferences { Id = "p" }.Wants(NoticeTemplates.LowBalance)); // no threshold set: no such notice
    }

    [Fact]
    public void Only_a_frozen_or_lost_card_is_urgent_enough_for_quiet_hours() =>
        Assert.Equal([NoticeTemplates.CardFrozen, NoticeTemplates.CardLost], NoticeTemplates.All.Where(NoticeTemplates.Urgent));
}

/// <summary>Guardians' notices from committed card and bill events, through the one notifier, on the real PostgreSQL and silo.</summary>
[Collection(SharedCampusApp.Name)]
public sealed class GuardianNoticeSpecs(CampusApp app)
{
    static string Phone() => "16" + Random.Shared.NextInt64(100_000_000, 999_999_999);

    /// <summary>A zone where it is day now, so nothing in the spec waits for a school's quiet hours to end.</summary>
    public static string DaytimeZone() => new[] { "Asia/Shanghai", "Europe/London", "America/New_York", "America/Los_Angeles", "Pacific/Auckland", "Asia/Kolkata", "Europe/Moscow", "America/Sao_Paulo" }
        .First(z => TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Zones.Find(z)).Hour is >= 9 and < 19);

    /// <summary>A campus tenant where it is day now: its non-urgent notices go out at once.</summary>
    public static async Task<Scenario> DaytimeSchool(Infrastructure.Api api)
    {
        var admin = await api.AdminToken();
        var tenant = (await api.Post("/api/v1/tenants", new { name = "Notice school", kind = "campus", timeZone = DaytimeZone() }, admin)).Expect(HttpStatusCode.Created);
        return new Scenario { Api = api, AdminToken = admin, TenantId = tenant.Body.Str("id") };
    }

    /// <summary>A student with a known card number (for the till's taps) and a guardian's phone; the card holder's id.</summary>
    public static async Task<string> Pupil(Scenario s, string number, string name, string card, string phone)
    {
        await s.ImportCsv($"studentNumber,name,grade,class,cardNumber,guardianName,guardianPhone,guardianRelation\n{number},{name},一年级,1班,{card},妈妈,{phone},mother\n");
        return (await s.Api.Get($"{s.Base}/campus/students/{number}", s.AdminToken)).Expect(HttpStatusCode.OK).Body.Str("cardHolderId");
    }

    public static string CardNumber() => "8" + Random.Shared.NextInt64(100_000_000_000_000, 999_999_999_999_999);

    async Task<(Scenario School, string Holder, string Card, string Phone, string Parent)> School()
    {
        var s = await DaytimeSchool(app.Api());
        var (phone, card) = (Phone(), CardNumber());
        var holder = await Pupil(s, "0901", "小明", card, phone);
        return (s, holder, card, phone, await s.Guardian(phone));
    }

    async Task<List<Notification>> Told(string tenantId, string phone)
    {
        await using var session = app.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return [.. await session.Query<Notification>().Where(n => n.TenantId == tenantId && n.To == phone && n.Id.StartsWith("campus-notice:")).ToListAsync()];
    }

    /// <summary>Waits (no tight timeout: a loaded machine) until the notices job has told <paramref name="count"/> notices.</summary>
    async Task<List<Notification>> Until(string tenantId, string phone, int count)
    {
        var notices = app.Services.GetRequiredService<GuardianNotices>();
        var until = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            await notices.RunSchool(tenantId); // as the job does every few seconds (both may run: each notice is told once either way)
            var told = await Told(tenantId, phone);
            if (told.Count >= count || DateTime.UtcNow > until) return told;
            await Task.Delay(300);
        }
    }

    [Fact]
    public async Task A_guardian_hears_of_each_top_up_spend_low_balance_and_frozen_card_once_in_the_language_they_chose_even_after_a_restart()
    {
        var (s, holder, card, phone, parent) = await School();
        var set = (await s.Api.Send(HttpMethod.Put, $"{s.Base}/campus/my/notice-preferences", new { lowBalanceBelow = 2_000, language = "en" }, parent)).Expect(HttpStatusCode.OK);
        Assert.Equal((2_000L, "en"), (set.Body.Long("lowBalanceBelow"), set.Body.Str("language")));
        Assert.Contains("card-spend", set["receive"].AsArray().Select(r => r!.GetValue<string>()));

        await s.TopUp(holder, 5_000);
        var till = await s.Terminal();
        (await s.Api.Pay(till, card, 2_000)).Expect(HttpStatusCode.OK); // 30.00 left
        (await s.Api.Pay(till, card, 1_500)).Expect(HttpStatusCode.OK); // 15.00: below the guardian's 20.00
        (await s.Api.Pay(till, card, 500)).Expect(HttpStatusCode.OK); // still below: no second low-balance notice
        (await s.Api.Post($"{s.Base}/cardholders/{holder}/freeze", null, s.AdminToken)).Expect(HttpStatusCode.OK);

        var told = await Until(s.TenantId, phone, 6);
        Assert.Equal(["card-frozen", "card-spend", "card-spend", "card-spend", "low-balance", "top-up-credited"], told.Select(n => n.Template).Order());
        Assert.All(told, n => Assert.Equal(NotificationStatus.Sent, n.Status));
        Assert.Contains("[Low balance] 小明's campus card holds 15.00 yuan, below the 20.00 yuan you set.", told.Select(n => n.Text));

        // A host that stopped before it moved its checkpoint tells the same events again after its restart: nobody hears twice.
        await using (var session = app.Services.GetRequiredService<IDocumentStore>().LightweightSession(s.TenantId))
        {
            session.Delete<NoticeCheckpoint>(NoticeCheckpoint.Key);
            await session.SaveChangesAsync();
        }
        var store = app.Services.GetRequiredService<IDocumentStore>();
        var restarted = new GuardianNotices(store, new Notifier(store, app.Services.GetServices<INotificationChannel>(), TimeProvider.System, NullLogger<Notifier>.Instance),
            app.Services.GetRequiredService<TenantClock>(), app.Services.GetRequiredService<SceneFinance.Platform.Security.Sealer>(), NullLogger<GuardianNotices>.Instance);
        await restarted.RunSchool(s.TenantId);
        Assert.Equal(6, (await Told(s.TenantId, phone)).Count);
        await using var read = store.QuerySession();
        Assert.Equal(6, await read.Query<ReceivedMessage>().CountAsync(m => m.To == phone && m.Id.StartsWith("campus-notice:")));
    }

    [Fact]
    public async Task A_guardian_hears_of_a_bill_and_its_payment_in_chinese_and_not_of_what_they_turned_off()
    {
        var (s, _, _, phone, parent) = await School();
        (await s.Api.Send(HttpMethod.Put, $"{s.Base}/campus/my/notice-preferences",
            new { receive = new[] { "bill-issued", "payment-received", "card-frozen", "card-lost" } }, parent)).Expect(HttpStatusCode.OK);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await s.Generate(await s.Plan("一年级", [100_000], [(today.AddDays(30).ToString("yyyy-MM-dd"), 10000)]));
        var bill = await s.BillOf("0901");
        (await s.PayAtCounter(bill, 40_000)).Expect(HttpStatusCode.OK);
        await s.TopUp((await s.Api.Get($"{s.Base}/campus/students/0901", s.AdminToken)).Body.Str("cardHolderId"), 1_000); // turned off

        await Until(s.TenantId, phone, 2);
        await Task.Delay(1_000);
        await app.Services.GetRequiredService<GuardianNotices>().RunSchool(s.TenantId); // the top-up's event is told by now: nothing more comes
        var told = await Told(s.TenantId, phone);
        Assert.Equal(["bill-issued", "payment-received"], told.Select(n => n.Template).Order());
        Assert.Contains(told, n => n.Text.StartsWith("【缴费通知】小明") && n.Text.Contains($"应缴{SceneFinance.Platform.Money.Yuan(100_000)}元"));
        Assert.Contains(told, n => n.Text.StartsWith("【缴费成功】") && n.Text.Contains($"缴费{SceneFinance.Platform.Money.Yuan(40_000)}元"));
    }

    [Fact]
    public async Task Preferences_are_the_guardians_own_and_bad_ones_change_nothing()
    {
        var (s, _, _, _, parent) = await School();
        (await s.Api.Send(HttpMethod.Put, $"{s.Base}/campus/my/notice-preferences", new { receive = new[] { "horoscope" }, lowBalanceBelow = -1, language = "fr" }, parent))
            .ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        var mine = (await s.Api.Get($"{s.Base}/campus/my/notice-preferences", parent)).Expect(HttpStatusCode.OK);
        Assert.Equal(("zh-CN", 7), (mine.Body.Str("language"), mine["receive"].AsArray().Count));
        Assert.Null(mine.Body!["lowBalanceBelow"]);
        (await s.Api.Get($"{s.Base}/campus/my/notice-preferences", await s.UserToken("finance"))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
    }
}
