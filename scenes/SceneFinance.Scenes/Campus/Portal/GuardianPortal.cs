using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Payments.Gateway;
using SceneFinance.Payments.Intents;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Campus.Billing;
using SceneFinance.Scenes.CardHolders.ToppingUpOnline;

namespace SceneFinance.Scenes.Campus.Portal;

/// <summary>A child as their guardian sees them: card balance and every bill.</summary>
public sealed record ChildView(string StudentNumber, string Name, string Grade, string Class, string CardHolderId, string? CardLast4, Balance? Balance, IReadOnlyList<BillView> Bills);

public sealed record ChildList(IReadOnlyList<ChildView> Items);

public sealed record GuardianView(string Name, string? Phone, string Relation);

/// <summary>A student as staff (and their own guardians) see them: phones masked, as everywhere (api-v1.md).</summary>
public sealed record StudentView(string StudentNumber, string Name, string Grade, string Class, string CardHolderId, IReadOnlyList<GuardianView> Guardians)
{
    public static StudentView Of(StudentRecord s) => new(s.Id, s.Name, s.Grade, s.Class, s.CardHolderId,
        [.. s.Guardians.Select(g => new GuardianView(g.Name, g.Masked, g.Relation))]);
}

public sealed record StudentList(IReadOnlyList<StudentView> Items);

public sealed record GuardianTopUpRequest(long? Amount, string? Channel);

/// <summary>The parent portal's slice and the roster's reads: the API routes and the portal pages call the same functions.</summary>
public static class GuardianPortal
{
    public static void MapGuardianPortal(this IEndpointRouteBuilder api)
    {
        var campus = api.MapGroup("/tenants/{tenantId}/campus").WithTags("Campus");

        campus.MapGet("/my/children", async (string tenantId, HttpContext http, IDocumentStore store, IGrainFactory grains) =>
                (await Children(http.User, store, grains, tenantId)).ToOk())
            .Doc("listMyChildren", "A guardian's children, their cards and bills", "The children whose roster names the signed-in guardian's phone.");

        var students = campus.MapGroup("/students");
        students.MapGet("", async (string tenantId, string? grade, string? @class, HttpContext http, IDocumentStore store) =>
                (await Students(http.User, store, tenantId, grade, @class)).ToOk())
            .Doc("listStudents", "The roster: students by grade and class, guardians' phones masked");
        students.MapGet("/{studentNumber}", async (string tenantId, string studentNumber, HttpContext http, IDocumentStore store) =>
                (await http.User.Student(store, tenantId, studentNumber)).Map(StudentView.Of).ToOk())
            .Doc("getStudent", "One student (staff; a guardian their own child)");
        students.MapPost("/{studentNumber}/online-topups", async (string tenantId, string studentNumber, GuardianTopUpRequest body, HttpContext http,
                IDocumentStore store, IPaymentGateway gateway, TimeProvider clock) =>
            {
                http.User.RequireTenantAccess(tenantId, TopUpPeople);
                var key = IdempotencyTicket.RequireKey(http.Request);
                return (await TopUp(http.User, store, gateway, tenantId, studentNumber, body, key, clock.GetUtcNow()))
                    .ToCreated(i => $"/api/v1/tenants/{tenantId}/payment-intents/{i.Id}");
            })
            .Doc("topUpStudentOnline", "Top up a child's campus card online (guardians and the card office)",
                "201 a payment intent with its checkout link; the cash purse is credited when the channel confirms.")
            .Idempotent();
    }

    static readonly string[] TopUpPeople = [.. Roles.CardOffice, Roles.Guardian];

    /// <summary>The children whose roster names the guardian's phone, with their bills (newest first).</summary>
    public static async Task<Outcome<ChildList>> Children(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId)
    {
        user.RequireTenantAccess(tenantId, [Roles.Guardian]);
        var phone = user.UserName();
        await using var session = store.QuerySession(tenantId);
        var (digest, clear) = StudentRecord.PhoneKeys(phone);
        var students = await session.Query<StudentRecord>().Where(s => s.GuardianPhones.Contains(digest) || s.GuardianPhones.Contains(clear)).ToListAsync();
        var numbers = students.Select(s => s.Id).ToArray();
        var bills = await session.Query<BillListing>().Where(b => numbers.Contains(b.StudentNumber)).ToListAsync();
        var children = new List<ChildView>();
        foreach (var s in students.OrderBy(s => s.Id, StringComparer.Ordinal))
        {
            var holder = await grains.GetGrain<ICardHolderGrain>(GrainKeys.For(tenantId, s.CardHolderId)).Get();
            var views = new List<BillView>();
            foreach (var b in bills.Where(b => b.StudentNumber == s.Id).OrderByDescending(b => b.IssuedAt))
                if (await BillEndpoints.Grain(grains, tenantId, b.Id).Get() is { } view) views.Add(view);
            children.Add(new ChildView(s.Id, s.Name, s.Grade, s.Class, s.CardHolderId, holder?.CardNumber[^4..], holder?.Balance, views));
        }
        return new ChildList(children);
    }

    public static async Task<Outcome<StudentList>> Students(ClaimsPrincipal user, IDocumentStore store, string tenantId, string? grade, string? @class)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.Staff);
        await using var session = store.QuerySession(tenantId);
        var query = session.Query<StudentRecord>().AsQueryable();
        if (grade is not null) query = query.Where(s => s.Grade == grade);
        if (@class is not null) query = query.Where(s => s.Class == @class);
        return new StudentList([.. (await query.OrderBy(s => s.Id).Take(10_000).ToListAsync()).Select(StudentView.Of)]);
    }

    /// <summary>Tops up a child's campus card through a channel (a guardian: their own children only; anyone else's is <c>not_found</c>).</summary>
    public static async Task<Outcome<PaymentIntentView>> TopUp(ClaimsPrincipal user, IDocumentStore store, IPaymentGateway gateway, string tenantId, string studentNumber,
        GuardianTopUpRequest body, string key, DateTimeOffset now) =>
        await (await user.Student(store, tenantId, studentNumber, Roles.CardOffice)).Then(student =>
        {
            new Validation().Amount(body.Amount).OneOf(body.Channel, "channel", PaymentChannels.All).ThrowIfInvalid();
            var ticket = IdempotencyTicket.For(user.KeyScope(), key, "student-topup", studentNumber, body.Amount, body.Channel);
            return gateway.CreateIntent(tenantId, new CreateIntent(body.Channel!, body.Amount!.Value, $"{student.Name} 校园卡充值 card top-up",
                new IntentPurpose(CardTopUpFulfilment.PurposeKind, student.CardHolderId, "cash"), ticket, user.UserName(), now));
        });
}
