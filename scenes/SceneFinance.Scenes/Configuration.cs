using Marten;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SceneFinance.Scenes.Campus;
using SceneFinance.Payments.Intents;
using SceneFinance.Scenes.CardHolders;
using SceneFinance.Scenes.CardHolders.ToppingUpOnline;
using SceneFinance.Scenes.Canteen;
using SceneFinance.Scenes.Canteen.PayingAtTerminal;
using SceneFinance.Scenes.Hospital;
using SceneFinance.Scenes.Risk;
using SceneFinance.Scenes.Terminals;

namespace SceneFinance.Scenes;

public static class Configuration
{
    /// <summary>Card holders, terminals and card payments: what every scene (campus, hospital, canteen) stands on; and the campus and hospital scenes.</summary>
    public static IServiceCollection AddScenes(this IServiceCollection services, IConfiguration? configuration = null)
    {
        var campus = new CampusOptions();
        configuration?.GetSection("SceneFinance:Campus").Bind(campus);
        services.ConfigureMarten(CardHolderSearch.Configure);
        services.ConfigureMarten(Approving.Approvals.Configure);
        services.AddSingleton<Approving.IApprovalAction, Approving.GatewayRefunds.Refund>();
        services.AddSingleton<Approving.IApprovalAction, CounterTopUps.TopUp>();
        services.AddSingleton<Approving.IApprovalAction, Approving.ApprovalLimitEndpoints.Change>();
        return services.AddSingleton<TerminalSignature>().AddSingleton<IIntentFulfilment, CardTopUpFulfilment>().AddCampus(campus).AddHospital()
            .AddCanteen(configuration);
    }

    public static IEndpointRouteBuilder MapScenes(this IEndpointRouteBuilder api)
    {
        api.MapCardHolders();
        api.MapOnlineTopUps();
        api.MapTerminals();
        api.MapPayAtTerminal();
        api.MapCampus();
        api.MapHospital();
        api.MapCanteen();
        api.MapRisk();
        Approving.Approvals.MapApprovals(api);
        Approving.GatewayRefunds.MapGatewayRefundRequests(api);
        Approving.ApprovalLimitEndpoints.MapApprovalLimits(api);
        api.MapCounterTopUps();
        return api;
    }
}
