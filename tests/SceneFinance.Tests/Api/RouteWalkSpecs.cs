using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using SceneFinance.Platform.Http;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Api;

/// <summary>
/// Every mapped route, read from the app's own route table so that a route added tomorrow is walked too: who may call it
/// anonymously (a table), what anonymous callers, another tenant's people and each role get, random bad bodies on every route
/// that takes one, and bursts at made-up ids on every route that takes one.
/// </summary>
[Collection(SharedApp.Name)]
public sealed class RouteWalkSpecs(SceneApp app)
{
    /// <summary>
    /// The routes that are open without a sign-in, and why. Routes whose caller signs (terminals, the HIS, channels) or is signing
    /// in are open by their <c>Caller(...)</c> and listed by that rule, not here. Anything else anonymous fails this walk.
    /// </summary>
    static readonly Dictionary<string, string> OpenByDesign = new()
    {
        ["/health/live"] = "the balancer's liveness probe",
        ["/health/ready"] = "the balancer's readiness probe",
        ["/openapi/{documentName}.json"] = "the public contract",
        ["/admin/login"] = "the shell's sign-in form",
        ["/admin/language/{language}"] = "the sign-in page's language switch (a cookie, no data)",
        ["/pay/{tenantId}/{intentId}"] = "a payer's checkout link (its secret is in the link)",
        ["/simulator/{channel}/{orderNo}"] = "the simulated wallet app a payer confirms in (sandbox)",
        ["/simulator/{channel}/agreements/{agreementNo}"] = "the simulated wallet app a payer signs or ends a withholding agreement in (sandbox; acting needs a sign-in)",
        ["/login"] = "the shell's sign-in page",
        ["/portal/login"] = "the parent portal's sign-in page",
        ["/portal"] = "the parent portal: it sends a visitor who is not signed in to its sign-in page",
        ["/kiosk"] = "the hospital kiosk's pages (the kiosk signs its API calls)",
        ["/kiosk/sign-in"] = "",
        ["/kiosk/large"] = "",
        ["/kiosk/visits/{VisitId}"] = "a patient's kiosk visit: its server-side visit (bound to the kiosk, lapsing) is the gate",
        ["/kiosk/visits/{VisitId}/register"] = "",
        ["/kiosk/visits/{VisitId}/payments/{IntentId}"] = "",
        ["/portal/login/code-request"] = "a guardian asks for a one-time code (rate-limited per phone)",
        ["/portal/login/code"] = "a guardian signs in with the code",
        ["/simulator/messages"] = "the sandbox's phone: what the simulated SMS, WeChat and in-app channels delivered",
        ["/patient/login"] = "the patient's sign-in page (phone and SMS code, through the portal's posts)",
        ["/patient"] = "the patient's own records: it sends a visitor who is not a signed-in patient to its sign-in page",
        ["/patient/receipts/{PaymentId}"] = "a patient's receipt: the same, and only the signed-in patient's own payments are found",
    };

    public sealed record Route(RouteEndpoint Endpoint, string Method)
    {
        public string Pattern => "/" + Endpoint.RoutePattern.RawText!.TrimStart('/');
        public bool IsApi => Pattern.StartsWith("/api/", StringComparison.Ordinal);
        public CallerKind Caller => Endpoint.Metadata.GetMetadata<CallerMetadata>()?.Kind ?? CallerKind.Person;
        public bool Anonymous => Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
        public bool HasTenant => Endpoint.RoutePattern.Parameters.Any(p => p.Name == "tenantId");
        public Type? BodyType => Endpoint.Metadata.GetMetadata<SignedBodyMetadata>()?.Type
            ?? Endpoint.Metadata.OfType<IAcceptsMetadata>().Select(a => a.RequestType).FirstOrDefault(t => t is not null);
        public override string ToString() => $"{Method} {Pattern}";
    }

    /// <summary>Static files and Blazor's own endpoints (its circuit hub and scripts) serve every page, signed in or not.</summary>
    static bool IsFrameworkAsset(Route r) =>
        r.Endpoint.Metadata.Any(m => m.GetType().Name.Contains("StaticAsset", StringComparison.Ordinal))
        || r.Pattern.StartsWith("/_blazor", StringComparison.Ordinal) || r.Pattern.StartsWith("/_framework", StringComparison.Ordinal)
        || r.Pattern.StartsWith("/_content", StringComparison.Ordinal);

