namespace SceneFinance.AdminUi.Shell;

/// <summary>Times as the tenants' offices read them (the platform's default zone, Asia/Shanghai).</summary>
public static class Times
{
    static readonly TimeZoneInfo Zone = Platform.Time.Zones.Find(Platform.Time.Zones.Default);

    public static string Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).ToString("yyyy-MM-dd HH:mm:ss");
}
