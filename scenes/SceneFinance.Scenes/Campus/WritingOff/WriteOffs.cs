using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Storage;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Approving;
using SceneFinance.Scenes.Campus.Billing;
using SceneFinance.Scenes.Campus.PlanningFees;

namespace SceneFinance.Scenes.Campus.WritingOff;

public sealed record FundedPaymentRequest(string? Method, long? Amount, string? Provider, string? Reference);

/// <summary>
/// Write-offs need a second person: cancelling a bill with money outstanding or collected, and a loan or subsidy "payment" (money
/// no one handed over at the counter). Each is asked for here and carried out by <see cref="CancelBill"/> or
/// <see cref="FundedPayment"/> when someone else approves it in the approval queue.
/// </summary>
public static class WriteOffs
{
    public const string CancelKind = "campus-bill-cancel", FundedPaymentKind = "campus-funded-payment";

    public static void MapWriteOffs(this IEndpointRouteBuilder api)
    {
        var bills = api.MapGroup("/tenants/{tenantId}/campus/bills/{billId}").WithTags("Campus");

        bills.MapPost("/cancellation-requests", async (string tenantId, string billId, CancelBillRequest body, HttpContext http, IDocumentStore store,
                StreamWriters writers, IGrainFactory grains, TimeProvider clock) =>
                (await RequestCancel(http.User, store, writers, grains, tenantId, billId, body, clock.GetUtcNow())).ToCreated(a => $"/api/v1/tenants/{tenantId}/approvals/{a.Id}"))
            .Doc("requestBillCancellation", "Ask to cancel a bill with money on it (a write-off)",
                "201 a pending approval: the bill is cancelled, and what is outstanding written off, when someone other than the asker approves it.");

        bills.MapPost("/funded-payments", async (string tenantId, string billId, FundedPaymentRequest body, HttpContext http, IDocumentStore store,
                StreamWriters writers, IGrainFactory grains, TimeProvider clock) =>
                (await RequestFundedPayment(http.User, store, writers, grains, tenantId, billId, body, clock.GetUtcNow())).ToCreated(a => $"/api/v1/tenants/{tenantId}/approvals/{a.Id}"))
            .Doc("requestFundedPayment", "Ask to record a loan or subsidy covering a bill",
                "201 a pending approval: the payment (method loan or subsidy, naming its provider) is recorded when someone other than the asker approves it.")
            .Problems(StatusCodes.Status409Conflict);
    }

    /// <summary>A bill with nothing outstanding and nothing collected may be cancelled at once; any other is a write-off.</summary>
    public static bool IsWriteOff(BillView bill) => bill.OutstandingAmount > 0 || bill.PaidAmount > 0;

    public static Refusal ApprovalRequired(string what) => Refusal.Conflict(
        $"{what} needs a second person's approval: ask for it, and someone else approves it in the approval queue.", ApprovalDecisions.ApprovalRequired);

    public static async Task<Outcome<ApprovalView>> RequestCancel(ClaimsPrincipal user, IDocumentStore store, StreamWriters writers, IGrainFactory grains,
        string tenantId, string billId, CancelBillRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.FinanceOffice);
        new Validation().Text(body.Reason, "reason", 200).ThrowIfInvalid();
        return await (await BillEndpoints.Find(user, store, grains, tenantId, billId)).Then(bill => Approvals.Request(user, writers, tenantId, CancelKind, billId,
            bill.OutstandingAmount, $"Cancel bill {billId} of {bill.StudentNumber} {bill.StudentName}", new Dictionary<string, string> { ["reason"] = body.Reason!.Trim() }, now));
    }

    public static async Task<Outcome<ApprovalView>> RequestFundedPayment(ClaimsPrincipal user, IDocumentStore store, StreamWriters writers, IGrainFactory grains,
        string tenantId, string billId, FundedPaymentRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.FinanceOffice);
        new Validation()
            .Amount(body.Amount)
            .OneOf(body.Method, "method", "loan", "subsidy")
            .Require(body.Provider is { Length: > 0 and <= 64 }, "provider", "provider (the lender or subsidy programme) is required, up to 64 characters.")
            .Require(body.Reference is null || body.Reference.Length <= 64, "reference", "reference must be at most 64 characters.")
            .ThrowIfInvalid();
        return await (await BillEndpoints.Find(user, store, grains, tenantId, billId)).Then(async bill =>
        {
            if (body.Amount > bill.OutstandingAmount)
                return Refusal.Conflict($"At most {bill.OutstandingAmount} fen is outstanding on this bill.", CampusCodes.ExceedsOutstanding);
            var details = new Dictionary<string, string> { ["method"] = body.Method!, ["provider"] = body.Provider!.Trim() };
            if (body.Reference is { Length: > 0 } reference) details["reference"] = reference.Trim();
            return await Approvals.Request(user, writers, tenantId, FundedPaymentKind, billId, body.Amount!.Value,
                $"{body.Method} from {body.Provider!.Trim()} for bill {billId} of {bill.StudentNumber} {bill.StudentName}", details, now);
        });
    }

    /// <summary>Who did it and who approved it, as the bill's own events record it.</summary>
    static string Who(Approval a) => $"{a.RequestedById} (approved by {a.DecidedById}, {a.Id})";

    public sealed class CancelBill(IGrainFactory grains) : IApprovalAction
    {
        public string Kind => CancelKind;
        public string[] Approvers => CampusAccess.FinanceOffice;

        public async Task<Outcome<string>> CarryOut(string tenantId, Approval a, DateTimeOffset now)
        {
            var cancelled = await BillEndpoints.Grain(grains, tenantId, a.Subject).Cancel(a.Details["reason"], Who(a), now);
            return cancelled.Refusal is { } refused ? refused : $"cancelled {a.Subject}";
        }
    }

    public sealed class FundedPayment(IGrainFactory grains, IDocumentStore store) : IApprovalAction
    {
        public string Kind => FundedPaymentKind;
        public string[] Approvers => CampusAccess.FinanceOffice;

        public async Task<Outcome<string>> CarryOut(string tenantId, Approval a, DateTimeOffset now)
        {
            var settings = await FeePlanEndpoints.Settings(store, tenantId);
            var method = a.Details["method"];
            var provider = a.Details["provider"];
            var reference = a.Details.GetValueOrDefault("reference");
            // Once per approval, whatever happens between here and "carried out".
            var ticket = IdempotencyTicket.For("approval", a.Id, "bill-payment", a.Subject, a.Amount, method, provider, reference);
            var paid = await BillEndpoints.Grain(grains, tenantId, a.Subject).PayOffline(new PayBillOffline(Ids.Derived("pay", a.Id), method, a.Amount,
                provider, reference, settings.MinimumPartialPayment, Who(a), ticket, now));
            return paid.Refusal is { } refused ? refused : $"{method} {a.Amount} recorded on {a.Subject}";
        }
    }
}
