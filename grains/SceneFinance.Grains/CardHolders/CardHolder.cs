namespace SceneFinance.Grains.CardHolders;

public enum CardStatus { Active, Frozen, Lost }

/// <summary>The card holder's wallet as its events made it. Immutable; evolved one event at a time.</summary>
public sealed record CardHolder(
    string Id, string ExternalId, string Name, string Kind, string CardNumber, CardStatus Status,
    long? DailyLimit, long Cash, long Subsidy, DateOnly SpentDay, long SpentThatDay,
    string? IdNumber, string? Phone)
{
    public long Total => Cash + Subsidy;

    public static CardHolder Open(CardHolderRegistered e) =>
        new(e.CardHolderId, e.ExternalId, e.Name, e.Kind, e.CardNumber, CardStatus.Active, e.DailyLimit,
            0, 0, DateOnly.MinValue, 0, e.IdNumber, e.Phone);

    /// <summary>Folds one event; <paramref name="state"/> is null before registration.</summary>
    public static CardHolder? Fold(CardHolder? state, object @event) => (state, @event) switch
    {
        (null, CardHolderRegistered e) => Open(e),
        (null, _) => null,
        ({ } s, CardToppedUp e) => s with { Cash = e.CashAfter, Subsidy = e.SubsidyAfter },
        ({ } s, PaymentApproved e) => s.Spend(e),
        ({ } s, CardFrozen) => s with { Status = CardStatus.Frozen },
        ({ } s, CardUnfrozen) => s with { Status = CardStatus.Active },
        ({ } s, CardReportedLost) => s with { Status = CardStatus.Lost },
        ({ } s, CardReplaced e) => s with { CardNumber = e.NewCardNumber, Status = CardStatus.Active },
        ({ } s, _) => s,
    };

    CardHolder Spend(PaymentApproved e)
    {
        var next = this with { Subsidy = Subsidy - e.FromSubsidy, Cash = Cash - e.FromCash };
        if (e.LocalDay > SpentDay) return next with { SpentDay = e.LocalDay, SpentThatDay = e.Amount };
        if (e.LocalDay == SpentDay) return next with { SpentThatDay = SpentThatDay + e.Amount };
        return next; // an older offline payment: today's total is unchanged
    }
}
