using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Platform.Security;

namespace SceneFinance.Scenes.Campus.Reminding;

public static class OutboxEndpoints
{
    /// <summary>
    /// <c>GET /tenants/{t}/campus/outbox?status=queued&amp;billId=</c>: the reminders queued for guardians (phones masked);
    /// <c>POST /tenants/{t}/campus/reminders/run</c>: the daily reminder and late-fee run, now, for this school (idempotent: a second run changes nothing).
    /// </summary>
    public static void MapOutbox(this IEndpointRouteBuilder api)
    {
        api.MapPost("/tenants/{tenantId}/campus/reminders/run", async (string tenantId, HttpContext http, Reminders reminders, IGrainFactory grains, TimeProvider clock) =>
        {
            http.RequireTenantAccess(tenantId, CampusAccess.FinanceOffice);
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), await Attendance.GateTaps.Zone(grains, tenantId)).DateTime);
            return Results.Json(await reminders.RunTenant(tenantId, today));
        }).WithTags("Campus").WithSummary("Run the reminders and late fees now (what the daily job does)");

        api.MapGet("/tenants/{tenantId}/campus/outbox", async (string tenantId, string? status, string? billId, int? limit, HttpContext http, IDocumentStore store) =>
        {
            http.RequireTenantAccess(tenantId, CampusAccess.Staff);
            await using var session = store.QuerySession(tenantId);
            var query = session.Query<OutboxMessage>().AsQueryable();
            if (status is not null) query = query.Where(m => m.Status == status);
            if (billId is not null) query = query.Where(m => m.BillId == billId);
            var items = await query.OrderByDescending(m => m.CreatedAt).Take(Math.Clamp(limit ?? 500, 1, 10_000)).ToListAsync();
            return Results.Json(new
            {
                items = items.Select(m => new { id = m.Id.Replace(m.Phone, Masking.Phone(m.Phone)), kind = m.Kind, billId = m.BillId, studentNumber = m.StudentNumber,
                    phone = Masking.Phone(m.Phone), text = m.Text, status = m.Status, dueDate = m.DueDate, createdAt = m.CreatedAt, sentAt = m.SentAt }),
            });
        }).WithTags("Campus").WithSummary("The reminder outbox");
    }
}
