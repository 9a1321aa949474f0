using Microsoft.AspNetCore.SignalR;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;

namespace SceneFinance.AdminUi.Live;

/// <summary>
/// Puts a dashboard connection in the group it asked for (<c>?scope=platform</c> or <c>?scope={tenantId}</c>)
/// after the same access check the pages make, so the hub itself stays empty. A connection that may not see
/// the scope is refused.
/// </summary>
public sealed class DashboardAccess : IHubFilter
{
    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        var scope = context.Context.GetHttpContext()?.Request.Query["scope"].ToString();
        var user = context.Context.User ?? new();
        string group;
        try
        {
            if (string.IsNullOrEmpty(scope)) throw ProblemException.Invalid("scope", "scope is required.");
            if (scope == LiveFigures.Platform)
            {
                user.RequirePlatformAdmin();
                group = LiveFigures.Platform;
            }
            else
            {
                user.RequireTenantAccess(scope, Roles.TenantReaders);
                group = CommittedPayments.TenantGroup(scope);
            }
        }
        catch (ProblemException e)
        {
            throw new HubException(e.Message);
        }
        await context.Hub.Groups.AddToGroupAsync(context.Context.ConnectionId, group);
        await next(context);
    }
}
