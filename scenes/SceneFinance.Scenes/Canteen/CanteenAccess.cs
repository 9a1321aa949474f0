using SceneFinance.Platform.Security;

namespace SceneFinance.Scenes.Canteen;

/// <summary>Who does what in the canteen scene (the contract's roles).</summary>
public static class CanteenAccess
{
    /// <summary>Merchants, meal periods, limits, programs and campaigns: the tenant's administrators and finance.</summary>
    public static readonly string[] Managers = [Roles.TenantAdmin, Roles.Finance];

    /// <summary>Voids at the till's side: the cashier (and those above).</summary>
    public static readonly string[] Cashiers = [Roles.TenantAdmin, Roles.Finance, Roles.Cashier];

    /// <summary>Refunds after the day: finance.</summary>
    public static readonly string[] Refunders = [Roles.TenantAdmin, Roles.Finance];

    public static readonly string[] Readers = Roles.TenantReaders;
}
