using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Payments.Gateway;
using SceneFinance.Payments.Intents;
using SceneFinance.Scenes.CardHolders.ToppingUpOnline;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Campus.Billing;
using SceneFinance.Scenes.Campus.PayingBills;

namespace SceneFinance.Scenes.Campus.Portal;

/// <summary>A child as their guardian sees them: card balance and every bill.</summary>
public sealed record ChildView(string StudentNumber, string Name, string Grade, string Class, string CardHolderId, string? CardLast4, Balance? Balance, IReadOnlyList<BillView> Bills);

public sealed record GuardianTopUpRequest(long? Amount, string? Channel);

/// <summary>The parent portal's reads, shared by the API and the portal pages.</summary>
public sealed class GuardianPortal(IDocumentStore store, IGrainFactory grains, IPaymentGateway gateway, TimeProvider clock)
{
    /// <summary>A guardian pays (part of) a child's bill through a channel: the intent's answer, with its checkout link. Another family's bill is <c>404</c>.</summary>
    public async Task<Outcome<PaymentIntentView>> PayBill(string tenantId, string phone, string billId, long amount, string channel, string key)
    {
        new Validation().Amount(amount).OneOf(channel, "channel", PaymentChannels.All).ThrowIfInvalid();
        var bill = await Child(tenantId, phone, billId);
        var ticket = IdempotencyTicket.For("guardian/" + phone, key, "bill-online", billId, amount, channel);
        return await gateway.CreateIntent(tenantId, new CreateIntent(channel, amount, $"{bill.PlanName} {bill.StudentName} 学杂费",
            new IntentPurpose(BillFulfilment.PurposeKind, billId, BillFulfilment.Payer(phone, guardian: true)), ticket, phone, clock.GetUtcNow()));
    }

    /// <summary>A guardian tops up a child's campus card through a channel.</summary>
    public async Task<Outcome<PaymentIntentView>> TopUp(string tenantId, string phone, string studentNumber, long amount, string channel, string key)
    {
        new Validation().Amount(amount).OneOf(channel, "channel", PaymentChannels.All).ThrowIfInvalid();
        await using var session = store.QuerySession(tenantId);
        var student = await session.LoadAsync<StudentRecord>(studentNumber);
        if (student is null || !student.GuardianPhones.Contains(phone)) throw ProblemException.NotFound("The student");
        var ticket = IdempotencyTicket.For("guardian/" + phone, key, "student-topup", studentNumber, amount, channel);
        return await gateway.CreateIntent(tenantId, new CreateIntent(channel, amount, $"{student.Name} 校园卡充值 card top-up",
            new IntentPurpose(CardTopUpFulfilment.PurposeKind, student.CardHolderId, "cash"), ticket, phone, clock.GetUtcNow()));
    }

    /// <summary>What was paid on a bill, oldest first (the receipts).</summary>
    public async Task<IReadOnlyList<CollectionEntry>> Receipts(string tenantId, string phone, string billId)
    {
        await Child(tenantId, phone, billId);
        await using var session = store.QuerySession(tenantId);
        return await session.Query<CollectionEntry>().Where(e => e.BillId == billId).OrderBy(e => e.At).ToListAsync();
    }

    async Task<BillView> Child(string tenantId, string phone, string billId)
    {
        var bill = (billId.StartsWith("bill_", StringComparison.Ordinal) ? await grains.GetGrain<IBillGrain>(GrainKeys.For(tenantId, billId)).Get() : null)
            ?? throw ProblemException.NotFound("The bill");
        await using var session = store.QuerySession(tenantId);
        var student = await session.LoadAsync<StudentRecord>(bill.StudentNumber);
        if (student is null || !student.GuardianPhones.Contains(phone)) throw ProblemException.NotFound("The bill");
        return bill;
    }

