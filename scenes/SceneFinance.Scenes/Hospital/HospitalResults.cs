using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using SceneFinance.Payments.Intents;
using SceneFinance.Scenes.Hospital.Patients;
using SceneFinance.Scenes.Hospital.PayingOrders;

namespace SceneFinance.Scenes.Hospital;

/// <summary>
/// The hospital's own status codes, decided at the edge from the typed outcome (a replay is the same value, so the same status
/// and body): a receipt is <c>200</c>, a payment intent to scan <c>201</c>, a refund waiting for a second person <c>202</c>.
/// </summary>
public static class HospitalResults
{
    public static Results<Ok<Receipt>, Created<PaymentIntentView>, ProblemHttpResult> ToPayment(this Outcome<HospitalPayment> outcome, Func<string, string> intentLocation) =>
        outcome switch
        {
            { Refusal: { } r } => r.ToProblem(),
            { Value.Intent: { } intent } => TypedResults.Created(intentLocation(intent.Id), intent),
            { Value: var paid } => TypedResults.Ok(paid!.Receipt!),
        };

    public static Results<Ok<HospitalRefundView>, Accepted<HospitalRefundView>, ProblemHttpResult> ToRefund(this Outcome<HospitalRefundView> outcome) =>
        outcome switch
        {
            { Refusal: { } r } => r.ToProblem(),
            { Value.Status: HospitalRefund.PendingApproval } => TypedResults.Accepted((string?)null, outcome.Value),
            _ => TypedResults.Ok(outcome.Value!),
        };

    /// <summary><c>202</c>: a request waits for a second person in the approval queue (at the Location of its approval).</summary>
    public static Results<Accepted<Approving.ApprovalView>, ProblemHttpResult> ToPendingApproval(this Outcome<Approving.ApprovalView> outcome, string tenantId) =>
        outcome.Refusal is { } r ? r.ToProblem() : TypedResults.Accepted($"/api/v1/tenants/{tenantId}/approvals/{outcome.Value!.Id}", outcome.Value!);

    /// <summary><c>201</c> without a Location: what was made is part of another resource (a registration's fee is an order of the account).</summary>
    public static Results<Created<T>, ProblemHttpResult> ToCreatedWithin<T>(this Outcome<T> outcome) =>
        outcome.Refusal is { } r ? r.ToProblem() : TypedResults.Created((string?)null, outcome.Value!);
}
