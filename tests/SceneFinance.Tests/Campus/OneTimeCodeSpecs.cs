using System.Net;
using System.Text.RegularExpressions;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using SceneFinance.Platform.Notifying;
using SceneFinance.Tenants.SigningIn.OneTimeCodes;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Campus;

/// <summary>Guardians sign in with the roster's phone and an SMS code: codes expire, work once, and guessing is refused 429.</summary>
[Collection(SharedCampusApp.Name)]
public sealed class OneTimeCodeSpecs(CampusApp app)
{
    static string Phone() => "15" + Random.Shared.NextInt64(100_000_000, 999_999_999);

    sealed class MovableClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>The last code the simulated SMS channel delivered to the phone, read from the sandbox outbox page.</summary>
    async Task<string> LastCode(Scenario s, string phone)
    {
        var page = await s.Api.Http.GetStringAsync($"/simulator/messages?to={phone}");
        var match = Regex.Match(page, "验证码 (\\d{6})");
        Assert.True(match.Success, "the phone received a code: " + page);
        return match.Groups[1].Value;
    }

    [Fact]
    public async Task A_guardian_at_two_schools_signs_in_once_with_a_code_and_sees_both_children_and_the_code_works_only_once()
    {
        var phone = Phone();
        var first = await Scenario.Start(app, "campus");
        await first.ImportCsv(Roster.Csv(Roster.Row("0401", "大宝", "一年级", "1班", "妈妈", phone)));
        var second = await Scenario.Start(app, "campus");
        await second.ImportCsv(Roster.Csv(Roster.Row("0501", "二宝", "三年级", "2班", "妈妈", phone)));

        (await first.Api.Post("/api/v1/auth/one-time-codes", new { phone }, null)).Expect(HttpStatusCode.OK);
        (await first.Api.Post("/api/v1/auth/one-time-codes", new { phone }, null)).ExpectProblem(HttpStatusCode.TooManyRequests, "rate_limited"); // again at once
        var code = await LastCode(first, phone);
        var signedIn = (await first.Api.Post("/api/v1/auth/phone-token", new { phone, code }, null)).Expect(HttpStatusCode.OK);
        Assert.Equal([first.TenantId, second.TenantId], signedIn["tenantIds"].AsArray().Select(t => t!.GetValue<string>()).Order());
        var token = signedIn.Body.Str("accessToken");
        foreach (var (school, child) in new[] { (first, "0401"), (second, "0501") })
        {
            var children = (await school.Api.Get($"{school.Base}/campus/my/children", token)).Expect(HttpStatusCode.OK)["items"].AsArray();
            Assert.Equal(child, Assert.Single(children)!.Str("studentNumber"));
        }
        (await first.Api.Post("/api/v1/auth/phone-token", new { phone, code }, null)).ExpectProblem(HttpStatusCode.Unauthorized, "code_invalid"); // used
        (await first.Api.Post($"{first.Base}/campus/fee-plans", new { }, token)).Expect(HttpStatusCode.Forbidden); // a guardian, nothing more
    }

    [Fact]
    public async Task Guessing_is_refused_429_after_five_wrong_codes_even_for_the_right_one_and_an_unknown_phone_gets_no_sms()
    {
        var phone = Phone();
        var s = await Scenario.Start(app, "campus");
        await s.ImportCsv(Roster.Csv(Roster.Row("0601", "小明", "一年级", "1班", "爸爸", phone)));
        (await s.Api.Post("/api/v1/auth/one-time-codes", new { phone }, null)).Expect(HttpStatusCode.OK);
        var code = await LastCode(s, phone);
        var wrong = code == "000000" ? "000001" : "000000";
        for (var i = 1; i <= OneTimeCodes.MaxWrongAttempts; i++)
        {
            var answer = await s.Api.Post("/api/v1/auth/phone-token", new { phone, code = wrong }, null);
            if (i < OneTimeCodes.MaxWrongAttempts) answer.ExpectProblem(HttpStatusCode.Unauthorized, "code_invalid");
            else answer.ExpectProblem(HttpStatusCode.TooManyRequests, "rate_limited");
        }
        (await s.Api.Post("/api/v1/auth/phone-token", new { phone, code }, null)).ExpectProblem(HttpStatusCode.TooManyRequests, "rate_limited");

        var stranger = Phone();
        (await s.Api.Post("/api/v1/auth/one-time-codes", new { phone = stranger }, null)).Expect(HttpStatusCode.OK); // the same answer...
        Assert.DoesNotContain("验证码", await s.Api.Http.GetStringAsync($"/simulator/messages?to={stranger}")); // ...but nothing was sent
        (await s.Api.Post("/api/v1/auth/one-time-codes", new { phone = "12ab" }, null)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task A_code_expires_after_five_minutes()
    {
        var clock = new MovableClock(DateTimeOffset.UtcNow);
        var codes = new OneTimeCodes(app.Services.GetRequiredService<IDocumentStore>(), app.Services.GetRequiredService<Notifier>(), clock);
        var phone = Phone();
        string? sent = null;
        Assert.Null((await codes.Send("spec", phone, c => sent = c)).Refusal);
        clock.Now += OneTimeCodes.Lifetime + TimeSpan.FromSeconds(1);
        Assert.Equal("code_invalid", (await codes.Redeem("spec", phone, sent!)).Refusal?.Code);

        clock.Now += TimeSpan.FromMinutes(1);
        Assert.Null((await codes.Send("spec", phone, c => sent = c)).Refusal);
        clock.Now += OneTimeCodes.Lifetime - TimeSpan.FromSeconds(1);
        Assert.Null((await codes.Redeem("spec", phone, sent!)).Refusal); // just in time
    }
}
