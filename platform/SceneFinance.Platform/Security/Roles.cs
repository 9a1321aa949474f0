namespace SceneFinance.Platform.Security;

/// <summary>The contract's roles. Everyone but the platform admin belongs to exactly one tenant.</summary>
public static class Roles
{
    public const string PlatformAdmin = "platform-admin";
    public const string TenantAdmin = "tenant-admin";
    public const string Finance = "finance";
    public const string Cashier = "cashier";
    public const string Auditor = "auditor";

    /// <summary>A parent or guardian (campus): sees and pays only their own children's bills; nothing else of the tenant.</summary>
    public const string Guardian = "guardian";

    /// <summary>
    /// A hospital's patient signed in by phone and one-time code: sees only the records registered under that phone; nothing else
    /// of the tenant. Never a user account's role (nobody makes one), so not in <see cref="TenantRoles"/>.
    /// </summary>
    public const string Patient = "patient";

    public static readonly string[] TenantRoles = [TenantAdmin, Finance, Cashier, Auditor, Guardian];

    /// <summary>Those who may change card holders and terminals of their tenant.</summary>
    public static readonly string[] CardOffice = [TenantAdmin, Finance, Cashier];

    /// <summary>Those who may read a tenant's data (the auditor only reads).</summary>
    public static readonly string[] TenantReaders = [TenantAdmin, Finance, Cashier, Auditor];

    public const string TenantClaim = "sf:tenant";
}
