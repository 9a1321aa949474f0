using System.Collections.Concurrent;

namespace SceneFinance.Grains;

/// <summary>Tenant time zones by IANA id, looked up once each (the daily limit is per local calendar day).</summary>
public static class TimeZones
{
    public const string Default = "Asia/Shanghai";
    static readonly ConcurrentDictionary<string, TimeZoneInfo> Cache = new();

    public static TimeZoneInfo Find(string id) => Cache.GetOrAdd(id, TimeZoneInfo.FindSystemTimeZoneById);

    public static bool IsKnown(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);
}
