using SceneFinance.Platform.Audit;
using System.Security.Claims;
using Marten;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;

namespace SceneFinance.AdminUi.Live;

/// <summary>A tenant's alert thresholds: read by the cockpit, set by the tenant's admin (or the platform's).</summary>
public static class AlertSettings
{
    public static async Task<AlertThresholds> Load(IDocumentStore store, string tenantId, CancellationToken ct = default)
    {
        await using var session = store.QuerySession(tenantId);
        return await session.LoadAsync<AlertThresholds>(AlertThresholds.DocumentId, ct) ?? new AlertThresholds();
    }

    public static async Task<AlertThresholds> Read(ClaimsPrincipal user, IDocumentStore store, string tenantId)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        return await Load(store, tenantId);
    }

    public static async Task Save(ClaimsPrincipal user, IDocumentStore store, LiveFigures figures, CommittedPayments feed, string tenantId,
        int? declineRatePercent, int? p99LatencyMs, int? minPayments)
    {
        user.RequireTenantAccess(tenantId, [Roles.TenantAdmin]);
        new Validation()
            .Require(declineRatePercent is null or (>= 1 and <= 100), "declineRatePercent", "declineRatePercent must be empty or between 1 and 100.")
            .Require(p99LatencyMs is null or (>= 1 and <= 60_000), "p99LatencyMs", "p99LatencyMs must be empty or between 1 and 60000.")
            .Require(minPayments is >= 1 and <= 100_000, "minPayments", "minPayments must be between 1 and 100000.")
            .ThrowIfInvalid();
        var thresholds = new AlertThresholds { DeclineRatePercent = declineRatePercent, P99LatencyMs = p99LatencyMs, MinPayments = minPayments!.Value };
        var before = await Load(store, tenantId);
        await using var session = store.LightweightSession(tenantId);
        session.Store(thresholds);
        session.Audit(tenantId, "alert-settings.changed", "alert-settings", before, thresholds);
        await session.SaveChangesAsync();
        figures.SetThresholds(tenantId, thresholds);
        await feed.Push([tenantId, LiveFigures.Platform]); // an alert may appear or clear at once
    }
}
