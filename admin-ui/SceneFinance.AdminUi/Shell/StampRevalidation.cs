using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Logging;
using SceneFinance.Tenants.SigningIn;

namespace SceneFinance.AdminUi.Shell;

/// <summary>
/// An open shell (a Blazor circuit) outlives the request that signed it in: every minute it asks whether the person is still
/// who the cookie says (not disabled, same role, no reset since). If not, the shell signs them out and shows the sign-in page.
/// </summary>
sealed class StampRevalidation(ILoggerFactory logs, SecurityStamps stamps) : RevalidatingServerAuthenticationStateProvider(logs)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken ct) =>
        state.User.Identity is not { IsAuthenticated: true, Name: { } name } || await stamps.IsCurrent(state.User, name);
}
