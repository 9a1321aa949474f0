using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Time;

namespace SceneFinance.Scenes.Campus.Reminding;

/// <summary>A reminder in the outbox as staff see it: the guardian's phone masked (also inside the id, which names it).</summary>
public sealed record OutboxItem(string Id, string Kind, string BillId, string StudentNumber, string Phone, string Text, string Status, DateOnly DueDate,
    DateTimeOffset CreatedAt, DateTimeOffset? SentAt)
{
    public static OutboxItem Of(OutboxMessage m) => new(m.Id.Replace(m.Phone, Masking.Phone(m.Phone)), m.Kind, m.BillId, m.StudentNumber,
        Masking.Phone(m.Phone)!, m.Text, m.Status, m.DueDate, m.CreatedAt, m.SentAt);
}

public sealed record OutboxList(IReadOnlyList<OutboxItem> Items);

public static class OutboxEndpoints
{
    public static void MapOutbox(this IEndpointRouteBuilder api)
    {
        var campus = api.MapGroup("/tenants/{tenantId}/campus").WithTags("Campus");

        campus.MapPost("/reminders/run", async (string tenantId, HttpContext http, Reminders reminders, TenantClock clock) =>
                (await RunNow(http.User, reminders, clock, tenantId)).ToOk())
            .Doc("runReminders", "Run the reminders and late fees now (what the daily job does)",
                "For this school, on its local day. Idempotent: an installment becomes overdue once and a reminder is queued once, so a second run changes nothing.");

        campus.MapGet("/outbox", async (string tenantId, string? status, string? billId, int? limit, HttpContext http, IDocumentStore store) =>
                (await Outbox(http.User, store, tenantId, status, billId, limit)).ToOk())
            .Doc("listOutbox", "The reminder outbox, newest first", "status: queued or sent; phones masked.");
    }

    public static async Task<Outcome<ReminderRun>> RunNow(ClaimsPrincipal user, Reminders reminders, TenantClock clock, string tenantId)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.FinanceOffice);
        return await reminders.RunTenant(tenantId, (await clock.For(tenantId)).Today);
    }

    public static async Task<Outcome<OutboxList>> Outbox(ClaimsPrincipal user, IDocumentStore store, string tenantId, string? status, string? billId, int? limit)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.Staff);
        await using var session = store.QuerySession(tenantId);
        var query = session.Query<OutboxMessage>().AsQueryable();
        if (status is not null) query = query.Where(m => m.Status == status);
        if (billId is not null) query = query.Where(m => m.BillId == billId);
        var items = await query.OrderByDescending(m => m.CreatedAt).Take(Math.Clamp(limit ?? 500, 1, 10_000)).ToListAsync();
        return new OutboxList([.. items.Select(OutboxItem.Of)]);
    }
}
