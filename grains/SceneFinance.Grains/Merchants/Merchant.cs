using SceneFinance.Platform.Storage;

namespace SceneFinance.Grains.Merchants;

public sealed record MerchantOpened(string MerchantId, string Name, string Category, DateTimeOffset OpenedAt);
public sealed record MerchantRenamed(string MerchantId, string Name, DateTimeOffset RenamedAt);
public sealed record MerchantClosed(string MerchantId, DateTimeOffset ClosedAt);

/// <summary>A merchant as its events made it.</summary>
public sealed record Merchant(string Id, string Name, string Category, bool Closed, DateTimeOffset OpenedAt, DateTimeOffset UpdatedAt)
{
    public static Merchant? Fold(Merchant? state, object e) => (state, e) switch
    {
        (null, MerchantOpened o) => new Merchant(o.MerchantId, o.Name, o.Category, false, o.OpenedAt, o.OpenedAt),
        (null, _) => null,
        ({ } m, MerchantRenamed r) => m with { Name = r.Name, UpdatedAt = r.RenamedAt },
        ({ } m, MerchantClosed c) => m with { Closed = true, UpdatedAt = c.ClosedAt },
        ({ } m, _) => m,
    };

    public MerchantView View() => new(Id, Name, Category, Closed ? "closed" : "active", OpenedAt, UpdatedAt);

    public MerchantListing Listing() => new() { Id = Id, Name = Name, Category = Category, Status = View().Status, CreatedAt = OpenedAt, UpdatedAt = UpdatedAt };
}

/// <summary>The merchant's decisions: pure functions from state and command to events, or a refusal.</summary>
public static class MerchantDecisions
{
    public static Decided Open(Merchant? state, string id, string name, string category, DateTimeOffset now) =>
        state is not null ? Refusal.Conflict("This merchant already exists.") : Decided.To(new MerchantOpened(id, name, category, now));

    public static Decided Rename(Merchant state, string name, DateTimeOffset now) =>
        state.Closed ? Refusal.Conflict("This merchant is closed.")
        : state.Name == name ? Decided.Nothing
        : Decided.To(new MerchantRenamed(state.Id, name, now));

    public static Decided Close(Merchant state, DateTimeOffset now) =>
        state.Closed ? Decided.Nothing : Decided.To(new MerchantClosed(state.Id, now));
}
