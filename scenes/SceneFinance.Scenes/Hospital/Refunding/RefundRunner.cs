using Microsoft.Extensions.Logging;
using SceneFinance.Payments.Gateway;
using SceneFinance.Payments.Intents;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Hospital.Patients;

namespace SceneFinance.Scenes.Hospital.Refunding;

/// <summary>
/// Takes a patient's held refund lines to the gateway, each back to the intent (channel) it was paid with. Each line's
/// gateway request is keyed by refund and line, so driving the same line again (a retry, the janitor) refunds it once.
/// The gateway calls the patient's account back to take the money (<c>FundRefund</c>), which is why this runs outside it.
/// </summary>
public sealed class RefundRunner(IGrainFactory grains, IPaymentGateway gateway, TimeProvider clock, ILogger<RefundRunner> log)
{
    public async Task Drive(string tenantId, string patientId, string requestedBy)
    {
        var patient = grains.GetGrain<IPatientAccountGrain>(GrainKeys.For(tenantId, patientId));
        var held = await patient.HeldLines();
        foreach (var line in held.Value ?? [])
        {
            var now = clock.GetUtcNow();
            var ticket = IdempotencyTicket.For("hospital-refund", $"{line.RefundId}/{line.No}", line.IntentId, line.Amount);
            try
            {
                var refund = await gateway.Refund(tenantId, line.IntentId, new RefundIntent(line.Amount, $"hospital refund {line.RefundId}", ticket, requestedBy, now));
                // Another writer in the way is no answer: the line stays held for the next round. Any other "no" gives the money back.
                var refused = refund.Refusal is { } r && r != Refusal.ChangedMeanwhile ? r.Code
                    : refund.Value is { Status: RefundStatus.Rejected } rejected ? rejected.FailureCode ?? "gateway_refused"
                    : null;
                if (refused is not null)
                {
                    log.LogWarning("Refund {RefundId} line {No}: the gateway refused it ({Code}); its money goes back", line.RefundId, line.No, refused);
                    await patient.AbandonRefundLine(line.RefundId, line.No, refused, now);
                }
            }
            catch (Exception e)
            {
                log.LogWarning(e, "Refund {RefundId} line {No}: not taken to the gateway now; the janitor tries again", line.RefundId, line.No);
            }
        }
    }
}
