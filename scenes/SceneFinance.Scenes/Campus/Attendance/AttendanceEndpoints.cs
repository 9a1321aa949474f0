using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Platform.Security;

namespace SceneFinance.Scenes.Campus.Attendance;

/// <summary>A student's day at school: first in and last out (null when the student did not come).</summary>
public sealed record AttendanceRow(string StudentNumber, string Name, string Grade, string Class, bool Present, DateTimeOffset? FirstIn, DateTimeOffset? LastOut, int Taps);

public static class AttendanceEndpoints
{
    /// <summary><c>GET /tenants/{t}/campus/attendance?date=yyyy-MM-dd&amp;grade=&amp;class=&amp;format=xlsx</c>: every student in scope, present or not (考勤).</summary>
    public static void MapAttendance(this IEndpointRouteBuilder api)
    {
        api.MapGet("/tenants/{tenantId}/campus/attendance", async (string tenantId, DateOnly date, string? grade, string? @class, string? format,
            HttpContext http, IDocumentStore store, IGrainFactory grains) =>
        {
            http.RequireTenantAccess(tenantId, CampusAccess.Staff);
            var rows = await Day(store, tenantId, date, grade, @class);
            if (format != "xlsx") return Results.Json(new { date, present = rows.Count(r => r.Present), absent = rows.Count(r => !r.Present), items = rows });
            var zone = await GateTaps.Zone(grains, tenantId);
            string? Local(DateTimeOffset? t) => t is null ? null : TimeZoneInfo.ConvertTime(t.Value, zone).ToString("HH:mm:ss");
            return Xlsx.File(Xlsx.Write(rows.Select(r => (IDictionary<string, object?>)new Dictionary<string, object?>
            {
                ["学号 Student number"] = r.StudentNumber, ["姓名 Name"] = r.Name, ["年级 Grade"] = r.Grade, ["班级 Class"] = r.Class,
                ["到校 Present"] = r.Present ? "是 yes" : "否 no", ["首次进校 First in"] = Local(r.FirstIn), ["最后离校 Last out"] = Local(r.LastOut), ["刷卡次数 Taps"] = r.Taps,
            }), "考勤"), $"attendance-{date:yyyy-MM-dd}.xlsx");
        }).WithTags("Campus").WithSummary("The day's attendance list from the gate taps");
    }

    public static async Task<IReadOnlyList<AttendanceRow>> Day(IDocumentStore store, string tenantId, DateOnly date, string? grade, string? @class)
    {
        await using var session = store.QuerySession(tenantId);
        var students = session.Query<StudentRecord>().AsQueryable();
        if (grade is not null) students = students.Where(s => s.Grade == grade);
        if (@class is not null) students = students.Where(s => s.Class == @class);
        var roster = await students.ToListAsync();
        var taps = (await session.Query<GateTap>().Where(t => t.LocalDay == date && t.Status == "accepted" && t.StudentNumber != null).ToListAsync())
            .GroupBy(t => t.StudentNumber!).ToDictionary(g => g.Key, g => g.OrderBy(t => t.OccurredAt).ToList());
        return roster.OrderBy(s => s.Grade, StringComparer.Ordinal).ThenBy(s => s.Class, StringComparer.Ordinal).ThenBy(s => s.Id, StringComparer.Ordinal)
            .Select(s =>
            {
                var mine = taps.GetValueOrDefault(s.Id) ?? [];
                var ins = mine.Where(t => t.Direction != "out").ToList();
                // Without a direction, the day's first tap is the way in and the last (if there is another) the way out.
                var outs = mine.Where(t => t.Direction == "out" || (t.Direction is null && t != mine[0])).ToList();
                return new AttendanceRow(s.Id, s.Name, s.Grade, s.Class, mine.Count > 0, ins.FirstOrDefault()?.OccurredAt, outs.LastOrDefault()?.OccurredAt, mine.Count);
            }).ToList();
    }
}
