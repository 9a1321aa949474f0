using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.AdminUi;

/// <summary>
/// The shell's .xlsx downloads over HTTP with the signed-in cookie, read at the cell level: amounts are numbers in yuan
/// (0.00), times are date cells in the tenant's own zone, counts are numbers, ids and card digits are text; headers are
/// in the reader's language.
/// </summary>
[Collection(SharedApp.Name)]
public sealed class ExportSpecs(SceneApp app)
{
    // Far from the platform's default zone: a time written in the wrong zone is off by half a day.
    const string NewYork = "America/New_York";
    static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById(NewYork);

    async Task<HttpClient> SignedIn(string username = "admin", string password = SceneApp.AdminPassword)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var form = await client.GetStringAsync("/login");
        var token = Regex.Match(form, "name=\"__RequestVerificationToken\"[^>]*?value=\"([^\"]+)\"").Groups[1].Value;
        var signedIn = await client.PostAsync("/admin/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = username, ["password"] = password, ["returnUrl"] = "/", ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal("/", signedIn.Headers.Location?.OriginalString);
        return client;
    }

    static async Task<Workbook> Download(HttpClient client, string path)
    {
        using var answer = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", answer.Content.Headers.ContentType?.MediaType);
        return new Workbook(await answer.Content.ReadAsByteArrayAsync());
    }

    async Task<(Scenario Tenant, DateTimeOffset Before, DateTimeOffset After)> TenantInNewYork()
    {
        var api = app.Api();
        var admin = await api.AdminToken();
        var before = DateTimeOffset.UtcNow;
        var created = (await api.Post("/api/v1/tenants", new { name = "Zoned canteen", kind = "canteen", timeZone = NewYork }, admin)).Expect(HttpStatusCode.Created);
        Assert.Equal(NewYork, created["timeZone"].GetValue<string>());
        return (new Scenario { Api = api, AdminToken = admin, TenantId = created["id"].GetValue<string>() }, before, DateTimeOffset.UtcNow);
    }

