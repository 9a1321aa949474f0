using SceneFinance.Platform.Audit;
using System.Security.Claims;
using Marten;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;

namespace SceneFinance.AdminUi.Risk;

/// <summary>A tenant's risk alert threshold: read by the live panels, set on the risk page by tenant-admin and finance.</summary>
public static class RiskSettings
{
    public static async Task<RiskAlertThresholds> Load(IDocumentStore store, string tenantId, CancellationToken ct = default)
    {
        await using var session = store.QuerySession(tenantId);
        return await session.LoadAsync<RiskAlertThresholds>(RiskAlertThresholds.DocumentId, ct) ?? new RiskAlertThresholds();
    }

    public static async Task Save(ClaimsPrincipal user, IDocumentStore store, RiskFigures figures, RiskLive live, string tenantId, int? firesPer5Minutes)
    {
        user.RequireTenantAccess(tenantId, Scenes.Risk.RiskAccess.Editors);
        new Validation().Require(firesPer5Minutes is null or (>= 1 and <= 100_000), "ruleFiresPer5Minutes", "The threshold must be empty or between 1 and 100000.").ThrowIfInvalid();
        var before = await Load(store, tenantId);
        var next = new RiskAlertThresholds { RuleFiresPer5Minutes = firesPer5Minutes };
        await using var session = store.LightweightSession(tenantId);
        session.Store(next);
        session.Audit(tenantId, "risk-alert-settings.changed", "risk-alert-settings", before, next);
        await session.SaveChangesAsync();
        figures.SetThreshold(tenantId, firesPer5Minutes);
        await live.Push([tenantId, RiskFigures.Platform]); // an alert may appear or clear at once
    }
}
