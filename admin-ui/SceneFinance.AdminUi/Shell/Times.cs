using SceneFinance.Platform.Time;

namespace SceneFinance.AdminUi.Shell;

/// <summary>
/// Transitional: times in the platform's default zone, for the pages not yet on their tenant's clock (online payments,
/// the hospital's). Pages show times with <see cref="ShellPage"/>'s <c>LocalTime.Format(at)</c> (the page's tenant's zone);
/// delete this once nothing calls it.
/// </summary>
public static class Times
{
    public static string Local(DateTimeOffset at) => TenantTime.In(Zones.Default, at).Format(at);
}
