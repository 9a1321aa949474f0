using System.Collections.Immutable;
using SceneFinance.Platform.Security;

namespace SceneFinance.Grains.CardHolders;

/// <summary><see cref="Closed"/>: the holder left; for good.</summary>
public enum CardStatus { Active, Frozen, Lost, Closed }

/// <summary>The card holder's wallet as its events made it. Immutable; evolved one event at a time.</summary>
public sealed record CardHolder(
    string Id, string ExternalId, string Name, string Kind, string CardNumber, CardStatus Status,
    long? DailyLimit, long Cash, long Subsidy, ImmutableSortedDictionary<DateOnly, long> SpentByDay,
    string? IdNumber, string? Phone)
{
    /// <summary>Per-day spending is kept this long, so offline uploads of the last month still meet the daily limit.</summary>
    public const int DaysKept = 32;

    /// <summary>The canteen's part: program purses, arrears, meal and campaign use, refunds, the holder's own limits.</summary>
    public CanteenWallet Canteen { get; init; } = CanteenWallet.Empty;

    /// <summary>Every subsidy: the general purse and each program's (what the API shows as <c>subsidy</c>).</summary>
    public long SubsidyTotal => Subsidy + Canteen.ProgramSubsidy;

    public long Total => Cash + SubsidyTotal;

    /// <summary>Recent taps for the risk rules' windows (folded by <see cref="Risk.RiskTrail.Following"/>; the wallet never reads it).</summary>
    public Risk.RiskTrail Risk { get; init; } = Grains.Risk.RiskTrail.Empty;

    /// <summary>
    /// What was spent on the latest day with a payment; earlier days are in <see cref="SpentByDay"/>. A payment on the same
    /// day as the one before it, nearly every payment, then changes no collection: whatever a payment leaves in the state
    /// the grain holds outlives the young generation, and those survivors are what a collection's pause is made of
    /// (BENCHMARKS.md).
    /// </summary>
    public (DateOnly Day, long Amount) LatestDay { get; init; }

    public long SpentOn(DateOnly day) => day == LatestDay.Day ? LatestDay.Amount : SpentByDay.GetValueOrDefault(day);

    /// <summary>The holder's class as the school's roster names it (students; null for others and until a roster says).</summary>
    public string? Class { get; init; }

    /// <summary>The ID number's keyed digest (<see cref="Digests.OfIdNumber"/>), for the risk lists.</summary>
    public string? IdNumberDigest { get; init; }

    /// <summary>The phone as the event holds it (sealed, or clear in events written before sealing): only for telling the holder something.</summary>
    public string? ContactPhone { get; init; }
    /// <summary>The phone's keyed digest (<see cref="Digests.OfPhone"/>), listed so a patient signs in by phone; null before it was kept.</summary>
    public string? PhoneDigest { get; init; }

    /// <summary>The ID number and phone are kept as the API shows them (masked): the event holds them sealed.</summary>
    public static CardHolder Open(CardHolderRegistered e) =>
        new(e.CardHolderId, e.ExternalId, e.Name, e.Kind, e.CardNumber, CardStatus.Active, e.DailyLimit,
            0, 0, ImmutableSortedDictionary<DateOnly, long>.Empty,
            e.IdNumberShown ?? (Sealer.IsSealed(e.IdNumber) ? null : Masking.KeepLast4(e.IdNumber)),
            e.PhoneShown ?? (Sealer.IsSealed(e.Phone) ? null : Masking.Phone(e.Phone)))
        {
            IdNumberDigest = e.IdNumberDigest ?? (Sealer.IsSealed(e.IdNumber) ? null : Digests.OfIdNumber(e.IdNumber)),
            ContactPhone = e.Phone,
            PhoneDigest = e.PhoneDigest ?? (Sealer.IsSealed(e.Phone) ? null : Digests.OfPhone(e.Phone)),
        };

    /// <summary>Folds one event; <paramref name="state"/> is null before registration.</summary>
    public static CardHolder? Fold(CardHolder? state, object @event) => (state, @event) switch
    {
        (null, CardHolderRegistered e) => Open(e),
        (null, _) => null,
        ({ } s, CardToppedUp e) => s with { Cash = e.CashAfter, Subsidy = e.SubsidyAfter },
        ({ } s, PaymentApproved e) => s.Spend(e),
        ({ } s, CardRefundDebited e) => s with { Cash = e.CashAfter, Subsidy = e.SubsidyAfter },
        ({ } s, CardRefundReleased e) => s with { Cash = e.CashAfter, Subsidy = e.SubsidyAfter },
        ({ } s, CardFrozen) => s with { Status = CardStatus.Frozen },
        ({ } s, CardUnfrozen) => s with { Status = CardStatus.Active },
        ({ } s, CardReportedLost) => s with { Status = CardStatus.Lost },
        // A new card ends "lost"; a freeze is the holder's, not the card's, so it stays.
        ({ } s, CardReplaced e) => s with { CardNumber = e.NewCardNumber, Status = s.Status == CardStatus.Lost ? CardStatus.Active : s.Status },
        ({ } s, SubsidyGranted e) => s with { Canteen = s.Canteen.Granted(e) },
        ({ } s, SubsidyReturned e) => s with { Canteen = s.Canteen with { Purses = s.Canteen.Purses.Remove(e.PurseKey) } },
        ({ } s, ArrearsRecovered e) => s.Paid(e.From) with { Canteen = s.Canteen.Take(e.From) with { Arrears = s.Canteen.Arrears - e.Amount } },
        ({ } s, PaymentRefunded e) => s.Refunded(e),
        ({ } s, CardHolderClosed) => s with { Status = CardStatus.Closed },
        ({ } s, CardCashPaidOut e) => s with { Cash = e.CashAfter, Subsidy = e.SubsidyAfter },
        ({ } s, CardHolderRenamed e) => s with { Name = e.Name, Class = e.Class },
        ({ } s, DailyLimitChanged e) => s with { DailyLimit = e.To },
        ({ } s, CanteenProfileSet e) => s with
        {
            Canteen = s.Canteen with { Group = e.Group, PerMealAmount = e.PerMealAmount, PerMealTaps = e.PerMealTaps, OfflineCap = e.OfflineCap },
        },
        ({ } s, _) => s,
    };

    /// <summary>Takes a part from the cash or general subsidy purse (program purses are the canteen wallet's).</summary>
    CardHolder Paid(PursePart part) => part.Purse switch
    {
        PursePart.Cash => this with { Cash = Cash - part.Amount },
        PursePart.Subsidy => this with { Subsidy = Subsidy - part.Amount },
        _ => this,
    };

    CardHolder Refunded(PaymentRefunded e)
    {
        var next = e.ToPurses.Aggregate(this, (s, part) => s.Paid(part with { Amount = -part.Amount }));
        if (e.PaymentDay == next.LatestDay.Day || next.SpentByDay.ContainsKey(e.PaymentDay))
            next = next.WithSpent(e.PaymentDay, Math.Max(0, next.SpentOn(e.PaymentDay) - e.HolderPart));
        return next with { Canteen = next.Canteen.Refund(e) };
    }

    /// <summary>The day's spending set to <paramref name="amount"/>; days more than <see cref="DaysKept"/> before the latest are forgotten.</summary>
    CardHolder WithSpent(DateOnly day, long amount)
    {
        if (day == LatestDay.Day) return this with { LatestDay = (day, amount) };
        if (day < LatestDay.Day) return this with { SpentByDay = Pruned(SpentByDay.SetItem(day, amount), LatestDay.Day) };
        var earlier = LatestDay.Day == default ? SpentByDay : SpentByDay.SetItem(LatestDay.Day, LatestDay.Amount);
        return this with { SpentByDay = Pruned(earlier, day), LatestDay = (day, amount) };
    }

    static ImmutableSortedDictionary<DateOnly, long> Pruned(ImmutableSortedDictionary<DateOnly, long> byDay, DateOnly latest) =>
        Pruned(byDay, day => day, latest, DaysKept);

    /// <summary>A by-day collection without the days more than <paramref name="daysKept"/> before <paramref name="latest"/>.</summary>
    internal static ImmutableSortedDictionary<TKey, T> Pruned<TKey, T>(ImmutableSortedDictionary<TKey, T> byDay, Func<TKey, DateOnly> dayOf, DateOnly latest, int daysKept)
        where TKey : notnull
    {
        var oldestKept = latest.AddDays(-daysKept);
        while (byDay.Count > 0 && dayOf(byDay.Keys.First()) < oldestKept) byDay = byDay.Remove(byDay.Keys.First());
        return byDay;
    }

    CardHolder Spend(PaymentApproved e)
    {
        // Events from before purses had parts: FromSubsidy was the general subsidy purse.
        var (subsidy, cash) = e.Parts is { } parts
            ? (parts.Where(p => p.Purse == PursePart.Subsidy).Sum(p => p.Amount), parts.Where(p => p.Purse == PursePart.Cash).Sum(p => p.Amount))
            : (e.FromSubsidy, e.FromCash);
        return WithSpent(e.LocalDay, SpentOn(e.LocalDay) + e.HolderPaid) with { Subsidy = Subsidy - subsidy, Cash = Cash - cash, Canteen = Canteen.Spent(e, DaysKept) };
    }
}
