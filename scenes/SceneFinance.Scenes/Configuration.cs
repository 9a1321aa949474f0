using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SceneFinance.Scenes.CardHolders;
using SceneFinance.Scenes.Canteen.PayingAtTerminal;
using SceneFinance.Scenes.Hospital;
using SceneFinance.Scenes.Terminals;

namespace SceneFinance.Scenes;

public static class Configuration
{
    /// <summary>Card holders, terminals and card payments: what every scene (campus, hospital, canteen) stands on.</summary>
    public static IServiceCollection AddScenes(this IServiceCollection services) =>
        services.AddSingleton<TerminalSignature>().AddHospital();

    public static IEndpointRouteBuilder MapScenes(this IEndpointRouteBuilder api)
    {
        api.MapCardHolders();
        api.MapTerminals();
        api.MapPayAtTerminal();
        api.MapHospital();
        return api;
    }
}
