using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Marten;
using SceneFinance.Payments.Ledger;

namespace SceneFinance.Payments;

public static class Configuration
{
    /// <summary>The double-entry ledger (journal entries) and its trial balance.</summary>
    public static IServiceCollection AddLedger(this IServiceCollection services) =>
        services.ConfigureMarten(opts => opts.Schema.For<JournalEntry>());

    public static IEndpointRouteBuilder MapLedger(this IEndpointRouteBuilder api) => api.MapTrialBalance();
}
