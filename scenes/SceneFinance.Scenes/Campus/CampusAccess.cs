using Marten;
using Microsoft.AspNetCore.Http;
using SceneFinance.Platform.Problems;
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

    public static bool IsGuardian(this HttpContext http) => http.User.IsInRole(Roles.Guardian);

    /// <summary>The student, if the caller may see them (staff: any student of the tenant; a guardian: their own children); else <c>404</c>.</summary>
    public static async Task<StudentRecord> RequireStudent(this HttpContext http, IDocumentStore store, string tenantId, string studentNumber, string[]? staffRoles = null)
    {
        http.RequireTenantAccess(tenantId, [.. staffRoles ?? Staff, Roles.Guardian]);
        await using var session = store.QuerySession(tenantId);
        var student = await session.LoadAsync<StudentRecord>(studentNumber);
        if (student is null || (http.IsGuardian() && !student.GuardianPhones.Contains(http.UserName())))
            throw ProblemException.NotFound("The student");
        return student;
    }
}
