using Marten;
using SceneFinance.Grains;
using SceneFinance.Platform.Time;

namespace SceneFinance.Scenes.Canteen.MealPeriods;

/// <summary>A meal period: a window of local wall-clock time (<c>HH:mm</c>); an end before the start crosses midnight (late night).</summary>
public sealed record MealPeriod(string Id, string Name, string Start, string End)
{
    public TimeOnly From => TimeOnly.ParseExact(Start, "HH:mm");
    public TimeOnly To => TimeOnly.ParseExact(End, "HH:mm");
    public bool CrossesMidnight => To <= From;

    /// <summary>Whether the local time of day falls in the window (from inclusive, to exclusive; across midnight too).</summary>
    public bool Covers(TimeOnly clock) => CrossesMidnight ? clock >= From || clock < To : clock >= From && clock < To;

    /// <summary>
    /// The name the risk rules use for it (<see cref="Grains.MealPeriods"/>): the standard ids as they are, late-night as
    /// lateNight; a period of the tenant's own (say afternoon-tea) keeps its id, which no rule names.
    /// </summary>
    public string RiskName() => Id == "late-night" ? Grains.MealPeriods.LateNight : Id;

    /// <summary>The minutes of the day the window covers (for overlap checks).</summary>
    public IEnumerable<int> Minutes()
    {
        var from = From.Hour * 60 + From.Minute;
        var to = To.Hour * 60 + To.Minute;
        for (var m = from; m != to; m = (m + 1) % 1440) yield return m;
    }
}

/// <summary>
/// A tenant's canteen rules (one document per tenant): its meal periods, limit rules per holder group and the offline caps a
/// till may accept up to. The single-payment cap is the tenant's own (<c>TenantRecord.SinglePaymentCap</c>).
/// </summary>
public sealed class CanteenSettings
{
    public const string DocumentId = "canteen";
    public string Id { get; set; } = DocumentId;

    public List<MealPeriod> MealPeriods { get; set; } =
    [
        new("breakfast", "早餐 Breakfast", "06:30", "09:30"),
        new("lunch", "午餐 Lunch", "11:00", "13:30"),
        new("dinner", "晚餐 Dinner", "17:00", "19:30"),
        new("late-night", "夜宵 Late night", "21:00", "01:00"),
    ];

    public List<LimitRule> Limits { get; set; } = [];

    /// <summary>What one till may accept offline for one card in a local day (a tenant default; a holder may have its own). 50 yuan.</summary>
    public long OfflineHolderCap { get; set; } = 5_000;

    /// <summary>What one till may accept offline in all in a local day. 3,000 yuan.</summary>
    public long OfflineTillCap { get; set; } = 300_000;

    public string UpdatedBy { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }

    public static async Task<CanteenSettings> Load(IQuerySession session) =>
        await session.LoadAsync<CanteenSettings>(DocumentId) ?? new CanteenSettings();
}

/// <summary>Which meal a local time belongs to. Pure.</summary>
public static class MealClock
{
    /// <summary>The meal period <paramref name="at"/> falls in and the day that meal belongs to (after midnight, a late-night window counts for the day it opened); null outside every window.</summary>
    public static MealSlot? SlotOf(IReadOnlyList<MealPeriod> periods, TenantTime time, DateTimeOffset at)
    {
        var local = time.Local(at);
        var clock = TimeOnly.FromDateTime(local.DateTime);
        var day = DateOnly.FromDateTime(local.DateTime);
        foreach (var p in periods)
        {
            if (!p.Covers(clock)) continue;
            // After midnight, a window that crossed it belongs to the day it opened.
            return new MealSlot(p.Id, p.CrossesMidnight && clock < p.To ? day.AddDays(-1) : day);
        }
        return null;
    }
}
