using System.Security.Claims;
using Marten;
using Marten.Pagination;
using SceneFinance.Grains.Cards;
using SceneFinance.Platform.Security;

namespace SceneFinance.Scenes.CardHolders;

/// <summary>A card holder as a search finds it: no balance and no full card number, by design.</summary>
public sealed record CardHolderRow(string Id, string ExternalId, string Name, string Kind, string CardLast4, string Status, DateTimeOffset UpdatedAt);

/// <summary>
/// Finds card holders of one tenant on their <see cref="CardHolderListing"/> (the session is the tenant's, so no other
/// tenant's holder can turn up): by name (contains), external id (exact) or the card's last 4 digits. For the admin
/// shell's list and its spreadsheet, with the same access check as the card holder routes.
/// </summary>
public static class CardHolderSearch
{
    public const int MaxExport = 10_000;

    /// <summary>The search asks by the card's last 4 digits and by external id, within a tenant.</summary>
    public static void Configure(StoreOptions opts) => opts.Schema.For<CardHolderListing>().Index(l => l.CardLast4).Index(l => l.ExternalId).Index(l => l.PhoneDigest!);

    /// <summary>One page (from 0) of the matches, newest first, and how many match in all.</summary>
    public static async Task<(IReadOnlyList<CardHolderRow> Rows, long Total)> Page(ClaimsPrincipal user, IDocumentStore store, string tenantId, string? query, int page, int size)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        await using var session = store.QuerySession(tenantId);
        var found = await Matching(session, query).ToPagedListAsync(page + 1, size);
        return (found.Select(ToRow).ToList(), found.TotalItemCount);
    }

    /// <summary>Every match (at most <see cref="MaxExport"/>), for the spreadsheet.</summary>
    public static async Task<IReadOnlyList<CardHolderRow>> All(ClaimsPrincipal user, IDocumentStore store, string tenantId, string? query)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        await using var session = store.QuerySession(tenantId);
        var found = await Matching(session, query).Take(MaxExport).ToListAsync();
        return found.Select(ToRow).ToList();
    }

    static IQueryable<CardHolderListing> Matching(IQuerySession session, string? query)
    {
        var q = query?.Trim() ?? "";
        IQueryable<CardHolderListing> listings = session.Query<CardHolderListing>();
        if (q.Length > 0)
            listings = listings.Where(l => l.CardLast4 == q || l.ExternalId == q || l.Name.Contains(q, StringComparison.OrdinalIgnoreCase));
        // Ids are time-ordered (UUID v7), so this is newest first.
        return listings.OrderByDescending(l => l.Id);
    }

    static CardHolderRow ToRow(CardHolderListing l) => new(l.Id, l.ExternalId, l.Name, l.Kind, l.CardLast4, l.Status, l.UpdatedAt);
}
