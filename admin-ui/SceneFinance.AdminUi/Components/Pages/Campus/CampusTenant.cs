using System.Security.Claims;
using SceneFinance.Platform.Security;

namespace SceneFinance.AdminUi.Components.Pages.Campus;

/// <summary>Which school a finance-office page shows: the user's own tenant, or (the platform administrator) the one named in <c>?tenant=</c>.</summary>
public static class CampusTenant
{
    public const string StaffRoles = $"{Roles.PlatformAdmin},{Roles.TenantAdmin},{Roles.Finance},{Roles.Cashier},{Roles.Auditor}";

    public static string? Of(ClaimsPrincipal user, string? requested) =>
        user.IsInRole(Roles.PlatformAdmin) ? requested : user.FindFirstValue(Roles.TenantClaim);

    /// <summary>A download link the browser saves as a file (the exports are built on the server, in the circuit).</summary>
    public static string DataUrl(byte[] xlsx) => $"data:{SceneFinance.Scenes.Campus.Xlsx.ContentType};base64,{Convert.ToBase64String(xlsx)}";

    public static string Yuan(long fen) => SceneFinance.Scenes.Campus.Reporting.CollectionReports.Yuan(fen);
}
