using System.Collections.Immutable;
using SceneFinance.Grains;
using SceneFinance.Platform.Storage;

namespace SceneFinance.Scenes.Canteen.Campaigns;

// The campaign's stream: its definition, then every discount reserved for a tap and every reservation given back.

public sealed record CampaignOpened(string CampaignId, CampaignDefinition Definition, DateTimeOffset OpenedAt);
public sealed record CampaignDiscountReserved(string CampaignId, string PaymentId, string CardHolderId, long Amount, DateTimeOffset ReservedAt);
public sealed record CampaignDiscountReleased(string CampaignId, string PaymentId, long Amount, DateTimeOffset ReleasedAt);

/// <summary>Reservations whose taps were approved: spent for good, no longer watched.</summary>
public sealed record CampaignReservationsSettled(string CampaignId, IReadOnlyList<string> PaymentIds, DateTimeOffset SettledAt);

public sealed record CampaignClosed(string CampaignId, DateTimeOffset ClosedAt);

public sealed record Reservation(string CardHolderId, long Amount, DateTimeOffset At);

/// <summary>
/// A campaign's budget as its events made it: <see cref="Spent"/> counts every reservation not given back (approved taps and
/// those still in flight), so the budget is never promised twice; <see cref="Pending"/> are those not yet known approved.
/// </summary>
public sealed record Campaign(string Id, CampaignDefinition Definition, bool Closed, long Spent, int Redemptions,
    ImmutableDictionary<string, Reservation> Pending, DateTimeOffset CreatedAt)
{
    public long Remaining => Definition.Budget - Spent;

    public static Campaign? Fold(Campaign? s, object e) => (s, e) switch
    {
        (null, CampaignOpened o) => new Campaign(o.CampaignId, o.Definition, false, 0, 0, ImmutableDictionary<string, Reservation>.Empty, o.OpenedAt),
        (null, _) => null,
        ({ } c, CampaignDiscountReserved r) => c with
        {
            Spent = c.Spent + r.Amount, Redemptions = c.Redemptions + 1, Pending = c.Pending.SetItem(r.PaymentId, new Reservation(r.CardHolderId, r.Amount, r.ReservedAt)),
        },
        ({ } c, CampaignDiscountReleased r) => c with { Spent = c.Spent - r.Amount, Redemptions = c.Redemptions - 1, Pending = c.Pending.Remove(r.PaymentId) },
        ({ } c, CampaignReservationsSettled settled) => c with { Pending = c.Pending.RemoveRange(settled.PaymentIds) },
        ({ } c, CampaignClosed) => c with { Closed = true },
        ({ } c, _) => c,
    };

    public string Status => Closed ? CampaignListing.ClosedStatus : Remaining <= 0 ? CampaignListing.SpentStatus : CampaignListing.Active;

    public CampaignView View() => new(Id, Definition, Status, Spent, Remaining, Redemptions, CreatedAt);

    public CampaignListing Listing() => new()
    {
        Id = Id, Name = Definition.Name, From = Definition.From, To = Definition.To, MealPeriod = Definition.MealPeriod,
        MerchantIds = [.. Definition.MerchantIds], Kinds = [.. Definition.Kinds], Groups = [.. Definition.Groups], Price = Definition.Price,
        PerHolderDailyCap = Definition.PerHolderDailyCap, Budget = Definition.Budget, Spent = Spent, Status = Status, CreatedAt = CreatedAt,
    };
}

/// <summary>The campaign's decisions. Pure.</summary>
public static class CampaignDecisions
{
    public static Decided Open(Campaign? s, string id, CampaignDefinition d, DateTimeOffset now) =>
        s is not null ? Refusal.Conflict("This campaign already exists.") : Decided.To(new CampaignOpened(id, d, now));

    public static Decided Close(Campaign s, DateTimeOffset now) => s.Closed ? Decided.Nothing : Decided.To(new CampaignClosed(s.Id, now));

    /// <summary>
    /// The tap's discount: its price above the campaign's, or what is left of the budget when that is less (the last tap gets
    /// the rest, so the campaign spends exactly its budget); nothing once closed or spent. The same payment keeps its reservation.
    /// </summary>
    public static Decided Reserve(Campaign s, string paymentId, string holderId, long amount, DateTimeOffset now)
    {
        if (s.Pending.ContainsKey(paymentId) || s.Closed) return Decided.Nothing;
        var discount = Math.Min(amount - s.Definition.Price, s.Remaining);
        return discount <= 0 ? Decided.Nothing : Decided.To(new CampaignDiscountReserved(s.Id, paymentId, holderId, discount, now));
    }

    public static Decided Release(Campaign s, string paymentId, DateTimeOffset now) =>
        s.Pending.TryGetValue(paymentId, out var r) ? Decided.To(new CampaignDiscountReleased(s.Id, paymentId, r.Amount, now)) : Decided.Nothing;

    public static Decided Settle(Campaign s, IReadOnlyList<string> paymentIds, DateTimeOffset now) =>
        paymentIds.Where(s.Pending.ContainsKey).ToList() is { Count: > 0 } settled ? Decided.To(new CampaignReservationsSettled(s.Id, settled, now)) : Decided.Nothing;
}

/// <summary>A campaign for lists and for the canteen's rules (which taps it prices), per tenant; follows every change of the campaign.</summary>
public sealed class CampaignListing
{
    public const string Active = "active";
    public const string SpentStatus = "spent";
    public const string ClosedStatus = "closed";

    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public DateOnly From { get; set; }
    public DateOnly To { get; set; }
    public string MealPeriod { get; set; } = "";
    public List<string> MerchantIds { get; set; } = [];
    public List<string> Kinds { get; set; } = [];
    public List<string> Groups { get; set; } = [];
    public long Price { get; set; }
    public int PerHolderDailyCap { get; set; }
    public long Budget { get; set; }
    public long Spent { get; set; }
    public string Status { get; set; } = Active;
    public DateTimeOffset CreatedAt { get; set; }
}
