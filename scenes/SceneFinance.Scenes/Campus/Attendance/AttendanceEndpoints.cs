using System.Security.Claims;
using Marten;
using Marten.Pagination;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Platform.Exports;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Time;
using SceneFinance.Scenes.Campus.Reporting;

namespace SceneFinance.Scenes.Campus.Attendance;

/// <summary>A student's day at school: first in and last out (null when the student did not come).</summary>
public sealed record AttendanceRow(string StudentNumber, string Name, string Grade, string Class, bool Present, DateTimeOffset? FirstIn, DateTimeOffset? LastOut, int Taps);

/// <summary>The day's attendance list (考勤): every student in scope, present or not.</summary>
public sealed record AttendanceDay(DateOnly Date, int Present, int Absent, IReadOnlyList<AttendanceRow> Items);

/// <summary>A page of the day's list, with the whole day's counts.</summary>
public sealed record AttendancePage(DateOnly Date, int Present, int Absent, IReadOnlyList<AttendanceRow> Items, long Total);

public static class AttendanceEndpoints
{
    public static void MapAttendance(this IEndpointRouteBuilder api)
    {
        api.MapGroup("/tenants/{tenantId}/campus").WithTags("Campus")
            .MapGet("/attendance", async (string tenantId, DateOnly date, string? grade, string? @class, string? format, HttpContext http, IDocumentStore store, TenantClock clock) =>
                await ReportEndpoints.Answer(await Day(http.User, store, tenantId, date, grade, @class), format, clock, tenantId,
                    (day, zone) => (CampusSheets.Attendance(day.Items, zone, SheetWords.Bilingual), $"attendance-{date:yyyy-MM-dd}.xlsx")))
            .Doc("getAttendance", "The day's attendance list from the gate taps",
                "date is the school's local day (yyyy-MM-dd); every student of the grade or class, first in and last out. format=xlsx for the spreadsheet.")
            .Produces<AttendanceDay>(StatusCodes.Status200OK, "application/json", Xlsx.ContentType);
    }

    public static async Task<Outcome<AttendanceDay>> Day(ClaimsPrincipal user, IDocumentStore store, string tenantId, DateOnly date, string? grade, string? @class)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.Staff);
        await using var session = store.QuerySession(tenantId);
        var roster = await Scope(session, grade, @class).ToListAsync();
        var rows = Rows(roster.OrderBy(s => s.Grade, StringComparer.Ordinal).ThenBy(s => s.Class, StringComparer.Ordinal).ThenBy(s => s.Id, StringComparer.Ordinal),
            await Taps(session, date, null));
        return new AttendanceDay(date, rows.Count(r => r.Present), rows.Count(r => !r.Present), rows);
    }

    /// <summary>One page of the day's list (<paramref name="page"/> from 0): the students page by page, the counts of the whole day.</summary>
    public static async Task<Outcome<AttendancePage>> Page(ClaimsPrincipal user, IDocumentStore store, string tenantId, DateOnly date, string? grade, string? @class,
        int page, int size)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.Staff);
        await using var session = store.QuerySession(tenantId);
        var students = await Scope(session, grade, @class).OrderBy(s => s.Grade).ThenBy(s => s.Class).ThenBy(s => s.Id).ToPagedListAsync(page + 1, size);
        var came = (await session.Query<GateTap>().Where(t => t.LocalDay == date && t.Status == "accepted" && t.StudentNumber != null)
            .Select(t => t.StudentNumber!).Distinct().ToListAsync()).ToArray();
        var present = came.Length == 0 ? 0 : await Scope(session, grade, @class).Where(s => came.Contains(s.Id)).CountAsync();
        var rows = Rows(students, await Taps(session, date, [.. students.Select(s => s.Id)]));
        return new AttendancePage(date, present, (int)students.TotalItemCount - present, rows, students.TotalItemCount);
    }

    static IQueryable<StudentRecord> Scope(IQuerySession session, string? grade, string? @class)
    {
        var students = session.Query<StudentRecord>().AsQueryable();
        if (grade is not null) students = students.Where(s => s.Grade == grade);
        if (@class is not null) students = students.Where(s => s.Class == @class);
        return students;
    }

    static async Task<Dictionary<string, List<GateTap>>> Taps(IQuerySession session, DateOnly date, string[]? students)
    {
        var query = session.Query<GateTap>().Where(t => t.LocalDay == date && t.Status == "accepted" && t.StudentNumber != null);
        if (students is not null) query = query.Where(t => students.Contains(t.StudentNumber!));
        return (await query.ToListAsync()).GroupBy(t => t.StudentNumber!).ToDictionary(g => g.Key, g => g.OrderBy(t => t.OccurredAt).ToList());
    }

    static List<AttendanceRow> Rows(IEnumerable<StudentRecord> students, Dictionary<string, List<GateTap>> taps) => students.Select(s =>
    {
        var mine = taps.GetValueOrDefault(s.Id) ?? [];
        var ins = mine.Where(t => t.Direction != "out").ToList();
        // Without a direction, the day's first tap is the way in and the last (if there is another) the way out.
        var outs = mine.Where(t => t.Direction == "out" || (t.Direction is null && t != mine[0])).ToList();
        return new AttendanceRow(s.Id, s.Name, s.Grade, s.Class, mine.Count > 0, ins.FirstOrDefault()?.OccurredAt, outs.LastOrDefault()?.OccurredAt, mine.Count);
    }).ToList();
}
