using System.Globalization;
using System.Security.Claims;
using Marten;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Storage;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Approving;
using SceneFinance.Scenes.Hospital.Patients;
using SceneFinance.Scenes.Hospital.PayingOrders;

namespace SceneFinance.Scenes.Hospital.Insuring;

/// <summary>
/// The insurer's answer typed in by hand (a live tenant without an insurer connection, or a paper answer): the fallback of the
/// exchange. One person asks through the tenant's one approval queue (kind <see cref="Kind"/>); the patient's account records it,
/// once, when a tenant admin or finance person with another user id approves. Until then nothing moves.
/// </summary>
public static class ManualInsurance
{
    public const string Kind = "insurance-manual";

    /// <summary>settled: the insurer paid its part; rejected: the patient owes it; partly_settled: it paid approvedAmount, the patient owes the rest.</summary>
    public static readonly string[] Outcomes = [Insurance.Settled, Insurance.Rejected, Insurance.PartlySettled];

    public static async Task<Outcome<ApprovalView>> Request(ClaimsPrincipal user, HospitalDesk desk, StreamWriters writers, string tenantId, string patientId,
        string orderId, InsuranceRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, PatientEndpoints.InsuranceStaff);
        new Validation()
            .OneOf(body.Outcome, "outcome", Outcomes)
            .Require(body.Outcome != Insurance.PartlySettled || body.ApprovedAmount is > 0, "approvedAmount", "partly_settled names the approvedAmount in fen (more than 0).")
            .Require(body.Reason is null || body.Reason.Length <= 200, "reason", "reason is at most 200 characters.")
            .ThrowIfInvalid();
        var account = await desk.Patient(tenantId, patientId, p => p.Get());
        if (account.Refusal is { } missing) return missing;
        if (account.Value!.Orders.FirstOrDefault(o => o.Id == orderId) is not { } order) return Refusal.NotFound("The order");
        if (order.InsuredAmount == 0) return Refusal.Conflict("This order has no insurer-covered part.");
        if (order.Insurance != Insurance.Pending) return Refusal.Conflict($"The insurer's part was already {order.Insurance}.");
        if (body.Outcome == Insurance.PartlySettled && body.ApprovedAmount >= order.InsuredAmount)
            return Refusal.Invalid("approvedAmount", $"A partial approval is less than the insurer's part ({order.InsuredAmount} fen): use settled for all of it.");
        var approved = body.Outcome switch
        {
            Insurance.Settled => order.InsuredAmount,
            Insurance.Rejected => 0,
            _ => body.ApprovedAmount!.Value,
        };
        var reason = body.Reason?.Trim() is { Length: > 0 } r ? r : body.Outcome!;
        return await Approvals.Request(user, writers, tenantId, Kind, patientId, order.InsuredAmount,
            $"Insurer's answer by hand on {order.Description} ({order.HisOrderId}): {body.Outcome}, the insurer pays {Platform.Money.Yuan(approved)} of {Platform.Money.Yuan(order.InsuredAmount)} ({reason})",
            new Dictionary<string, string>
            {
                ["orderId"] = orderId, ["outcome"] = body.Outcome!, ["approvedAmount"] = approved.ToString(CultureInfo.InvariantCulture), ["reason"] = reason,
            }, now);
    }

    /// <summary>Records the approved answer on the patient's account once (the same answer again changes nothing) and on the claim's listing.</summary>
    public sealed class Record(IGrainFactory grains, IDocumentStore store) : IApprovalAction
    {
        public string Kind => ManualInsurance.Kind;
        public string[] Approvers => PatientEndpoints.InsuranceStaff;

        public async Task<Outcome<string>> CarryOut(string tenantId, Approval a, DateTimeOffset now)
        {
            var (orderId, reason) = (a.Details["orderId"], a.Details["reason"]);
            var approved = long.Parse(a.Details["approvedAmount"], CultureInfo.InvariantCulture);
            var done = await grains.GetGrain<IPatientAccountGrain>(GrainKeys.For(tenantId, a.Subject))
                .Insurance(new RecordInsurance(orderId, approved > 0, reason, now, approved));
            if (done.Refusal is { } refused) return refused;
            if (await InsuranceClaims.ForOrder(store, tenantId, orderId) is { } claim)
                await InsuranceClaims.Answered(store, claim, done.Value!, reason, $"{a.RequestedBy} / {a.DecidedBy}", now);
            return $"order {orderId}: insurance {done.Value!.Insurance}, due {done.Value.DueAmount} fen";
        }
    }
}
