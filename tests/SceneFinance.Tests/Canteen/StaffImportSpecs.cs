using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MiniExcelLibs;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Canteen;

/// <summary>Staff rosters, imported the campus roster's way: idempotent, resumable by sending again, refused rows in a file of their own.</summary>
[Collection(SharedApp.Name)]
public sealed class StaffImportSpecs(SceneApp app)
{
    static async Task<JsonNode> Import(Scenario s, byte[] file, string name)
    {
        var started = JsonNode.Parse(await s.Upload($"{s.Canteen()}/staff-imports", file, name))!;
        var id = started["id"]!.GetValue<string>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var import = (await s.Api.Get($"{s.Canteen()}/staff-imports/{id}", s.AdminToken)).Expect(HttpStatusCode.OK);
            if (import["status"].GetValue<string>() != "running") return import.Body!;
            Assert.True(DateTime.UtcNow < deadline, import.Raw);
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Employees_become_staff_holders_in_their_departments_and_the_same_file_again_changes_nothing()
    {
        var s = await Scenario.Start(app);
        var csv = Encoding.UTF8.GetBytes("工号,姓名,部门,手机\n00017,王芳,财务处,13800000017\n00018,李强,后勤处,\n00019,,后勤处,\n00017,重复,财务处,\n");
        var first = await Import(s, csv, "staff.csv");
        Assert.Equal(("completed", 4, 2, 2), (first["status"]!.GetValue<string>(), first["total"]!.GetValue<int>(), first["created"]!.GetValue<int>(), first["rejected"]!.GetValue<int>()));
        var again = await Import(s, csv, "staff.csv");
        Assert.Equal((0, 2, 2), (again["created"]!.GetValue<int>(), again["unchanged"]!.GetValue<int>(), again["rejected"]!.GetValue<int>()));

        var program = await s.Program(new { name = "财务处餐补", amountPerPerson = 2_000, funder = "财务处", groups = new[] { "财务处" } });
        Assert.Equal(1, (await s.Run(program, "grants"))["changed"]!.GetValue<int>());

        // A department moves: the holder's group follows; the unchanged one stays unchanged.
        var moved = await Import(s, Encoding.UTF8.GetBytes("工号,姓名,部门\n00017,王芳,审计处\n00018,李强,后勤处\n"), "staff-2.csv");
        Assert.Equal((1, 0, 0), (moved["updated"]!.GetValue<int>(), moved["created"]!.GetValue<int>(), moved["rejected"]!.GetValue<int>()));

        var rejectedUrl = first["rejectedRowsUrl"]!.GetValue<string>();
        Assert.StartsWith($"/api/v1/tenants/{s.TenantId}/canteen/staff-imports/", rejectedUrl);
        using var request = new HttpRequestMessage(HttpMethod.Get, rejectedUrl);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", s.AdminToken);
        using var response = await s.Api.Http.SendAsync(request);
        await using var xlsx = await response.Content.ReadAsStreamAsync();
        using var copy = new MemoryStream();
        await xlsx.CopyToAsync(copy);
        copy.Position = 0;
        var rows = MiniExcel.Query(copy, useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(2, rows.Count);
        Assert.Contains(rows, r => r.Values.Any(v => v?.ToString()?.Contains("工号重复") == true));
    }

    [Fact]
    public async Task A_staff_number_typed_as_a_number_is_refused_rather_than_imported_without_its_leading_zeros()
    {
        var s = await Scenario.Start(app);
        using var file = new MemoryStream();
        file.SaveAs(new[]
        {
            new Dictionary<string, object> { ["工号"] = "000321", ["姓名"] = "赵敏", ["部门"] = "办公室" },
            new Dictionary<string, object> { ["工号"] = 321, ["姓名"] = "钱进", ["部门"] = "办公室" },
        }, excelType: ExcelType.XLSX);
        var import = await Import(s, file.ToArray(), "staff.xlsx");
        Assert.Equal((1, 1), (import["created"]!.GetValue<int>(), import["rejected"]!.GetValue<int>()));
        (await s.Api.Send(HttpMethod.Post, $"{s.Canteen()}/staff-imports", "", s.AdminToken, contentType: "text/csv")).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        var cashier = await s.UserToken("cashier");
        (await s.Api.Post($"{s.Canteen()}/staff-imports", new { }, cashier)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
    }
}
