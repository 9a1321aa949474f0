using System.Collections.Immutable;

namespace SceneFinance.Grains.CardHolders;

public enum CardStatus { Active, Frozen, Lost }

/// <summary>The card holder's wallet as its events made it. Immutable; evolved one event at a time.</summary>
public sealed record CardHolder(
    string Id, string ExternalId, string Name, string Kind, string CardNumber, CardStatus Status,
    long? DailyLimit, long Cash, long Subsidy, ImmutableSortedDictionary<DateOnly, long> SpentByDay,
    string? IdNumber, string? Phone)
{
    /// <summary>Per-day spending is kept this long, so offline uploads of the last month still meet the daily limit.</summary>
    public const int DaysKept = 32;

    public long Total => Cash + Subsidy;

    /// <summary>Recent taps for the risk rules' windows (folded by <see cref="Risk.RiskTrail.Following"/>; the wallet never reads it).</summary>
    public Risk.RiskTrail Risk { get; init; } = Grains.Risk.RiskTrail.Empty;

    public long SpentOn(DateOnly day) => SpentByDay.GetValueOrDefault(day);

    public static CardHolder Open(CardHolderRegistered e) =>
        new(e.CardHolderId, e.ExternalId, e.Name, e.Kind, e.CardNumber, CardStatus.Active, e.DailyLimit,
            0, 0, ImmutableSortedDictionary<DateOnly, long>.Empty, e.IdNumber, e.Phone);

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
        ({ } s, _) => s,
    };

    CardHolder Spend(PaymentApproved e)
    {
        var spent = SpentByDay.SetItem(e.LocalDay, SpentOn(e.LocalDay) + e.Amount);
        var oldestKept = spent.Keys.Last().AddDays(-DaysKept);
        while (spent.Keys.First() < oldestKept) spent = spent.Remove(spent.Keys.First());
        return this with { Subsidy = Subsidy - e.FromSubsidy, Cash = Cash - e.FromCash, SpentByDay = spent };
    }
}
