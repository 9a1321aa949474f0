using Microsoft.AspNetCore.Routing;
using SceneFinance.Payments.Ledger;

namespace SceneFinance.Payments;

public static class Configuration
{
    /// <summary>The double-entry ledger's read side: the trial balance over journalled events.</summary>
    public static IEndpointRouteBuilder MapLedger(this IEndpointRouteBuilder api) => api.MapTrialBalance();
}
