using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Marten;
using SceneFinance.Tenants.Managing;
using SceneFinance.Tenants.SigningIn;
using SceneFinance.Tenants.SigningIn.OneTimeCodes;
using SceneFinance.Tenants.Users;

namespace SceneFinance.Tenants;

public static class Configuration
{
    /// <summary>Tenants, users, sign-in (bearer tokens) and the bootstrap administrator.</summary>
    public static IServiceCollection AddTenants(this IServiceCollection services)
    {
        services.AddAuthentication(BearerTokenDefaults.AuthenticationScheme)
            .AddBearerToken(o => o.BearerTokenExpiration = IssueToken.Lifetime);
        services.AddAuthorization();
        services.AddSingleton<IPasswordHasher<UserAccount>, PasswordHasher<UserAccount>>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<SignInCheck>();
        services.AddSingleton<SecurityStamps>();
        services.AddSingleton<IClaimsTransformation>(sp => sp.GetRequiredService<SecurityStamps>());
        services.AddHostedService<AdminBootstrap>();
        services.ConfigureMarten(opts => opts.Schema.For<UserAccount>().SingleTenanted());
        services.AddPhoneSignIn();
        return services;
    }

    public static IEndpointRouteBuilder MapTenants(this IEndpointRouteBuilder api)
    {
        api.MapIssueToken();
        api.MapPhoneSignIn();
        api.MapTenantEndpoints();
        api.MapAddUser();
        api.MapManageUsers();
        return api;
    }
}
