using Marten;
using Microsoft.Extensions.Logging;
using Quartz;
using SceneFinance.Payments.Gateway;
using SceneFinance.Payments.Intents;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Scenes.Campus.Billing;

namespace SceneFinance.Scenes.Campus.PayingBills;

/// <summary>
/// Sends back what an online payment paid beyond its bill (two guardians paid at once): a gateway refund of the excess to the
/// payer's channel, under an idempotency key derived from the intent, so running it twice refunds once. It runs apart from the
/// payment's own fulfilment because the intent that is being fulfilled cannot be asked for a refund from inside that call.
/// </summary>
[DisallowConcurrentExecution]
public sealed class ExcessRefundJob(IDocumentStore store, IPaymentGateway gateway, TimeProvider clock, ILogger<ExcessRefundJob> log) : IJob
{
    public static readonly JobKey Key = new("campus-excess-refunds", "campus");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct) => await Sweep(ct);

    public async Task<int> Sweep(CancellationToken ct = default)
    {
        IReadOnlyList<ExcessRefund> due;
        await using (var session = store.QuerySession())
            due = await session.Query<ExcessRefund>().Where(x => x.AnyTenant() && !x.Done).Take(500).ToListAsync(ct);
        foreach (var excess in due)
        {
            var tenantId = excess.TenantId;
            try
            {
                var now = clock.GetUtcNow();
                var ticket = IdempotencyTicket.For("campus", "excess:" + excess.Id, "excess-refund", excess.Id, excess.Amount);
                var refund = await gateway.Refund(tenantId, excess.Id, new RefundIntent(excess.Amount, "overpaid 重复缴费退款", ticket, "campus", now));
                await using var session = store.LightweightSession(tenantId);
                excess.Done = true;
                excess.Outcome = refund.Refusal is { } refused ? $"{refused.Code}: {refused.Detail}" : "refund requested";
                excess.UpdatedAt = now;
                session.Store(excess);
                await session.SaveChangesAsync(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Excess of intent {IntentId} on bill {BillId} could not be refunded now; next round", excess.Id, excess.BillId);
            }
        }
        return due.Count;
    }
}
