using System.Collections.Concurrent;

namespace SceneFinance.Platform.Time;

/// <summary>What every module may ask about a tenant (the tenant grain answers from memory); implemented by the grains module.</summary>
public interface ITenantDirectory
{
    /// <summary>Whether the tenant is active, its IANA zone id and whether it is live (not sandbox); null for an unknown tenant.</summary>
    Task<TenantFacts?> Find(string tenantId);
}

[GenerateSerializer, Immutable]
public sealed record TenantFacts([property: Id(0)] bool Active, [property: Id(1)] string TimeZone, [property: Id(2)] bool Live = false);

/// <summary>Time zones by IANA id, looked up once each. <see cref="Default"/> is a new tenant's zone.</summary>
public static class Zones
{
    public const string Default = "Asia/Shanghai";
    static readonly ConcurrentDictionary<string, TimeZoneInfo> Cache = new();

    public static TimeZoneInfo Find(string id) => Cache.GetOrAdd(id, TimeZoneInfo.FindSystemTimeZoneById);

    public static bool IsKnown(string? id) => id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);
}

/// <summary>
/// The one answer to "what day is it for this tenant": its local day, month and business day, in its own zone.
/// Pages, reports, limits, jobs and the day-end all ask here.
/// </summary>
public sealed class TenantClock(TimeProvider time, ITenantDirectory tenants)
{
    public DateTimeOffset UtcNow => time.GetUtcNow();

    /// <summary>The tenant's zone and the current instant (an unknown tenant reads in the default zone).</summary>
    public async Task<TenantTime> For(string tenantId) => new(Zones.Find((await tenants.Find(tenantId))?.TimeZone ?? Zones.Default), time.GetUtcNow());
}

/// <summary>An instant as a tenant reads it. Pure: deciders and tests build it from a zone and a time.</summary>
public readonly record struct TenantTime(TimeZoneInfo Zone, DateTimeOffset Now)
{
    public static TenantTime In(string zoneId, DateTimeOffset now) => new(Zones.Find(zoneId), now);

    public DateOnly Today => DayOf(Now);

    public DateTimeOffset Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone);

    public DateOnly DayOf(DateTimeOffset at) => DateOnly.FromDateTime(Local(at).DateTime);

    /// <summary>The first day of the month <paramref name="at"/> falls in, locally.</summary>
    public DateOnly MonthOf(DateTimeOffset at) => DayOf(at) is var d ? new DateOnly(d.Year, d.Month, 1) : default;

    /// <summary>When a local day starts, as an instant (midnight in the zone; the zone's own rules for its offset).</summary>
    public DateTimeOffset StartOf(DateOnly day) => At(day, TimeOnly.MinValue);

    /// <summary>A local wall-clock time on a day, as an instant.</summary>
    public DateTimeOffset At(DateOnly day, TimeOnly time)
    {
        var local = day.ToDateTime(time, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local));
    }

    /// <summary>The business day an instant belongs to when days turn at <paramref name="cutoff"/> local time (00:00: the calendar day).</summary>
    public DateOnly BusinessDayOf(DateTimeOffset at, TimeOnly cutoff)
    {
        var local = Local(at);
        var day = DateOnly.FromDateTime(local.DateTime);
        return TimeOnly.FromDateTime(local.DateTime) >= cutoff ? (cutoff == TimeOnly.MinValue ? day : day.AddDays(1)) : day;
    }

    /// <summary>How pages show a time: local, to the second.</summary>
    public string Format(DateTimeOffset at) => Local(at).ToString("yyyy-MM-dd HH:mm:ss");
}
