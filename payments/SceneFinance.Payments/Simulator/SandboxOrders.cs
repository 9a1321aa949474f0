using System.Security.Claims;
using Marten;
using SceneFinance.Payments.Gateway;
using SceneFinance.Payments.Intents;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Time;

namespace SceneFinance.Payments.Simulator;

/// <summary>
/// Which simulator orders belong to a sandbox tenant. The simulator acts only for those: an order of a live tenant (or one
/// whose tenant went live) is not the simulator's to pay.
/// </summary>
public sealed class SandboxOrders(IDocumentStore store, ITenantDirectory tenants)
{
    public async Task<ChannelOrder?> Find(string channel, string orderNo)
    {
        await using var query = store.QuerySession();
        if (await query.LoadAsync<ChannelOrder>(ChannelOrder.Key(channel, orderNo)) is not { Live: false } order) return null;
        return await tenants.Find(order.TenantId) is { Live: false } ? order : null;
    }

    /// <summary>A sandbox tenant's withholding agreement at the simulator.</summary>
    public async Task<AgreementOwner?> FindAgreement(string channel, string agreementNo)
    {
        await using var query = store.QuerySession();
        if (await query.LoadAsync<AgreementOwner>(AgreementOwner.Key(channel, agreementNo)) is not { Live: false } owner) return null;
        return await tenants.Find(owner.TenantId) is { Live: false } ? owner : null;
    }

    /// <summary>A signed-in platform admin, or a signed-in person of the order's own tenant (a tester, a guardian paying in the sandbox).</summary>
    public static bool MayPay(ClaimsPrincipal user, string tenantId) =>
        user.Identity?.IsAuthenticated == true
        && (user.IsInRole(Roles.PlatformAdmin) || (user.FindAll(Roles.TenantClaim).Any(c => c.Value == tenantId) && Roles.TenantRoles.Any(user.IsInRole)));
}
