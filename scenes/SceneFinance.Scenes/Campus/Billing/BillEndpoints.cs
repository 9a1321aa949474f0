using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Campus.PlanningFees;

namespace SceneFinance.Scenes.Campus.Billing;

public sealed record CancelBillRequest(string? Reason);

/// <summary>Which bills a list shows (every filter optional).</summary>
public sealed record BillQuery(string? Grade = null, string? Class = null, string? Status = null, string? PlanId = null, string? StudentNumber = null,
    int? Limit = null, int? Offset = null);

public sealed record BillList(IReadOnlyList<BillListing> Items);

/// <summary>One payment applied to a bill (or a refund of one, negative), as a receipt: its number is the payment's id.</summary>
/// <summary>A counter refund (method <c>counter-refund</c>) names the payment it refunds as its reference, and why.</summary>
public sealed record Receipt(string ReceiptNo, string Method, string? Channel, string? Provider, long Amount, DateTimeOffset At, string? Reference = null, string? Reason = null);

public sealed record BillReceipts(string BillId, string StudentNumber, string StudentName, IReadOnlyList<Receipt> Items);

public static class BillEndpoints
{
    public static void MapBills(this IEndpointRouteBuilder api)
    {
        api.MapGroup("/tenants/{tenantId}/campus/fee-plans").WithTags("Campus")
            .MapPost("/{planId}/bills", async (string tenantId, string planId, HttpContext http, IDocumentStore store, BillGenerator generator) =>
                (await Generate(http.User, store, generator, tenantId, planId)).ToOk())
            .Doc("generateBills", "Issue a fee plan's bills to every student of its grade or class",
                "Bill ids are derived from plan and student: generating again issues nothing twice and picks up students added since. 409 when a bill was changed meanwhile (generate again).")
            .Problems(StatusCodes.Status409Conflict);

        var bills = api.MapGroup("/tenants/{tenantId}/campus/bills").WithTags("Campus");

        bills.MapGet("", async (string tenantId, string? grade, string? @class, string? status, string? planId, string? studentNumber, int? limit, int? offset,
                HttpContext http, IDocumentStore store) =>
                (await List(http.User, store, tenantId, new BillQuery(grade, @class, status, planId, studentNumber, limit, offset))).ToOk())
            .Doc("listBills", "Bills by grade, class, status, plan or student", "Ordered by grade, class and student number; limit 1 to 5000 (default 500).");

        bills.MapGet("/{billId}", async (string tenantId, string billId, HttpContext http, IDocumentStore store, IGrainFactory grains) =>
                (await Find(http.User, store, grains, tenantId, billId)).ToOk())
            .Doc("getBill", "A bill with its installments and what was paid, waived and refunded", "Staff of the tenant, or a guardian of its student.");

        bills.MapGet("/{billId}/receipts", async (string tenantId, string billId, HttpContext http, IDocumentStore store, IGrainFactory grains) =>
                (await Receipts(http.User, store, grains, tenantId, billId)).ToOk())
            .Doc("listBillReceipts", "What was paid on a bill, oldest first", "Staff of the tenant, or a guardian of its student.");

        bills.MapPost("/{billId}/cancel", async (string tenantId, string billId, CancelBillRequest body, HttpContext http, IDocumentStore store, IGrainFactory grains, TimeProvider clock) =>
                (await Cancel(http.User, store, grains, tenantId, billId, body, clock.GetUtcNow())).ToOk())
            .Doc("cancelBill", "Cancel a bill with no money on it",
                "A bill with nothing outstanding and nothing collected is cancelled at once. Any other cancellation writes money off: it is refused "
                + "409 approval_required, and asked for through requestBillCancellation instead.")
            .Problems(StatusCodes.Status409Conflict);
    }

    // The slice: the routes above and the finance office's pages call these functions, so access, validation and the grain are one path.

    public static async Task<Outcome<GenerationResult>> Generate(ClaimsPrincipal user, IDocumentStore store, BillGenerator generator, string tenantId, string planId)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.FinanceOffice);
        return await (await FeePlanEndpoints.Find(store, tenantId, planId)).Then<GenerationResult>(async plan => await generator.Generate(tenantId, plan));
    }

    public static async Task<Outcome<BillList>> List(ClaimsPrincipal user, IDocumentStore store, string tenantId, BillQuery q)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.Staff);
        new Validation().Require(q.Limit is null or (>= 1 and <= 5000), "limit", "limit must be 1 to 5000.")
            .Require(q.Offset is null or >= 0, "offset", "offset must be 0 or more.").ThrowIfInvalid();
        await using var session = store.QuerySession(tenantId);
        var query = session.Query<BillListing>().AsQueryable();
        if (q.Grade is not null) query = query.Where(b => b.Grade == q.Grade);
        if (q.Class is not null) query = query.Where(b => b.Class == q.Class);
        if (q.Status is not null) query = query.Where(b => b.Status == q.Status);
        if (q.PlanId is not null) query = query.Where(b => b.PlanId == q.PlanId);
        if (q.StudentNumber is not null) query = query.Where(b => b.StudentNumber == q.StudentNumber);
        var items = await query.OrderBy(b => b.Grade).ThenBy(b => b.Class).ThenBy(b => b.StudentNumber).Skip(q.Offset ?? 0).Take(q.Limit ?? 500).ToListAsync();
        return new BillList(items);
    }

    /// <summary>The bill if the caller may see it (staff of the tenant, or a guardian of its student); otherwise <c>not_found</c>.</summary>
    public static async Task<Outcome<BillView>> Find(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId, string billId)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.StaffAndGuardians);
        var bill = IsBillId(billId) ? await Grain(grains, tenantId, billId).Get() : null;
        if (bill is null) return Refusal.NotFound("The bill");
        if (user.IsGuardian() && (await user.Student(store, tenantId, bill.StudentNumber)).Refused) return Refusal.NotFound("The bill");
        return bill;
    }

    public static async Task<Outcome<BillReceipts>> Receipts(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId, string billId) =>
        await (await Find(user, store, grains, tenantId, billId)).Then<BillReceipts>(async bill =>
        {
            await using var session = store.QuerySession(tenantId);
            var entries = await session.Query<CollectionEntry>().Where(e => e.BillId == billId).OrderBy(e => e.At).ToListAsync();
            return new BillReceipts(billId, bill.StudentNumber, bill.StudentName,
                [.. entries.Select(e => new Receipt(e.Id, e.Method, e.Channel, e.Provider, e.Amount, e.At, e.Reference, e.Reason))]);
        });

    public static async Task<Outcome<BillView>> Cancel(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId, string billId,
        CancelBillRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.FinanceOffice);
        new Validation().Text(body.Reason, "reason", 200).ThrowIfInvalid();
        // With money outstanding or collected, cancelling is a write-off: it goes through the approval queue (WritingOff), never here.
        return await (await Find(user, store, grains, tenantId, billId)).Then(bill => WritingOff.WriteOffs.IsWriteOff(bill)
            ? Task.FromResult<Outcome<BillView>>(WritingOff.WriteOffs.ApprovalRequired("Cancelling a bill with money outstanding or collected"))
            : Grain(grains, tenantId, billId).Cancel(body.Reason!.Trim(), user.UserId(), now));
    }

    public static IBillGrain Grain(IGrainFactory grains, string tenantId, string billId) => grains.GetGrain<IBillGrain>(GrainKeys.For(tenantId, billId));

    /// <summary>Ids not shaped like a bill's never reach a grain.</summary>
    public static bool IsBillId(string id) => id.StartsWith("bill_", StringComparison.Ordinal);
}
