using System.Security.Claims;
using Marten;
using Marten.Pagination;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Grains.Canteen;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Scenes.Terminals;

namespace SceneFinance.Scenes.Canteen.OfflineTills;

/// <summary>
/// The list a till must refuse offline. <c>cardKey</c> is what the till computes from the number it reads: the lowercase hex
/// of the first 16 bytes of SHA-256 of the card number's UTF-8 bytes, so the list carries no card numbers.
/// </summary>
public sealed record OfflineCardListResponse(long Version, bool Full, IReadOnlyList<OfflineListEntry> Cards);

public sealed record OfflineExceptionList(IReadOnlyList<OfflineException> Items, long Total);
public sealed record ArrearsList(IReadOnlyList<ArrearsListing> Items, long Total);

/// <summary>Offline tills: their refuse list (signed), and the canteen's offline exceptions and arrears (people).</summary>
public static class OfflineTillEndpoints
{
    public static void MapOfflineTills(this IEndpointRouteBuilder api)
    {
        api.MapGet("/terminal/offline-card-list", async (long? sinceVersion, HttpContext http, TerminalSignature signature, IGrainFactory grains) =>
            {
                var (terminal, _) = await signature.Verify(http.Request);
                new Validation().Require(sinceVersion is null or >= 0, "sinceVersion", "sinceVersion must be 0 or more.").ThrowIfInvalid();
                var list = await grains.GetGrain<IOfflineCardListGrain>(terminal.TenantId).Since(sinceVersion);
                return TypedResults.Ok(new OfflineCardListResponse(list.Version, list.Full, list.Entries));
            })
            .WithTags("Canteen")
            .Caller(CallerKind.Terminal)
            .Doc("getOfflineCardList", "The cards a till must refuse while offline (lost, replaced, frozen, blacklisted), versioned",
                "Signed GET (the signature covers an empty body). Without sinceVersion (or from before the list began): the whole list, full: true. "
                + "With the version the till holds: only the cards that changed since, each listed: true with its reasons or listed: false (take it "
                + "off). cardKey is the lowercase hex of the first 16 bytes of SHA-256 of the card number. Upload offline taps with the version held "
                + "(offlineListVersion on the batch).");

        var canteen = api.MapGroup("/tenants/{tenantId}/canteen").WithTags("Canteen");
        canteen.MapGet("/offline-exceptions", async (string tenantId, DateOnly? from, DateOnly? to, string? reason, int? page, int? size, HttpContext http, IDocumentStore store) =>
            {
                var (items, total) = await Exceptions(http.User, store, tenantId, from, to, reason, page ?? 0, size ?? 50);
                return TypedResults.Ok(new OfflineExceptionList(items, total));
            })
            .Doc("listOfflineExceptions", "Offline taps not charged as taken: listed cards, above an offline cap, unknown cards, and shortfalls that became arrears",
                "Newest first; from and to are local days of the taps, reason one of listed_card, over_holder_cap, over_till_cap, unknown_card, "
                + "tenant_suspended, terminal_disabled, arrears. page from 0, size up to 500.");

        canteen.MapGet("/arrears", async (string tenantId, int? page, int? size, HttpContext http, IDocumentStore store) =>
            {
                var (items, total) = await Arrears(http.User, store, tenantId, page ?? 0, size ?? 50);
                return TypedResults.Ok(new ArrearsList(items, total));
            })
            .Doc("listArrears", "Holders who owe for offline taps, most first", "Arrears are recovered from the holder's next top-up or subsidy.");
    }

    public static async Task<(IReadOnlyList<OfflineException> Items, long Total)> Exceptions(ClaimsPrincipal user, IDocumentStore store, string tenantId,
        DateOnly? from, DateOnly? to, string? reason, int page, int size)
    {
        user.RequireTenantAccess(tenantId, CanteenAccess.Readers);
        new Validation().Require(page >= 0, "page", "page is 0 or more.").Require(size is >= 1 and <= 500, "size", "size is 1 to 500.").ThrowIfInvalid();
        await using var session = store.QuerySession(tenantId);
        var query = session.Query<OfflineException>().AsQueryable();
        if (from is { } f) query = query.Where(e => e.LocalDay >= f);
        if (to is { } t) query = query.Where(e => e.LocalDay <= t);
        if (reason is not null) query = query.Where(e => e.Reason == reason);
        var found = await query.OrderByDescending(e => e.OccurredAt).ToPagedListAsync(page + 1, size);
        return (found.ToList(), found.TotalItemCount);
    }

    public static async Task<(IReadOnlyList<ArrearsListing> Items, long Total)> Arrears(ClaimsPrincipal user, IDocumentStore store, string tenantId, int page, int size)
    {
        user.RequireTenantAccess(tenantId, CanteenAccess.Readers);
        new Validation().Require(page >= 0, "page", "page is 0 or more.").Require(size is >= 1 and <= 500, "size", "size is 1 to 500.").ThrowIfInvalid();
        await using var session = store.QuerySession(tenantId);
        var found = await session.Query<ArrearsListing>().Where(a => a.Outstanding > 0).OrderByDescending(a => a.Outstanding).ToPagedListAsync(page + 1, size);
        return (found.ToList(), found.TotalItemCount);
    }
}
