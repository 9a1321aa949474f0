using System.Text.Json;
using Microsoft.Extensions.Logging;
using SceneFinance.Payments.Gateway;
using SceneFinance.Payments.Intents;
using SceneFinance.Platform;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
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
        foreach (var line in await patient.HeldLines())
        {
            var now = clock.GetUtcNow();
            var ticket = IdempotencyTicket.For("hospital-refund", $"{line.RefundId}/{line.No}", line.IntentId, line.Amount);
            try
            {
                var refund = await gateway.Refund(tenantId, line.IntentId, new RefundIntent(line.Amount, $"hospital refund {line.RefundId}", ticket, requestedBy, now));
                if (refund.Refusal is { } refused)
                    await patient.AbandonRefundLine(line.RefundId, line.No, refused.Code, now);
                else if (refund.Value!.Status == RefundStatus.Rejected)
                    await patient.AbandonRefundLine(line.RefundId, line.No, refund.Value.FailureCode ?? "gateway_refused", now);
            }
            catch (ProblemException e)
            {
                log.LogWarning("Refund {RefundId} line {No}: the gateway refused it ({Code}); its money goes back", line.RefundId, line.No, e.Code);
                await patient.AbandonRefundLine(line.RefundId, line.No, e.Code, now);
            }
            catch (Exception e)
            {
                log.LogWarning(e, "Refund {RefundId} line {No}: not taken to the gateway now; the janitor tries again", line.RefundId, line.No);
            }
        }
    }
}
