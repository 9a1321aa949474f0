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

    public long SpentOn(DateOnly day) => SpentByDay.GetValueOrDefault(day);

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
        var spent = next.SpentByDay.TryGetValue(e.PaymentDay, out var day) ? next.SpentByDay.SetItem(e.PaymentDay, Math.Max(0, day - e.HolderPart)) : next.SpentByDay;
        return next with { SpentByDay = spent, Canteen = next.Canteen.Refund(e) };
    }

    CardHolder Spend(PaymentApproved e)
    {
        var spent = SpentByDay.SetItem(e.LocalDay, SpentOn(e.LocalDay) + e.HolderPaid);
        var oldestKept = spent.Keys.Last().AddDays(-DaysKept);
        while (spent.Keys.First() < oldestKept) spent = spent.Remove(spent.Keys.First());
        // Events from before purses had parts: FromSubsidy was the general subsidy purse.
        var (subsidy, cash) = e.Parts is { } parts
            ? (parts.Where(p => p.Purse == PursePart.Subsidy).Sum(p => p.Amount), parts.Where(p => p.Purse == PursePart.Cash).Sum(p => p.Amount))
            : (e.FromSubsidy, e.FromCash);
        return this with { Subsidy = Subsidy - subsidy, Cash = Cash - cash, SpentByDay = spent, Canteen = Canteen.Spent(e, DaysKept) };
    }
}