    public static List<Route> Routes(SceneApp app) => app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
        .Where(e => e.RoutePattern.RawText is not null)
        .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => new Route(e, m)))
        .Where(r => r.Method is not ("HEAD" or "OPTIONS" or "CONNECT"))
        .ToList();

    /// <summary>A concrete path: the tenant given, plausible days and channels, and ids shaped like real ones that nobody has.</summary>
    public static string Fill(Route r, string tenantId, string? id = null)
    {
        var path = new StringBuilder();
        string? previous = null;
        foreach (var segment in r.Endpoint.RoutePattern.PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
            {
                switch (part)
                {
                    case RoutePatternLiteralPart literal:
                        path.Append(literal.Content);
                        previous = literal.Content;
                        break;
                    case RoutePatternSeparatorPart separator:
                        path.Append(separator.Content);
                        break;
                    case RoutePatternParameterPart p:
                        path.Append(p.Name switch
                        {
                            "tenantId" => tenantId,
                            "day" => DateTime.UtcNow.ToString("yyyy-MM-dd"),
                            "version" => "1",
                            "channel" => "wechat-pay",
                            "documentName" => "v1",
                            "language" => "en",
                            _ => id ?? MadeUp(p.Name, previous),
                        });
                        break;
                }
            }
        }
        return path.Length == 0 ? "/" : path.ToString();
    }

    public static string MadeUp(string name, string? previous)
    {
        var prefix = name switch
        {
            "billId" => "bill", "planId" => "plan", "waiverId" => "wv", "importId" => "imp", "ruleId" => "rul", "caseId" => "rcs",
            "backtestId" => "bkt", "refundId" => "hre", "orderId" => "ord", "payoutId" => "po", "exceptionId" => "rex",
            "partyId" => "mch", "entryId" => "rle", "intentId" or "IntentId" => "pi", "PatientId" => "ch",
            "studentNumber" => "S", "hisOrderId" => "H", "orderNo" => "ORD",
            _ => previous switch
            {
                "cardholders" or "patients" => "ch", "terminals" => "trm", "bills" => "bill", "payment-intents" => "pi",
                "waivers" => "wv", "fee-plans" => "plan", "roster-imports" => "imp", "merchants" => "mch", _ => "x",
            },
        };
        return $"{prefix}_{Guid.NewGuid():N}";
    }

    HttpClient NoRedirects() => app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    static async Task<HttpResponseMessage> Send(HttpClient http, Route r, string path, string? token, string body = "{}", string? key = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(r.Method), path);
        if (r.Method is "POST" or "PUT" or "PATCH")
            request.Content = r.IsApi ? new StringContent(body, Encoding.UTF8, "application/json") : new FormUrlEncodedContent([new("x", "1")]);
        if (token is not null) request.Headers.Authorization = new("Bearer", token);
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString("N"));
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task Only_the_routes_in_the_table_are_open_and_every_other_route_refuses_an_anonymous_caller()
    {
        var routes = Routes(app);
        Assert.True(routes.Count > 150, $"only {routes.Count} routes found");

        // The table: open routes are those listed, those whose caller authenticates itself, and framework assets.
        var open = routes.Where(r => r.Anonymous && !IsFrameworkAsset(r)).ToList();
        var unexpected = open.Where(r => r.Caller == CallerKind.Person && !OpenByDesign.ContainsKey(r.Pattern)).Select(r => r.ToString()).ToList();
        Assert.True(unexpected.Count == 0, "open without a sign-in, and not in the table: " + string.Join(", ", unexpected));
        var signedButPerson = routes.Where(r => r.Caller != CallerKind.Person && !r.Anonymous).Select(r => r.ToString()).ToList();
        Assert.Empty(signedButPerson);

        var s = await Scenario.Start(app);
        using var http = NoRedirects();
        var failures = new List<string>();
        foreach (var r in routes.Where(r => !IsFrameworkAsset(r)))
        {
            using var answer = await Send(http, r, Fill(r, s.TenantId), token: null, body: "not json \0");
            var status = (int)answer.StatusCode;
            if (status >= 500) failures.Add($"{r}: {status}");
            else if (r.Anonymous) continue;
            else if (r.IsApi)
            {
                var raw = await answer.Content.ReadAsStringAsync();
                if (status != 401 || !raw.Contains("\"code\":\"unauthorized\"")) failures.Add($"{r}: {status} {raw[..Math.Min(raw.Length, 120)]}");
            }
            else if (!(status == 401 || (status == 302 && answer.Headers.Location?.ToString().Contains("/login") == true)))
                failures.Add($"{r}: {status} {answer.Headers.Location}");
        }
        Assert.True(failures.Count == 0, "anonymous callers got: " + string.Join("\n", failures));
    }

    [Fact]
    public async Task Every_api_route_answers_each_role_and_another_tenants_people_without_a_server_error_and_within_their_rights()
    {
        var s = await Scenario.Start(app);
        var other = await Scenario.Start(app);
        var callers = new List<(string Who, string Token)>
        {
            ("another tenant's admin", await other.UserToken("tenant-admin")),
            ("auditor", await s.UserToken("auditor")),
            ("cashier", await s.UserToken("cashier")),
            ("finance", await s.UserToken("finance")),
            ("tenant-admin", await s.UserToken("tenant-admin")),
        };
        var routes = Routes(app).Where(r => r.IsApi && r.Caller == CallerKind.Person).ToList();
        using var http = NoRedirects();
        var failures = new List<string>();
        foreach (var (who, token) in callers)
            foreach (var r in routes)
            {
                // Required query values given (a day), so each answer is about the caller's rights, not a missing parameter.
                using var answer = await Send(http, r, Fill(r, s.TenantId) + "?date=" + DateTime.UtcNow.ToString("yyyy-MM-dd"), token);
                var status = (int)answer.StatusCode;
                var wrote = r.Method != "GET" && status is >= 200 and < 300;
                if (status >= 500) failures.Add($"{who} {r}: {status}");
                else if (who == "another tenant's admin" && r.HasTenant && status is not (404 or 403))
                    failures.Add($"{who} {r}: {status}, expected 404 (another tenant's data is not there)");
                else if (who == "auditor" && wrote) failures.Add($"{who} {r}: {status}, the auditor only reads");
                else if (!r.HasTenant && wrote && r.Pattern != "/api/v1/auth/token")
                    failures.Add($"{who} {r}: {status}, a platform route");
            }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>The patient's own routes: the tenant in the path, the patient from the sign-in (no route takes a patient id from a patient).</summary>
    const string PatientOwn = "/api/v1/tenants/{tenantId}/hospital/my";

    [Fact]
    public async Task A_patient_signed_in_by_phone_reaches_only_their_own_routes_and_every_other_route_refuses_them()
    {
        var s = await Scenario.Start(app, "hospital");
        var phone = "185" + Random.Shared.NextInt64(10_000_000, 99_999_999);
        (await s.Api.Post($"{s.Base}/hospital/patients", new { medicalCardNumber = Scenario.NewCardNumber(), name = "患者 Walker", phone }, s.AdminToken))
            .Expect(HttpStatusCode.Created);
        (await s.Api.Post("/api/v1/auth/one-time-codes", new { phone }, null)).Expect(HttpStatusCode.OK);
        var code = System.Text.RegularExpressions.Regex.Match(await s.Api.Http.GetStringAsync($"/simulator/messages?to={phone}"), "验证码 (\\d{6})").Groups[1].Value;
        var token = (await s.Api.Post("/api/v1/auth/phone-token", new { phone, code }, null)).Expect(HttpStatusCode.OK)["accessToken"].GetValue<string>();

        var routes = Routes(app).Where(r => r.IsApi && r.Caller == CallerKind.Person).ToList();
        Assert.Contains(routes, r => r.Pattern.StartsWith(PatientOwn, StringComparison.Ordinal));
        using var http = NoRedirects();
        var failures = new List<string>();
        foreach (var r in routes)
        {
            using var answer = await Send(http, r, Fill(r, s.TenantId) + "?date=" + DateTime.UtcNow.ToString("yyyy-MM-dd"), token);
            var status = (int)answer.StatusCode;
            var own = r.Pattern.StartsWith(PatientOwn, StringComparison.Ordinal);
            if (status >= 500) failures.Add($"{r}: {status}");
            else if (own && status is not (200 or 404)) failures.Add($"{r}: {status}, the patient's own route");
            else if (!own && status is not (401 or 403 or 404 or 400)) failures.Add($"{r}: {status}, not the patient's to call");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>Bodies no route can take: text with control characters, numbers past any limit, nesting past any depth, wrong types.</summary>
    static IEnumerable<string> BadBodies(Random random, Type? type, int count)
    {
        var names = type?.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)).ToArray() ?? [];
        string[] poisons = ["\"a\\u0000b\"", "\"\\u001b[2J\"", "\"x\\u007f\"", "\"\\u202egnp.exe\""];
        string[] odd = ["99999999999999999999999999", "1e400", "-1e400", "true", "[]", "{}", "\"\"", "null", "12.5", "\"2026-13-45\""];
        string Deep(int depth) => new string('[', depth) + new string(']', depth);
        for (var i = 0; i < count; i++)
        {
            var kind = names.Length == 0 ? random.Next(2) : random.Next(4);
            yield return kind switch
            {
                0 => new[] { "[]", "\"\\u0000\"", "123", "true", "[{}]" }[random.Next(5)],
                1 => "{\"x\":" + Deep(200) + "}",
                2 => "{" + string.Join(",", names.Select((n, j) => $"\"{n}\":{(j == 0 ? poisons[random.Next(poisons.Length)] : odd[random.Next(odd.Length)])}")) + "}",
                _ => "{" + string.Join(",", names.Select(n => $"\"{n}\":{(random.Next(2) == 0 ? poisons[random.Next(poisons.Length)] : Deep(100))}")) + "}",
            };
        }
    }

    [Fact]
    public async Task Seeded_bad_bodies_on_every_route_that_takes_one_answer_4xx_and_change_nothing()
    {
        var random = new Random(20261124);
        var canteen = await Scenario.Start(app);
        var campus = await Scenario.Start(app, "campus");
        var hospital = await Scenario.Start(app, "hospital");
        var (holder, _) = await canteen.CardHolder(cash: 10_000);
        var pos = await canteen.Terminal();
        var gate = await campus.Terminal("gate");
        var kiosk = await hospital.Terminal("kiosk");
        var his = (await hospital.Api.Post($"{hospital.Base}/hospital/his-clients", new { name = "HIS" }, hospital.AdminToken)).Expect(HttpStatusCode.Created);
        var hisClient = (Id: his["id"].GetValue<string>(), Secret: his["secret"].GetValue<string>());
        var before = await Snapshot(canteen, campus, hospital, holder);

        Scenario For(Route r) => r.Pattern.Contains("/hospital") || r.Pattern.Contains("/his/") || r.Pattern.Contains("/kiosk") ? hospital
            : r.Pattern.Contains("/campus") ? campus : canteen;
        var routes = Routes(app).Where(r => r.IsApi && r.Method is "POST" or "PUT" && (r.BodyType is not null || r.Caller != CallerKind.Person)).ToList();
        Assert.True(routes.Count > 40, $"only {routes.Count} routes take a body");
        var failures = new List<string>();
        using var http = NoRedirects();
        foreach (var r in routes)
            foreach (var body in BadBodies(random, r.BodyType, 6))
            {
                var s = For(r);
                var path = Fill(r, s.TenantId);
                using var request = new HttpRequestMessage(new HttpMethod(r.Method), path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
                switch (r.Caller)
                {
                    case CallerKind.Terminal:
                        var terminal = path.Contains("/kiosk") ? kiosk : path.Contains("gate") || path.Contains("/campus") ? gate : pos;
                        Sign(request, "X-Terminal-Id", terminal.Id, terminal.Secret, path, body);
                        break;
                    case CallerKind.SystemClient:
                        Sign(request, "X-Client-Id", hisClient.Id, hisClient.Secret, path, body);
                        break;
                    case CallerKind.Person:
                        request.Headers.Authorization = new("Bearer", s.AdminToken);
                        break;
                }
                using var answer = await http.SendAsync(request);
                var status = (int)answer.StatusCode;
                if (status is < 400 or >= 500) failures.Add($"{r} with {body[..Math.Min(body.Length, 60)]}: {status} {await answer.Content.ReadAsStringAsync()}");
            }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, await Snapshot(canteen, campus, hospital, holder));
    }

    static async Task<string> Snapshot(Scenario canteen, Scenario campus, Scenario hospital, string holder) =>
        string.Join("|", (await canteen.TrialBalance()).ToJsonString(), (await campus.TrialBalance()).ToJsonString(), (await hospital.TrialBalance()).ToJsonString(),
            (await canteen.Api.Get($"{canteen.Base}/cardholders/{holder}/transactions", canteen.AdminToken)).Expect(HttpStatusCode.OK).Raw);

    internal static void Sign(HttpRequestMessage request, string idHeader, string id, string secret, string path, string body)
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
        var signature = Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret),
            Encoding.UTF8.GetBytes($"{ts}\n{request.Method.Method}\n{path}\n{body}"))).ToLowerInvariant();
        request.Headers.Add(idHeader, id);
        request.Headers.Add("X-Timestamp", ts);
        request.Headers.Add("X-Signature", signature);
    }

    [Fact]
    public async Task Bursts_at_made_up_ids_on_every_route_that_takes_one_answer_404_never_a_server_error()
    {
        var s = await Scenario.Start(app);
        var routes = Routes(app).Where(r => r.IsApi && r.Caller == CallerKind.Person
            && r.Endpoint.RoutePattern.Parameters.Any(p => p.Name is not ("tenantId" or "day" or "version" or "channel"))).ToList();
        Assert.True(routes.Count > 30, $"only {routes.Count} routes take an id");
        string[] mustBe404 = ["/freeze", "/unfreeze", "/report-lost", "/disable"];
        var failures = new List<string>();
        using var http = NoRedirects();
        foreach (var r in routes)
        {
            var path = Fill(r, s.TenantId);
            var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ =>
            {
                using var answer = await Send(http, r, path, s.AdminToken);
                return (int)answer.StatusCode;
            }));
            var expected404 = r.Method == "GET" || mustBe404.Any(r.Pattern.EndsWith);
            if (answers.Any(a => a >= 500) || (expected404 && answers.Any(a => a != 404)) || answers.Any(a => a is >= 200 and < 300))
                failures.Add($"{r} at {path}: {string.Join(",", answers)}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
