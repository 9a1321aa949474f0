namespace SceneFinance.Platform.Notifying;

/// <summary>
/// When a non-urgent message may arrive: not between <see cref="Start"/> and <see cref="End"/> in the recipient's zone (the tenant's,
/// from the tenant clock). Urgent ones (a sign-in code, a card reported lost) ignore it.
/// </summary>
public sealed record QuietHours(TimeOnly Start, TimeOnly End)
{
    public static readonly QuietHours Default = new(new TimeOnly(21, 0), new TimeOnly(8, 0));

    /// <summary><paramref name="now"/> when it is not quiet in <paramref name="zone"/>, else the moment the quiet hours end.</summary>
    public DateTimeOffset NextAllowed(DateTimeOffset now, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var quiet = Start <= End ? time >= Start && time < End : time >= Start || time < End;
        if (!quiet) return now;
        var endDay = time >= End && Start > End ? local.Date.AddDays(1) : local.Date;
        var endLocal = endDay + End.ToTimeSpan();
        return new DateTimeOffset(endLocal, zone.GetUtcOffset(endLocal));
    }
}
