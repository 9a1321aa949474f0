using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Configuration;
using SceneFinance.Platform.Http;
using SceneFinance.Platform.Operations;
using SceneFinance.Platform.Problems;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Api;

/// <summary>Each "inputs are not bounded" finding of the trust review, closed: bodies are bounded before they are read, text is clean, ids that don't exist are 404.</summary>
[Collection(SharedApp.Name)]
public sealed class InputBoundsSpecs(SceneApp app)
{
    [Fact]
    public async Task A_NUL_in_the_anonymous_sign_in_is_a_validation_error_not_a_server_error()
    {
        var api = app.Api();
        (await api.Send(HttpMethod.Post, "/api/v1/auth/token", "{\"username\":\"ad\\u0000min\",\"password\":\"x\"}"))
            .ExpectProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed)["errors"]["username"]!.AsArray();
    }

    [Theory]
    [InlineData("\\u0000")] // NUL: PostgreSQL refuses it on save (a 500 before)
    [InlineData("\\u001b[31m")] // ESC: stored and echoed to the shell before
    [InlineData("\\u007f")] // DEL
    [InlineData("\\u202e")] // the right-to-left override: a name that reads backwards
    [InlineData("\\t")] // a tab is not part of a name
    public async Task Control_characters_in_a_text_field_are_refused_with_validation_failed_and_nothing_is_stored(string character)
    {
        var s = await Scenario.Start(app);
        var externalId = "S" + Guid.NewGuid().ToString("N")[..10];
        var body = $"{{\"externalId\":\"{externalId}\",\"name\":\"Ann{character}\",\"kind\":\"student\"}}";
        var refused = (await s.Api.Send(HttpMethod.Post, $"{s.Base}/cardholders", body, s.AdminToken)).ExpectProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed);
        Assert.NotNull(refused["errors"]["name"]);
        // Nothing was stored: the same external id registers afterwards.
        (await s.Api.Post($"{s.Base}/cardholders", new { externalId, name = "Ann", kind = "student" }, s.AdminToken)).Expect(HttpStatusCode.Created);
    }

    [Fact]
    public void Tab_and_newline_are_free_text_only_and_the_one_parser_says_which_field()
    {
        var ok = JsonBody.Parse<Sample>(Encoding.UTF8.GetBytes("{\"name\":\"Ann\",\"reason\":\"line one\\nline\\ttwo\"}"));
        Assert.Equal("line one\nline\ttwo", ok.Reason);
        var e = Assert.Throws<ProblemException>(() => JsonBody.Parse<Sample>(Encoding.UTF8.GetBytes("{\"name\":\"A\\nnn\"}")));
        Assert.Equal(ErrorCodes.ValidationFailed, e.Code);
        Assert.True(e.Errors!.ContainsKey("name"));
        e = Assert.Throws<ProblemException>(() => JsonBody.Parse<Sample>(Encoding.UTF8.GetBytes("{\"name\":\"Ann\",\"reason\":\"a\\u0000\"}")));
        Assert.True(e.Errors!.ContainsKey("reason"));
        e = Assert.Throws<ProblemException>(() => JsonBody.Parse<Sample>(Encoding.UTF8.GetBytes("{\"name\":\"Ann\",\"tags\":[\"ok\",\"b\\u202ead\"]}")));
        Assert.True(e.Errors!.ContainsKey("tags[1]"), string.Join(",", e.Errors.Keys));

        Assert.Throws<ProblemException>(new Validation().Text("a\tb", "name").ThrowIfInvalid);
        new Validation().Text("a\tb\r\nc", "reason").ThrowIfInvalid();
        Assert.Throws<ProblemException>(new Validation().Text("a\u0000", "reason").ThrowIfInvalid);
    }

    public sealed record Sample(string? Name, string? Reason, List<string>? Tags);

    [Fact]
    public async Task A_control_character_in_the_path_or_query_is_refused()
    {
        var s = await Scenario.Start(app);
        (await s.Api.Get($"{s.Base}/cardholders/ch_x%1by", s.AdminToken)).ExpectProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed);
        (await s.Api.Get($"{s.Base}/cardholders/ch_x/transactions?limit=%1b", s.AdminToken)).ExpectProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed);
    }

    [Fact]
    public async Task An_anonymous_write_with_a_bad_body_is_401_not_400()
    {
        var s = await Scenario.Start(app);
        (await s.Api.Send(HttpMethod.Post, $"{s.Base}/cardholders", "{not json", token: null)).ExpectProblem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized);
        (await s.Api.Send(HttpMethod.Post, $"{s.Base}/terminals", "[]", token: null)).ExpectProblem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized);
    }

    [Fact]
    public async Task A_missing_required_query_parameter_is_named_not_called_bad_json()
    {
        var s = await Scenario.Start(app, "campus");
        var answer = (await s.Api.Get($"{s.Base}/campus/attendance", s.AdminToken)).ExpectProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed);
        Assert.DoesNotContain("JSON", answer.Raw);
        Assert.Contains("date", answer.Raw);
    }

    [Fact]
    public async Task Signed_and_webhook_bodies_over_64_KB_and_json_bodies_over_1_MB_are_refused_from_their_declared_length_before_reading()
    {
        var s = await Scenario.Start(app);
        var terminal = await s.Terminal();
        var big = "{\"cardNumber\":\"" + new string('1', 70 * 1024) + "\",\"amount\":1}";
        var signed = await s.Api.Signed(terminal, "/api/v1/terminal/payments", big, Guid.NewGuid().ToString("N"));
        signed.ExpectProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed);

        (await s.Api.Send(HttpMethod.Post, "/api/v1/gateway/notifications/wechat-pay", new string('x', 70 * 1024)))
            .ExpectProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed);

        var huge = "{\"externalId\":\"x\",\"name\":\"" + new string('a', 1100 * 1024) + "\",\"kind\":\"student\"}";
        (await s.Api.Send(HttpMethod.Post, $"{s.Base}/cardholders", huge, s.AdminToken)).ExpectProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed);
    }

    [Fact]
    public async Task A_body_without_a_declared_length_is_cut_off_at_the_limit()
    {
        var s = await Scenario.Start(app);
        var terminal = await s.Terminal();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/terminal/payments")
        {
            Content = new StreamContent(new MemoryStream(new byte[100 * 1024])), // no Content-Length once chunked
        };
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Add("X-Terminal-Id", terminal.Id);
        request.Headers.Add("X-Timestamp", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString());
        request.Headers.Add("X-Signature", new string('0', 64));
        var answer = await Answer.From(await s.Api.Http.SendAsync(request));
        Assert.True(answer.Status is HttpStatusCode.BadRequest, answer.Raw);
    }

    [Fact]
    public async Task The_HIS_cancel_reason_is_capped_like_every_other_reason()
    {
        var s = await Scenario.Start(app, "hospital");
        var his = (await s.Api.Post($"{s.Base}/hospital/his-clients", new { name = "HIS" }, s.AdminToken)).Expect(HttpStatusCode.Created);
        var path = "/api/v1/his/orders/H-does-not-matter/cancel";
        var body = "{\"reason\":\"" + new string('r', 10_000) + "\"}";
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        RouteWalkSpecs.Sign(request, "X-Client-Id", his["id"].GetValue<string>(), his["secret"].GetValue<string>(), path, body);
        var answer = await Answer.From(await s.Api.Http.SendAsync(request));
        answer.ExpectProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed);
        Assert.NotNull(answer["errors"]["reason"]);
    }

    [Fact]
    public async Task A_made_up_terminal_id_shaped_like_a_real_one_is_404()
    {
        var s = await Scenario.Start(app);
        (await s.Api.Get($"{s.Base}/terminals/trm_{Guid.CreateVersion7():N}", s.AdminToken)).ExpectProblem(HttpStatusCode.NotFound, ErrorCodes.NotFound);
        // Many at once, as in the review's burst: all 404, none "Forwarding failed".
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => s.Api.Post($"{s.Base}/cardholders/ch_{Guid.Empty:N}/freeze", null, s.AdminToken)));
        Assert.All(answers, a => a.ExpectProblem(HttpStatusCode.NotFound, ErrorCodes.NotFound));
    }

    [Fact]
    public async Task An_xlsx_that_unpacks_far_past_its_size_is_refused_before_it_is_read()
    {
        var s = await Scenario.Start(app, "campus");
        using var packed = new MemoryStream();
        using (var zip = new ZipArchive(packed, ZipArchiveMode.Create, leaveOpen: true))
        {
            await using var sheet = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.SmallestSize).Open();
            var spaces = new byte[1024 * 1024];
            Array.Fill(spaces, (byte)' ');
            for (var i = 0; i < 40; i++) await sheet.WriteAsync(spaces); // 40 MB of nothing, a few dozen KB packed
        }
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(packed.ToArray());
        file.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        form.Add(file, "file", "bomb.xlsx");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{s.Base}/campus/roster-imports") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", s.AdminToken);
        var answer = await Answer.From(await s.Api.Http.SendAsync(request));
        answer.ExpectProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed);
        Assert.NotNull(answer["errors"]["file"]);
    }

    [Fact]
    public void Forwarded_headers_are_taken_only_from_the_proxies_configured()
    {
        Assert.Null(HostOperations.ForwardedHeadersFrom(new ConfigurationBuilder().Build()));
        var options = HostOperations.ForwardedHeadersFrom(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["SceneFinance:Http:KnownProxies"] = "10.0.0.5, 10.1.0.0/16" }).Build())!;
        Assert.Equal(IPAddress.Parse("10.0.0.5"), Assert.Single(options.KnownProxies));
        Assert.Single(options.KnownIPNetworks);
        Assert.Equal(1, options.ForwardLimit);
        Assert.Throws<InvalidOperationException>(() => HostOperations.ForwardedHeadersFrom(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["SceneFinance:Http:KnownProxies"] = "proxy.example" }).Build()));
    }
}

