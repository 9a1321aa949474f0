using Marten;
using Microsoft.Extensions.Logging;
using Quartz;
using SceneFinance.Payments.Gateway;
using SceneFinance.Platform.Time;

namespace SceneFinance.Scenes.Hospital.Insuring;

/// <summary>
/// Submits queued claims to the insurer, each once under its claim number (the insurer's API is idempotent on it, so a crash
/// between the submission and our record of it only sends the same claim again). A sandbox tenant's claims go to the simulated
/// agency; a live tenant has no insurer connection yet, so its claims stay for manual entry (status <c>manual</c>), which asks a
/// second person's approval.
/// </summary>
public sealed class ClaimSubmitter(IDocumentStore store, ITenantDirectory tenants, InsurerSimulator simulator, GatewayOptions gateway, TimeProvider clock,
    ILogger<ClaimSubmitter> log)
{
    public async Task Sweep(CancellationToken ct = default)
    {
        IReadOnlyList<InsuranceClaim> queued;
        await using (var session = store.QuerySession())
            queued = await session.Query<InsuranceClaim>().Where(c => c.AnyTenant() && c.Status == ClaimStatus.Queued).OrderBy(c => c.CreatedAt).Take(500).ToListAsync(ct);
        foreach (var claim in queued)
        {
            try
            {
                await Submit(claim, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Insurance claim {ClaimNo} of tenant {TenantId} could not be submitted now; the next sweep tries again", claim.Id, claim.TenantId);
            }
        }
    }

    async Task Submit(InsuranceClaim claim, CancellationToken ct)
    {
        var sandbox = await tenants.Find(claim.TenantId) is { Live: false };
        if (sandbox)
            await simulator.SubmitClaim(File(claim), ct);
        // Read again: an answer (or a manual entry) may have been recorded meanwhile, and it is not to be overwritten.
        if (await InsuranceClaims.Load(store, claim.TenantId, claim.Id) is not { Status: ClaimStatus.Queued } fresh) return;
        fresh.Status = sandbox ? ClaimStatus.Submitted : ClaimStatus.Manual;
        fresh.SubmittedAt = sandbox ? clock.GetUtcNow() : null;
        await InsuranceClaims.Save(store, fresh);
    }

    InsurerClaimFile File(InsuranceClaim c) => new(c.TenantId, c.Id, c.InsurerId, c.PatientName, c.PatientId, c.HisOrderId, c.Description, c.OrderAmount, c.Claimed,
        c.CreatedAt.ToString("O"), $"{gateway.PublicBaseUrl.TrimEnd('/')}{InsuranceNotifications.Path}");
}

/// <summary>Submits queued claims every few seconds, on the platform's one clustered scheduler (one run at a time).</summary>
[DisallowConcurrentExecution]
public sealed class ClaimSubmitterJob(ClaimSubmitter submitter) : IJob
{
    public static readonly JobKey Key = new("hospital-insurance-claims", "hospital");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct) => await submitter.Sweep(ct);
}