    /// <summary>The children whose roster names this phone as a guardian, with their bills (newest first).</summary>
    public async Task<IReadOnlyList<ChildView>> Children(string tenantId, string phone)
    {
        await using var session = store.QuerySession(tenantId);
        var students = await session.Query<StudentRecord>().Where(s => s.GuardianPhones.Contains(phone)).ToListAsync();
        var numbers = students.Select(s => s.Id).ToArray();
        var bills = await session.Query<BillListing>().Where(b => numbers.Contains(b.StudentNumber)).ToListAsync();
        var children = new List<ChildView>();
        foreach (var s in students.OrderBy(s => s.Id, StringComparer.Ordinal))
        {
            var holder = await grains.GetGrain<ICardHolderGrain>(GrainKeys.For(tenantId, s.CardHolderId)).Get();
            var views = new List<BillView>();
            foreach (var b in bills.Where(b => b.StudentNumber == s.Id).OrderByDescending(b => b.IssuedAt))
                if (await grains.GetGrain<IBillGrain>(GrainKeys.For(tenantId, b.Id)).Get() is { } view) views.Add(view);
            children.Add(new ChildView(s.Id, s.Name, s.Grade, s.Class, s.CardHolderId, holder?.CardNumber[^4..], holder?.Balance, views));
        }
        return children;
    }

    /// <summary>
    /// <c>GET /tenants/{t}/campus/my/children</c> (a guardian: their children and bills); <c>GET /tenants/{t}/campus/students?grade=&amp;class=</c> and
    /// <c>GET .../campus/students/{studentNumber}</c> (staff; a guardian their own child); <c>POST .../campus/students/{studentNumber}/online-topups</c>
    /// (Idempotency-Key) <c>{"amount","channel"}</c>: a guardian tops up their child's card through a channel.
    /// </summary>
    public static void MapGuardianPortal(IEndpointRouteBuilder api)
    {
        api.MapGet("/tenants/{tenantId}/campus/my/children", async (string tenantId, HttpContext http, GuardianPortal portal) =>
        {
            http.RequireTenantAccess(tenantId, [Roles.Guardian]);
            return Results.Json(new { items = await portal.Children(tenantId, http.UserName()) });
        }).WithTags("Campus").WithSummary("A guardian's children, their cards and bills");

        var students = api.MapGroup("/tenants/{tenantId}/campus/students").WithTags("Campus");
        students.MapGet("", async (string tenantId, string? grade, string? @class, HttpContext http, IDocumentStore store) =>
        {
            http.RequireTenantAccess(tenantId, CampusAccess.Staff);
            await using var session = store.QuerySession(tenantId);
            var query = session.Query<StudentRecord>().AsQueryable();
            if (grade is not null) query = query.Where(s => s.Grade == grade);
            if (@class is not null) query = query.Where(s => s.Class == @class);
            var items = await query.OrderBy(s => s.Id).Take(10_000).ToListAsync();
            return Results.Json(new { items = items.Select(Show) });
        });
        students.MapGet("/{studentNumber}", async (string tenantId, string studentNumber, HttpContext http, IDocumentStore store) =>
            Results.Json(Show(await http.RequireStudent(store, tenantId, studentNumber))));
        students.MapPost("/{studentNumber}/online-topups", async (string tenantId, string studentNumber, GuardianTopUpRequest body, HttpContext http,
            IDocumentStore store, IPaymentGateway gateway, TimeProvider clock) =>
        {
            var student = await http.RequireStudent(store, tenantId, studentNumber, Roles.CardOffice);
            var key = IdempotencyTicket.RequireKey(http.Request);
            new Validation().Amount(body.Amount).OneOf(body.Channel, "channel", PaymentChannels.All).ThrowIfInvalid();
            var ticket = IdempotencyTicket.For(http.IsGuardian() ? "guardian/" + http.UserName() : "tenant", key, "student-topup", studentNumber, body.Amount, body.Channel);
            return (await gateway.CreateIntent(tenantId, new CreateIntent(body.Channel!, body.Amount!.Value,
                $"{student.Name} 校园卡充值 card top-up", new IntentPurpose(CardTopUpFulfilment.PurposeKind, student.CardHolderId, "cash"), ticket, http.UserName(), clock.GetUtcNow())))
                .ToCreated(i => $"/api/v1/tenants/{tenantId}/payment-intents/{i.Id}");
        }).WithSummary("Top up a child's campus card online (guardians)");
    }

    /// <summary>Phones masked, as everywhere (api-v1.md).</summary>
    static object Show(StudentRecord s) => new
    {
        studentNumber = s.Id, name = s.Name, grade = s.Grade, @class = s.Class, cardHolderId = s.CardHolderId,
        guardians = s.Guardians.Select(g => new { name = g.Name, phone = Masking.Phone(g.Phone), relation = g.Relation }),
    };
}
