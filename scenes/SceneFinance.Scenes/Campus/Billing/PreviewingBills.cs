using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Scenes.Campus.PlanningFees;

namespace SceneFinance.Scenes.Campus.Billing;

/// <summary>What issuing a plan would bill one class: its students, how many are billed already, and the sums.</summary>
public sealed record PreviewRow(string Grade, string Class, int Students, int AlreadyIssued, int WithSiblingDiscount, long Gross, long Discount, long Amount);

/// <summary>What <c>generateBills</c> would do now, computed by the same rules and nothing written; the last row is the total (class "*").</summary>
public sealed record GenerationPreview(string PlanId, IReadOnlyList<PreviewRow> Rows, PreviewRow Total);

public static class PreviewingBills
{
    public static void MapBillPreview(this IEndpointRouteBuilder api) =>
        api.MapGroup("/tenants/{tenantId}/campus/fee-plans").WithTags("Campus")
            .MapGet("/{planId}/bills/preview", async (string tenantId, string planId, HttpContext http, IDocumentStore store, BillGenerator generator) =>
                (await Preview(http.User, store, generator, tenantId, planId)).ToOk())
            .Doc("previewBills", "What issuing a fee plan's bills would bill, class by class, before issuing",
                "Students, bills issued already (issuing again skips them), sibling discounts and the amounts, by the same rules as generateBills; nothing is written.");

    public static async Task<Outcome<GenerationPreview>> Preview(ClaimsPrincipal user, IDocumentStore store, BillGenerator generator, string tenantId, string planId)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.FinanceOffice);
        return await (await FeePlanEndpoints.Find(store, tenantId, planId)).Then<GenerationPreview>(async plan => await generator.Preview(tenantId, plan));
    }
}
