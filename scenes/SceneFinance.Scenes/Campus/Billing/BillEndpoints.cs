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

public static class BillEndpoints
{
    /// <summary>
    /// <c>POST /tenants/{t}/campus/fee-plans/{planId}/bills</c> issues the plan's bills to its whole grade (or class);
    /// <c>GET .../campus/bills?grade=&amp;class=&amp;status=&amp;planId=&amp;studentNumber=</c>; <c>GET .../campus/bills/{id}</c> (a guardian: their children's only);
    /// <c>GET .../campus/bills/{id}/receipts</c>; <c>POST .../campus/bills/{id}/cancel</c>.
    /// </summary>
    public static void MapBills(this IEndpointRouteBuilder api)
    {
        api.MapPost("/tenants/{tenantId}/campus/fee-plans/{planId}/bills", async (string tenantId, string planId, HttpContext http, IDocumentStore store, BillGenerator generator) =>
        {
            http.RequireTenantAccess(tenantId, CampusAccess.FinanceOffice);
            var plan = await FeePlanEndpoints.Load(store, tenantId, planId);
            return Results.Json(await generator.Generate(tenantId, plan));
        }).WithTags("Campus").WithSummary("Issue a fee plan's bills to every student of its grade or class");

        var bills = api.MapGroup("/tenants/{tenantId}/campus/bills").WithTags("Campus");

        bills.MapGet("", async (string tenantId, string? grade, string? @class, string? status, string? planId, string? studentNumber, int? limit, int? offset,
            HttpContext http, IDocumentStore store) =>
        {
            http.RequireTenantAccess(tenantId, CampusAccess.Staff);
            new Validation().Require(limit is null or (>= 1 and <= 5000), "limit", "limit must be 1 to 5000.")
                .Require(offset is null or >= 0, "offset", "offset must be 0 or more.").ThrowIfInvalid();
            await using var session = store.QuerySession(tenantId);
            var query = session.Query<BillListing>().AsQueryable();
            if (grade is not null) query = query.Where(b => b.Grade == grade);
            if (@class is not null) query = query.Where(b => b.Class == @class);
            if (status is not null) query = query.Where(b => b.Status == status);
            if (planId is not null) query = query.Where(b => b.PlanId == planId);
            if (studentNumber is not null) query = query.Where(b => b.StudentNumber == studentNumber);
            var items = await query.OrderBy(b => b.Grade).ThenBy(b => b.Class).ThenBy(b => b.StudentNumber).Skip(offset ?? 0).Take(limit ?? 500).ToListAsync();
            return Results.Json(new { items });
        });

        bills.MapGet("/{billId}", async (string tenantId, string billId, HttpContext http, IDocumentStore store, IGrainFactory grains) =>
            Results.Json(await RequireBill(http, store, grains, tenantId, billId)));

        bills.MapGet("/{billId}/receipts", async (string tenantId, string billId, HttpContext http, IDocumentStore store, IGrainFactory grains) =>
        {
            var bill = await RequireBill(http, store, grains, tenantId, billId);
            await using var session = store.QuerySession(tenantId);
            var entries = await session.Query<CollectionEntry>().Where(e => e.BillId == billId).OrderBy(e => e.At).ToListAsync();
            return Results.Json(new
            {
                billId, studentNumber = bill.StudentNumber, studentName = bill.StudentName,
                items = entries.Select(e => new { receiptNo = e.Id, method = e.Method, channel = e.Channel, provider = e.Provider, amount = e.Amount, at = e.At }),
            });
        });

        bills.MapPost("/{billId}/cancel", async (string tenantId, string billId, CancelBillRequest body, HttpContext http, IDocumentStore store, IGrainFactory grains, TimeProvider clock) =>
        {
            http.RequireTenantAccess(tenantId, CampusAccess.FinanceOffice);
            new Validation().Text(body.Reason, "reason", 200).ThrowIfInvalid();
            await RequireBill(http, store, grains, tenantId, billId);
            return Results.Json(await Grain(grains, tenantId, billId).Cancel(body.Reason!.Trim(), http.UserName(), clock.GetUtcNow()));
        });
    }

    public static IBillGrain Grain(IGrainFactory grains, string tenantId, string billId) => grains.GetGrain<IBillGrain>(GrainKeys.For(tenantId, billId));

    /// <summary>The bill if the caller may see it (staff of the tenant, or a guardian of its student); otherwise <c>404</c>.</summary>
    public static async Task<BillView> RequireBill(HttpContext http, IDocumentStore store, IGrainFactory grains, string tenantId, string billId)
    {
        http.RequireTenantAccess(tenantId, CampusAccess.StaffAndGuardians);
        var bill = (billId.StartsWith("bill_", StringComparison.Ordinal) ? await Grain(grains, tenantId, billId).Get() : null)
            ?? throw ProblemException.NotFound("The bill");
        if (http.IsGuardian()) await http.RequireStudent(store, tenantId, bill.StudentNumber);
        return bill;
    }
}
