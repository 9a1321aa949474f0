using System.Security.Claims;
using Marten;
using SceneFinance.Platform.Security;

namespace SceneFinance.Scenes.Campus;

/// <summary>
/// Who may do what on campus. Staff roles work as elsewhere; a guardian reaches only their own children (matched by the
/// phone they sign in with): anyone else's child answers <c>404</c>, like another tenant's data.
/// </summary>
public static class CampusAccess
{
    /// <summary>The finance office: plans, bills, waivers, counter payments.</summary>
    public static readonly string[] FinanceOffice = [Roles.TenantAdmin, Roles.Finance];

    /// <summary>Those who take money at the counter.</summary>
    public static readonly string[] Counter = [Roles.TenantAdmin, Roles.Finance, Roles.Cashier];

    public static readonly string[] Staff = Roles.TenantReaders;

    public static readonly string[] StaffAndGuardians = [.. Roles.TenantReaders, Roles.Guardian];

    public static bool IsGuardian(this ClaimsPrincipal user) => user.IsInRole(Roles.Guardian);

    /// <summary>The person's username (a guardian's is the phone the roster names).</summary>
    public static string UserName(this ClaimsPrincipal user) => user.Identity?.Name ?? "anonymous";

    /// <summary>Whose request an idempotency key belongs to: a guardian's own, or the school's staff together.</summary>
    public static string KeyScope(this ClaimsPrincipal user) => user.IsGuardian() ? "guardian/" + user.UserName() : "tenant";

    /// <summary>The student, if the caller may see them (staff: any student of the tenant; a guardian: their own children); else <c>not_found</c>.</summary>
    public static async Task<Outcome<StudentRecord>> Student(this ClaimsPrincipal user, IDocumentStore store, string tenantId, string studentNumber, string[]? staffRoles = null)
    {
        user.RequireTenantAccess(tenantId, [.. staffRoles ?? Staff, Roles.Guardian]);
        await using var session = store.QuerySession(tenantId);
        var student = await session.LoadAsync<StudentRecord>(studentNumber);
        return student is null || (user.IsGuardian() && !student.NamesGuardian(user.UserName())) ? Refusal.NotFound("The student") : student;
    }
}
