using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using MiniExcelLibs;
using SceneFinance.Platform.Security;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Campus;

/// <summary>The product with its simulated channels, refunding overpaid bills every second.</summary>
public sealed class CampusApp : GatewayApp
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["SceneFinance:Campus:ExcessRefundEverySeconds"] = "1",
    };
}

[CollectionDefinition(Name)]
public sealed class SharedCampusApp : ICollectionFixture<CampusApp>
{
    public const string Name = "shared campus app";
}

/// <summary>
/// The 3,000-student run on a product of its own, after the parallel collections: it loads the machine enough to push the
/// gateway fault test (which runs alongside otherwise) past its own deadlines, and its figures mean more on a quiet host.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CampusScaleApp : ICollectionFixture<CampusApp>
{
    public const string Name = "campus scale app";
}

/// <summary>A school (a campus tenant) driven through the public API, as its finance office and its parents do.</summary>
public static class Roster
{
    public const string Header = "studentNumber,name,grade,class,guardianName,guardianPhone,guardianRelation,guardian2Name,guardian2Phone,guardian2Relation";

    public static string Row(string number, string name, string grade, string @class, string guardian, string phone, string relation = "mother",
        string guardian2 = "", string phone2 = "", string relation2 = "") =>
        $"{number},{name},{grade},{@class},{guardian},{phone},{relation},{guardian2},{phone2},{relation2}";

    public static string Csv(params string[] rows) => string.Join("\n", [Header, .. rows]) + "\n";

    /// <summary>Uploads a roster file (multipart) and waits for the import to finish.</summary>
    public static async Task<JsonNode> Import(this Scenario s, byte[] file, string fileName = "roster.csv", string? token = null)
    {
        using var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue(fileName.EndsWith(".xlsx") ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv");
        form.Add(content, "file", fileName);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{s.Base}/campus/roster-imports") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? s.AdminToken);
        using var response = await s.Api.Http.SendAsync(request);
        var started = (await Answer.From(response)).Expect(HttpStatusCode.Accepted);
        var id = started["id"].GetValue<string>();
        var until = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var import = (await s.Api.Get($"{s.Base}/campus/roster-imports/{id}", s.AdminToken)).Expect(HttpStatusCode.OK);
            if (import["status"].GetValue<string>() != "running") return import.Body!;
            Assert.True(DateTime.UtcNow < until, "the import did not finish in 120 s: " + import.Raw);
            await Task.Delay(100);
        }
    }

    public static Task<JsonNode> ImportCsv(this Scenario s, string csv) => s.Import(Encoding.UTF8.GetBytes(csv));

    public static async Task<string> Plan(this Scenario s, string grade, long[] items, (string Due, int Bp)[]? installments = null, int siblingBp = 0,
        long lateFeeFixed = 0, int lateFeeBp = 0, string? @class = null)
    {
        installments ??= [(DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd"), 10000)];
        var plan = (await s.Api.Post($"{s.Base}/campus/fee-plans", new
        {
            name = $"{grade} 2026 秋季学期", term = "2026-autumn", grade, @class,
            items = items.Select((a, i) => new { name = new[] { "学费 Tuition", "书本费 Books", "住宿费 Accommodation", "校服 Uniform" }[i % 4], category = "fee", amount = a }),
            installments = installments.Select(i => new { dueDate = i.Due, shareBp = i.Bp }),
            siblingDiscountBp = siblingBp, lateFee = new { @fixed = lateFeeFixed, bp = lateFeeBp },
        }, s.AdminToken)).Expect(HttpStatusCode.Created);
        return plan["id"].GetValue<string>();
    }

    public static async Task<JsonNode> Generate(this Scenario s, string planId) =>
        (await s.Api.Post($"{s.Base}/campus/fee-plans/{planId}/bills", null, s.AdminToken)).Expect(HttpStatusCode.OK).Body!;

    public static async Task<JsonArray> Bills(this Scenario s, string query = "") =>
        (await s.Api.Get($"{s.Base}/campus/bills?limit=5000{query}", s.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray();

    public static async Task<JsonNode> Bill(this Scenario s, string billId, string? token = null) =>
        (await s.Api.Get($"{s.Base}/campus/bills/{billId}", token ?? s.AdminToken)).Expect(HttpStatusCode.OK).Body!;

    public static async Task<string> BillOf(this Scenario s, string studentNumber) =>
        Assert.Single(await s.Bills($"&studentNumber={studentNumber}"))!["id"]!.GetValue<string>();

    public static Task<Answer> PayAtCounter(this Scenario s, string billId, long amount, string method = "counter", string? provider = null, string? key = null, string? token = null) =>
        s.Api.Post($"{s.Base}/campus/bills/{billId}/payments", new { amount, method, provider }, token ?? s.AdminToken, key ?? Guid.NewGuid().ToString("N"));

    /// <summary>A loan or subsidy on a bill: asked for by one person, recorded when another approves it.</summary>
    public static Task<Answer> AskFundedPayment(this Scenario s, string billId, long amount, string method, string provider, string? token = null) =>
        s.Api.Post($"{s.Base}/campus/bills/{billId}/funded-payments", new { amount, method, provider }, token ?? s.AdminToken);

    /// <summary>Cancelling a bill with money on it: asked for by one person, done when another approves it.</summary>
    public static Task<Answer> AskCancel(this Scenario s, string billId, string reason, string? token = null) =>
        s.Api.Post($"{s.Base}/campus/bills/{billId}/cancellation-requests", new { reason }, token ?? s.AdminToken);

    /// <summary>A second person approves the request (201 pending) in the approval queue.</summary>
    public static async Task<JsonNode> ApprovedBy(this Scenario s, Answer request, string approver)
    {
        var id = request.Expect(HttpStatusCode.Created)["id"].GetValue<string>();
        return (await s.Api.Post($"{s.Base}/approvals/{id}/approve", null, approver)).Expect(HttpStatusCode.OK).Body!;
    }

    public static Task<Answer> PayOnline(this Scenario s, string billId, long amount, string token, string channel = "wechat-pay", string? key = null) =>
        s.Api.Post($"{s.Base}/campus/bills/{billId}/online-payments", new { amount, channel }, token, key ?? Guid.NewGuid().ToString("N"));

    /// <summary>A guardian account: the username is the phone the roster names.</summary>
    public static async Task<string> Guardian(this Scenario s, string phone)
    {
        (await s.Api.Post($"{s.Base}/users", new { username = phone, password = "Parent-Passw0rd", role = Roles.Guardian }, s.AdminToken)).Expect(HttpStatusCode.Created);
        return await s.Api.Token(phone, "Parent-Passw0rd");
    }

    /// <summary>A report downloaded as .xlsx (bearer token), its rows by header.</summary>
    public static async Task<List<IDictionary<string, object?>>> Xlsx(this Scenario s, string url)
    {
        using var response = await s.Api.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, url) { Headers = { Authorization = new("Bearer", s.AdminToken) } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return MiniExcel.Query(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), useHeaderRow: true, excelType: ExcelType.XLSX)
            .Cast<IDictionary<string, object?>>().ToList();
    }

    public static long Long(this JsonNode? node, string name) => node![name]!.GetValue<long>();
    public static string Str(this JsonNode? node, string name) => node![name]!.GetValue<string>();
}
