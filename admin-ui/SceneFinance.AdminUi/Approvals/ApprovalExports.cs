using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.AdminUi.Exports;
using SceneFinance.Platform.Exports;
using SceneFinance.Platform.Time;
using SceneFinance.Scenes.Approving;

namespace SceneFinance.AdminUi.Approvals;

/// <summary>The approval queue as .xlsx: who asked, who decided (names and user ids), for the auditor.</summary>
public static class ApprovalExports
{
    public static void MapApprovalExports(this IEndpointRouteBuilder app) =>
        app.MapGroup("/admin/export").RequireAuthorization().ExcludeFromDescription()
            .MapGet("/approvals.xlsx", async (string tenantId, string? status, HttpContext http, IDocumentStore store, TenantClock clock) =>
            {
                var t = Spreadsheets.Language(http);
                var list = (await Scenes.Approving.Approvals.List(http.User, store, tenantId, status is { Length: > 0 } s ? s : null, 0, 500)).OrThrow();
                return Xlsx.File(Xlsx.Write((await clock.For(tenantId)).Zone, Xlsx.Sheet(t["Approvals"], list.Items,
                    Xlsx.Time<ApprovalListing>(t["Requested"], a => a.RequestedAt),
                    Xlsx.Text<ApprovalListing>(t["Kind"], a => t[a.Kind]),
                    Xlsx.Text<ApprovalListing>(t["What"], a => a.Summary),
                    Xlsx.Yuan<ApprovalListing>(t["Amount"], a => a.Amount),
                    Xlsx.Text<ApprovalListing>(t["Requested by"], a => a.RequestedBy),
                    Xlsx.Text<ApprovalListing>(t["Requester id"], a => a.RequestedById),
                    Xlsx.Text<ApprovalListing>(t["Status"], a => a.Status),
                    Xlsx.Text<ApprovalListing>(t["Decided by"], a => a.DecidedBy ?? ""),
                    Xlsx.Text<ApprovalListing>(t["Approver id"], a => a.DecidedById ?? ""),
                    Xlsx.Text<ApprovalListing>(t["Outcome"], a => a.Outcome ?? ""))), "approvals.xlsx");
            });
}