    static void AssertTime(Cell cell, DateTimeOffset at, TimeSpan slack)
    {
        Assert.True(cell.IsNumber, $"a time is a date cell, not {cell.Type}");
        Assert.Equal("yyyy-mm-dd hh:mm:ss", cell.Format);
        var local = TimeZoneInfo.ConvertTime(at, Zone).DateTime;
        Assert.InRange(cell.Time, local - slack - TimeSpan.FromSeconds(1), local + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_card_holders_transactions_have_yuan_numbers_local_times_and_text_ids()
    {
        var (s, _, _) = await TenantInNewYork();
        var (holder, card) = await s.CardHolder(cash: 12_345);
        var till = await s.Terminal();
        Assert.Equal("approved", (await s.Api.Pay(till, card, 1_050))["status"].GetValue<string>());
        var transactions = (await s.Api.Get($"{s.Base}/cardholders/{holder}/transactions", s.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray();

        var sheet = await Download(await SignedIn(), $"/admin/export/transactions.xlsx?tenantId={s.TenantId}&cardHolderId={holder}");
        Assert.Equal(["时间", "类型", "金额", "交易后余额", "终端", "状态"], sheet.Headers);
        Assert.Equal(2, sheet.Rows.Count);
        var (payment, topUp) = (sheet.Rows[0], sheet.Rows[1]); // newest first
        foreach (var (row, item) in sheet.Rows.Zip(transactions))
            AssertTime(row["时间"], item!["at"]!.GetValue<DateTimeOffset>(), TimeSpan.Zero);
        foreach (var amount in new[] { topUp["金额"], topUp["交易后余额"], payment["金额"], payment["交易后余额"] })
        {
            Assert.True(amount.IsNumber, $"an amount is a number cell, not {amount.Type}");
            Assert.Equal("0.00", amount.Format);
        }
        Assert.Equal((123.45m, 123.45m), (topUp["金额"].Number, topUp["交易后余额"].Number));
        Assert.Equal((10.50m, 112.95m), (payment["金额"].Number, payment["交易后余额"].Number));
        Assert.True(payment["终端"].IsText);
        Assert.Equal(till.Id, payment["终端"].Value);
        Assert.Equal(("消费", "充值"), (payment["类型"].Value, topUp["类型"].Value));
        Assert.All(sheet.Rows, r => Assert.True(r["类型"].IsText && r["状态"].IsText));
    }

    [Fact]
    public async Task Lists_keep_ids_as_text_times_in_the_tenants_zone_and_follow_the_readers_language()
    {
        var (s, before, after) = await TenantInNewYork();
        (await s.Api.Post($"{s.Base}/cardholders", new { externalId = "00123", name = "李雷", kind = "student", cardNumber = "0000111122223333" }, s.AdminToken))
            .Expect(HttpStatusCode.Created);
        var terminalsBefore = DateTimeOffset.UtcNow;
        var till = await s.Terminal();
        var username = "export" + Guid.NewGuid().ToString("N")[..8];
        (await s.Api.Post($"{s.Base}/users", new { username, password = "Passw0rd-export", role = "finance" }, s.AdminToken)).Expect(HttpStatusCode.Created);
        var client = await SignedIn();

        var holders = await Download(client, $"/admin/export/cardholders.xlsx?tenantId={s.TenantId}");
        var holder = Assert.Single(holders.Rows);
        Assert.True(holder["学号 / 编号"].IsText);
        Assert.Equal("00123", holder["学号 / 编号"].Value); // leading zeros kept
        Assert.Equal("****3333", holder["卡号"].Value);
        Assert.DoesNotContain(holders.Rows.SelectMany(r => r.Values), c => c.Value?.Contains("0000111122223333") == true);

        var terminal = Assert.Single((await Download(client, $"/admin/export/terminals.xlsx?tenantId={s.TenantId}")).Rows);
        Assert.Equal(till.Id, terminal["终端编号"].Value);
        AssertTime(terminal["创建时间"], DateTimeOffset.UtcNow, DateTimeOffset.UtcNow - terminalsBefore);

        var user = Assert.Single((await Download(client, $"/admin/export/users.xlsx?tenantId={s.TenantId}")).Rows);
        Assert.Equal((username, "财务"), (user["用户名"].Value, user["角色"].Value));
        AssertTime(user["创建时间"], DateTimeOffset.UtcNow, DateTimeOffset.UtcNow - terminalsBefore);

        var tenant = (await Download(client, "/admin/export/tenants.xlsx")).Rows.Single(r => r["租户编号"].Value == s.TenantId);
        Assert.Equal(NewYork, tenant["时区"].Value);
        AssertTime(tenant["创建时间"], after, after - before); // on the platform's list too, each tenant in its own zone

        (await client.GetAsync("/admin/language/en?returnUrl=/")).Dispose();
        var english = await Download(client, $"/admin/export/terminals.xlsx?tenantId={s.TenantId}");
        Assert.Equal(["Terminal id", "Name", "Kind", "Status", "Created", "Last seen"], english.Headers);
        Assert.Equal(("pos", "active"), (english.Rows[0]["Kind"].Value, english.Rows[0]["Status"].Value));
    }

    [Fact]
    public async Task His_clients_export_ids_as_text_and_times_as_dates_for_the_tenant_admin_only_and_never_a_secret()
    {
        var s = await Scenario.Start(app, "hospital");
        var his = (await s.Api.Post($"{s.Base}/hospital/his-clients", new { name = "HIS 医院信息系统" }, s.AdminToken)).Expect(HttpStatusCode.Created);
        var id = his["id"].GetValue<string>();
        var rotated = (await s.Api.Post($"{s.Base}/hospital/his-clients/{id}/rotate-secret", new { graceSeconds = 3600 }, s.AdminToken)).Expect(HttpStatusCode.OK);
        var client = await SignedIn();

        var sheet = await Download(client, $"/admin/export/his-clients.xlsx?tenantId={s.TenantId}");
        Assert.Equal(["客户端 ID", "名称", "状态", "创建时间", "旧密钥有效至"], sheet.Headers);
        var row = Assert.Single(sheet.Rows);
        Assert.True(row["客户端 ID"].IsText);
        Assert.Equal((id, "正常"), (row["客户端 ID"].Value, row["状态"].Value));
        Assert.True(row["创建时间"].IsNumber && row["旧密钥有效至"].IsNumber, "times are date cells");
        Assert.DoesNotContain(sheet.Rows.SelectMany(r => r.Values), c => c.Value == his["secret"].GetValue<string>() || c.Value == rotated["secret"].GetValue<string>());

        var username = "finance" + Guid.NewGuid().ToString("N")[..8];
        (await s.Api.Post($"{s.Base}/users", new { username, password = "Passw0rd-finance", role = "finance" }, s.AdminToken)).Expect(HttpStatusCode.Created);
        using var refused = await (await SignedIn(username, "Passw0rd-finance")).GetAsync($"/admin/export/his-clients.xlsx?tenantId={s.TenantId}");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task Another_tenants_export_is_not_found_for_a_tenants_person()
    {
        var a = await Scenario.Start(app);
        var b = await Scenario.Start(app);
        var (holder, _) = await b.CardHolder();
        var username = "finance" + Guid.NewGuid().ToString("N")[..8];
        (await a.Api.Post($"{a.Base}/users", new { username, password = "Passw0rd-finance", role = "finance" }, a.AdminToken)).Expect(HttpStatusCode.Created);
        var client = await SignedIn(username, "Passw0rd-finance");

        using var own = await client.GetAsync($"/admin/export/cardholders.xlsx?tenantId={a.TenantId}");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        foreach (var (path, status) in new[]
                 {
                     ($"cardholders.xlsx?tenantId={b.TenantId}", HttpStatusCode.NotFound),
                     ($"transactions.xlsx?tenantId={b.TenantId}&cardHolderId={holder}", HttpStatusCode.NotFound),
                     ("tenants.xlsx", HttpStatusCode.Forbidden), // the platform's list
                 })
        {
            using var other = await client.GetAsync("/admin/export/" + path);
            Assert.Equal(status, other.StatusCode);
        }
    }
}
