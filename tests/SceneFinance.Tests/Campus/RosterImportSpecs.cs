using System.Net;
using System.Text;
using MiniExcelLibs;
using SceneFinance.Platform.Security;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Campus;

[Collection(SharedCampusApp.Name)]
public sealed class RosterImportSpecs(CampusApp app)
{
    static string Phone() => "13" + Random.Shared.NextInt64(100_000_000, 999_999_999);

    [Fact]
    public async Task A_csv_roster_keeps_leading_zeros_refuses_bad_rows_with_a_reason_and_imports_the_good_ones()
    {
        var s = await Scenario.Start(app, "campus");
        var (mum, dad) = (Phone(), Phone());
        var csv = Roster.Csv(
            Roster.Row("000123", "王小明", "一年级", "1班", "李红", mum, "mother", "王刚", dad, "father"),
            Roster.Row("000124", "王小红", "三年级", "2班", "李红", mum),             // a sibling: same mother
            Roster.Row("", "无学号", "一年级", "1班", "张三", Phone()),               // no student number
            Roster.Row("000125", "", "一年级", "1班", "张三", Phone()),              // no name
            Roster.Row("000126", "赵六", "一年级", "1班", "张三", "12345"),          // bad phone
            Roster.Row("000123", "重复", "一年级", "1班", "张三", Phone()),           // duplicate in the file
            Roster.Row("000127", "钱七", "一年级", "", "", ""));                   // no class, no guardian
        var import = await s.ImportCsv(csv);
        Assert.Equal("completed", import.Str("status"));
        Assert.Equal(7, import.Long("total"));
        Assert.Equal(2, import.Long("created"));
        Assert.Equal(5, import.Long("rejected"));

        var student = (await s.Api.Get($"{s.Base}/campus/students/000123", s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal("000123", student["studentNumber"].GetValue<string>());
        Assert.Equal("1班", student["class"].GetValue<string>());
        Assert.Equal(2, student["guardians"].AsArray().Count);
        Assert.DoesNotContain(mum, student.Raw); // phones masked
        var holder = (await s.Api.Get($"{s.Base}/cardholders/{student["cardHolderId"].GetValue<string>()}", s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal("000123", holder["externalId"].GetValue<string>());
        Assert.Equal("student", holder["kind"].GetValue<string>());

        // The refused rows come back as .xlsx with their reason.
        var rejected = await s.Api.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, import.Str("rejectedRowsUrl"))
            { Headers = { Authorization = new("Bearer", s.AdminToken) } });
        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", rejected.Content.Headers.ContentType?.MediaType);
        var rows = MiniExcel.Query(new MemoryStream(await rejected.Content.ReadAsByteArrayAsync()), useHeaderRow: true, excelType: ExcelType.XLSX)
            .Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(5, rows.Count);
        Assert.All(rows, r => Assert.False(string.IsNullOrWhiteSpace(r["reason 原因"]?.ToString())));
        Assert.Contains(rows, r => r["reason 原因"]!.ToString()!.Contains("000123") && r["reason 原因"]!.ToString()!.Contains("already on row 2"));
        Assert.Contains(rows, r => r["reason 原因"]!.ToString()!.Contains("guardian1Phone"));
    }

    [Fact]
    public async Task Re_importing_the_same_file_changes_nothing_and_an_edited_file_updates_in_place()
    {
        var s = await Scenario.Start(app, "campus");
        var phone = Phone();
        var first = Roster.Csv(Roster.Row("0042", "孙悟空", "二年级", "3班", "孙母", phone), Roster.Row("0043", "猪八戒", "二年级", "3班", "朱母", Phone()));
        Assert.Equal(2, (await s.ImportCsv(first)).Long("created"));
        var again = await s.ImportCsv(first);
        Assert.Equal(0, again.Long("created"));
        Assert.Equal(0, again.Long("updated"));
        Assert.Equal(2, again.Long("unchanged"));
        var holderBefore = (await s.Api.Get($"{s.Base}/campus/students/0042", s.AdminToken)).Expect(HttpStatusCode.OK)["cardHolderId"].GetValue<string>();

        var edited = Roster.Csv(Roster.Row("0042", "孙悟空", "二年级", "4班", "孙母", phone), Roster.Row("0043", "猪八戒", "二年级", "3班", "朱母", Phone()));
        var update = await s.ImportCsv(edited);
        Assert.Equal((0, 2, 0), (update.Long("created"), update.Long("updated"), update.Long("unchanged")));
        var after = (await s.Api.Get($"{s.Base}/campus/students/0042", s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal("4班", after["class"].GetValue<string>());
        Assert.Equal(holderBefore, after["cardHolderId"].GetValue<string>()); // the same card holder, updated in place
        var all = (await s.Api.Get($"{s.Base}/campus/students", s.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray();
        Assert.Equal(2, all.Count);
    }

    [Fact]
    public async Task An_xlsx_roster_keeps_text_student_numbers_and_refuses_numbers_that_lost_their_zeros()
    {
        var s = await Scenario.Start(app, "campus");
        var rows = new List<Dictionary<string, object?>>
        {
            new() { ["学号"] = "007001", ["姓名"] = "周一", ["年级"] = "五年级", ["班级"] = "1班", ["家长姓名"] = "周父", ["家长电话"] = 13900001111L, ["关系"] = "father" },
            new() { ["学号"] = 7002, ["姓名"] = "周二", ["年级"] = "五年级", ["班级"] = "1班", ["家长姓名"] = "周父", ["家长电话"] = "13900001112", ["关系"] = "father" },
        };
        using var file = new MemoryStream();
        file.SaveAs(rows, excelType: ExcelType.XLSX);
        var import = await s.Import(file.ToArray(), "roster.xlsx");
        Assert.Equal((1, 1), (import.Long("created"), import.Long("rejected")));
        var student = (await s.Api.Get($"{s.Base}/campus/students/007001", s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal("007001", student["studentNumber"].GetValue<string>());
        (await s.Api.Get($"{s.Base}/campus/students/7002", s.AdminToken)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Only_the_finance_office_imports_and_another_tenant_sees_nothing()
    {
        var s = await Scenario.Start(app, "campus");
        await s.ImportCsv(Roster.Csv(Roster.Row("1", "甲", "一年级", "1班", "甲母", Phone())));
        var cashier = await s.UserToken(Roles.Cashier);
        using var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(Roster.Csv())), "file", "r.csv" } };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{s.Base}/campus/roster-imports") { Content = form, Headers = { Authorization = new("Bearer", cashier) } };
        (await Answer.From(await s.Api.Http.SendAsync(request))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        var other = await Scenario.Start(app, "campus");
        (await s.Api.Get($"{s.Base}/campus/students/1", await other.UserToken(Roles.Finance))).ExpectProblem(HttpStatusCode.NotFound, "not_found");
    }
}
