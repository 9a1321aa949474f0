using System.Net;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SceneFinance.Platform.Notifying;
using SceneFinance.Platform.Time;
using SceneFinance.Scenes.Campus.Reminding;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Campus;

/// <summary>Quiet hours, without a database.</summary>
public sealed class QuietHoursTests
{
    static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    [Theory]
    [InlineData("2026-09-01T12:00:00+08:00", "2026-09-01T12:00:00+08:00")] // noon: now
    [InlineData("2026-09-01T21:30:00+08:00", "2026-09-02T08:00:00+08:00")] // evening: tomorrow at 8
    [InlineData("2026-09-02T06:59:00+08:00", "2026-09-02T08:00:00+08:00")] // before dawn: today at 8
    [InlineData("2026-09-02T08:00:00+08:00", "2026-09-02T08:00:00+08:00")]
    public void A_non_urgent_message_waits_for_the_end_of_the_quiet_hours_in_the_schools_zone(string now, string allowed) =>
        Assert.Equal(DateTimeOffset.Parse(allowed), QuietHours.Default.NextAllowed(DateTimeOffset.Parse(now), Shanghai));
}

/// <summary>The notifier on the product's real PostgreSQL: told once per event (also after a restart), retried with back-off, recorded.</summary>
[Collection(SharedCampusApp.Name)]
public sealed class NotificationSpecs(CampusApp app)
{
    sealed class MovableClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    static string Phone() => "17" + Random.Shared.NextInt64(100_000_000, 999_999_999);

    /// <summary>A notifier as a freshly started host has it: its own instance and channels, the same database.</summary>
    Notifier Host(TimeProvider clock, params string[] failFirst)
    {
        var store = app.Services.GetRequiredService<IDocumentStore>();
        var options = new NotificationOptions { FailFirst = failFirst };
        return new Notifier(store, [new SimulatedChannel(NotificationChannels.Sms, store, clock, options, app.Services.GetRequiredService<ITenantDirectory>())],
            clock, NullLogger<Notifier>.Instance);
    }

    async Task<IReadOnlyList<ReceivedMessage>> Received(string to)
    {
        await using var session = app.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return await session.Query<ReceivedMessage>().Where(m => m.To == to).ToListAsync();
    }

    static Notification Message(string id, string to, string tenantId) =>
        new() { Id = id, Channel = NotificationChannels.Sms, To = to, TenantId = tenantId, Template = "top-up-credited", Text = "充值已到账 Top-up credited" };

    [Fact]
    public async Task Each_event_is_sent_once_even_when_told_again_after_a_restart()
    {
        var s = await Scenario.Start(app, "campus");
        var phone = Phone();
        var id = "spec:topup:" + Guid.NewGuid().ToString("N");
        var first = await Host(TimeProvider.System).Send(Message(id, phone, s.TenantId));
        Assert.Equal(NotificationStatus.Sent, first.Status);
        var again = await Host(TimeProvider.System).Send(Message(id, phone, s.TenantId)); // another host (a restart) hears of the same event
        Assert.Equal((NotificationStatus.Sent, 1), (again.Status, again.Attempts));
        Assert.Single(await Received(phone));
    }

    [Fact]
    public async Task A_failed_send_is_retried_with_back_off_and_every_attempt_is_recorded()
    {
        var s = await Scenario.Start(app, "campus");
        var phone = Phone();
        // A day ahead: the product's own delivery job (on the real clock) leaves this message to the spec. On a whole second:
        // PostgreSQL keeps microseconds and rounds a stored time to the nearest, so a tick-precise due time could land a
        // microsecond after the clock that is due to find it.
        var start = DateTimeOffset.UtcNow.AddDays(1);
        var clock = new MovableClock(start.AddTicks(-(start.Ticks % TimeSpan.TicksPerSecond)));
        var notifier = Host(clock, $"{phone}:2");
        var id = "spec:retry:" + Guid.NewGuid().ToString("N");
        var sent = await notifier.Send(Message(id, phone, s.TenantId));
        Assert.Equal((NotificationStatus.Queued, 1), (sent.Status, sent.Attempts));
        Assert.NotNull(sent.LastError);
        // Only this phone's: the product's other queued messages (waiting for quiet hours to end) are due a day ahead too.
        Assert.Equal(0, await notifier.DeliverDue(to: phone)); // not before its back-off
        clock.Now += Notifier.Wait(1);
        await notifier.DeliverDue(to: phone); // the second attempt fails too
        Assert.Equal((NotificationStatus.Queued, 2), ((await notifier.Find(id))!.Status, (await notifier.Find(id))!.Attempts));
        clock.Now += Notifier.Wait(2);
        await notifier.DeliverDue(to: phone);
        var delivered = (await notifier.Find(id))!;
        Assert.Equal((NotificationStatus.Sent, 3), (delivered.Status, delivered.Attempts));
        Assert.Single(await Received(phone));
    }

    [Fact]
    public async Task Reminders_no_longer_wait_in_the_outbox_they_are_handed_to_the_sms_channel_once_respecting_quiet_hours()
    {
        var s = await Scenario.Start(app, "campus");
        var phone = Phone();
        await s.ImportCsv(Roster.Csv(Roster.Row("0701", "小红", "一年级", "1班", "妈妈", phone)));
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await s.Generate(await s.Plan("一年级", [100_000], [(today.AddDays(2).ToString("yyyy-MM-dd"), 10000)]));
        var reminders = app.Services.GetRequiredService<Reminders>();
        Assert.Equal(1, (await reminders.RunTenant(s.TenantId, today)).Sent);
        var outbox = (await s.Api.Get($"{s.Base}/campus/outbox", s.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray();
        Assert.Equal("sent", Assert.Single(outbox)!.Str("status"));
        await reminders.RunTenant(s.TenantId, today); // a second run tells nobody twice

        await using var session = app.Services.GetRequiredService<IDocumentStore>().QuerySession();
        // Only the reminders: the guardian is also told of the bill itself (GuardianNotices), which is not this spec's business.
        var told = Assert.Single(await session.Query<Notification>().Where(n => n.TenantId == s.TenantId && n.To == phone && n.Id.StartsWith("campus-reminder:")).ToListAsync());
        Assert.Equal("bill-due", told.Template);
        var zone = TimeZoneInfo.FindSystemTimeZoneById((await s.Api.Get(s.Base, s.AdminToken)).Expect(HttpStatusCode.OK).Body.Str("timeZone"));
        if (QuietHours.Default.NextAllowed(told.CreatedAt, zone) > told.CreatedAt)
            Assert.Equal((NotificationStatus.Queued, QuietHours.Default.NextAllowed(told.CreatedAt, zone)), (told.Status, told.NextAttemptAt)); // the school sleeps
        else
            Assert.Contains("缴费提醒", Assert.Single(await Received(phone), m => m.Id.StartsWith("campus-reminder:")).Text);
    }
}
