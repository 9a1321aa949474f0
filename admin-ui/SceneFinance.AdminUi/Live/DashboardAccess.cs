using System.Security.Claims;
using Microsoft.AspNetCore.SignalR;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;

namespace SceneFinance.AdminUi.Live;

/// <summary>
/// Puts a dashboard connection in the group it asked for (<c>?scope=platform</c> or <c>?scope={tenantId}</c>)
/// after the same access check the pages make, so the hub itself stays empty. A connection that may not see
/// the scope is refused. The in-process <see cref="LiveFeed"/> makes the very same check (<see cref="GroupOf"/>).
/// </summary>
public sealed class DashboardAccess : IHubFilter
{
    /// <summary>The group of a scope the user may follow: <c>platform</c> (the platform admin) or <c>tenant:{id}</c> (its readers); else the access problem.</summary>
    public static string GroupOf(ClaimsPrincipal user, string? scope)
    {
        if (string.IsNullOrEmpty(scope)) throw ProblemException.Invalid("scope", "scope is required.");
        if (scope == LiveFigures.Platform)
        {
            user.RequirePlatformAdmin();
            return LiveFigures.Platform;
        }
        user.RequireTenantAccess(scope, Roles.TenantReaders);
        return CommittedPayments.TenantGroup(scope);
    }

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        string group;
        try
        {
            group = GroupOf(context.Context.User ?? new(), context.Context.GetHttpContext()?.Request.Query["scope"].ToString());
        }
        catch (ProblemException e)
        {
            throw new HubException(e.Message);
        }
        await context.Hub.Groups.AddToGroupAsync(context.Context.ConnectionId, group);
        await next(context);
    }
}