/// <summary>The product with rate limits low enough to reach in a test.</summary>
public sealed class LowLimitsApp : SceneApp
{
    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("SceneFinance:RateLimits:Terminal:PerSecond", "1");
        builder.UseSetting("SceneFinance:RateLimits:Terminal:Burst", "3");
        builder.UseSetting("SceneFinance:RateLimits:User:PerSecond", "1");
        builder.UseSetting("SceneFinance:RateLimits:User:Burst", "20");
    }
}

public sealed class RateLimitSpecs(LowLimitsApp app) : IClassFixture<LowLimitsApp>
{
    [Fact]
    public async Task A_terminal_or_a_person_over_their_limit_is_answered_429_rate_limited_and_nothing_moves()
    {
        var s = await Scenario.Start(app);
        var terminal = await s.Terminal();
        var (holder, card) = await s.CardHolder(cash: 10_000);
        var payments = new List<Answer>();
        for (var i = 0; i < 15; i++) payments.Add(await s.Api.Pay(terminal, card, 100));
        var limited = payments.Where(p => p.Status == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(limited);
        limited[0].ExpectProblem(HttpStatusCode.TooManyRequests, ErrorCodes.RateLimited);
        var approved = payments.Count(p => p.Status == HttpStatusCode.OK);
        Assert.Equal(10_000 - 100 * approved, await s.Balance(holder));

        var reader = await s.UserToken("auditor");
        var answers = new List<Answer>();
        for (var i = 0; i < 40; i++) answers.Add(await s.Api.Get($"{s.Base}/cardholders/{holder}", reader));
        Assert.Contains(answers, a => a.Status == HttpStatusCode.TooManyRequests && a.Code == ErrorCodes.RateLimited);
    }
}
