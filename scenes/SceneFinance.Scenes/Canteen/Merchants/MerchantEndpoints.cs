using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Grains.Terminals;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Scenes.Canteen.Merchants;

public sealed record OpenMerchantRequest(string? Name, string? Category);
public sealed record RenameMerchantRequest(string? Name);
public sealed record MoveTerminalRequest(string? TerminalId);
public sealed record MerchantList(IReadOnlyList<MerchantView> Items);

/// <summary>A merchant with its terminals (stalls, windows) as they are now.</summary>
public sealed record MerchantDetail(MerchantView Merchant, IReadOnlyList<TerminalView> Terminals);

/// <summary>
/// Merchants of a tenant (a canteen operator, a shop, a supermarket) and the terminals they own. The merchant grain is the
/// single writer of each merchant; these are the slice's functions for the routes and the shell's page alike.
/// </summary>
public static class MerchantEndpoints
{
    public static void MapMerchants(this IEndpointRouteBuilder api)
    {
        var merchants = api.MapGroup("/tenants/{tenantId}/merchants").WithTags("Canteen");

        merchants.MapPost("", async (string tenantId, OpenMerchantRequest body, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
                (await Open(http.User, grains, tenantId, body, clock.GetUtcNow())).ToCreated(m => $"/api/v1/tenants/{tenantId}/merchants/{m.Id}"))
            .Doc("createMerchant", "Open a merchant: a canteen operator, a shop, a supermarket",
                $"category is one of {string.Join(", ", MerchantCategories.All)} (where subsidies may be spent, what risk rules look at). Tenant-admin or finance.")
            .Problems(StatusCodes.Status409Conflict);

        merchants.MapGet("", async (string tenantId, string? status, string? category, HttpContext http, IDocumentStore store) =>
                TypedResults.Ok(new MerchantList(await List(http.User, store, tenantId, status, category))))
            .Doc("listMerchants", "The tenant's merchants, by name", "Filter by status (active, closed) and category.");

        merchants.MapGet("/{merchantId}", async (string tenantId, string merchantId, HttpContext http, IDocumentStore store, IGrainFactory grains) =>
                (await Get(http.User, store, grains, tenantId, merchantId)).ToOk())
            .Doc("getMerchant", "A merchant with its terminals", "The terminals (its stalls and windows) with their status and when they were last heard from.");

        merchants.MapPost("/{merchantId}/rename", async (string tenantId, string merchantId, RenameMerchantRequest body, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
                (await Rename(http.User, grains, tenantId, merchantId, body, clock.GetUtcNow())).ToOk())
            .Doc("renameMerchant", "Rename a merchant", "A closed merchant is not renamed (409 conflict).")
            .Problems(StatusCodes.Status409Conflict);

        merchants.MapPost("/{merchantId}/close", async (string tenantId, string merchantId, HttpContext http, IDocumentStore store, IGrainFactory grains, TimeProvider clock) =>
                (await Close(http.User, store, grains, tenantId, merchantId, clock.GetUtcNow())).ToOk())
            .Doc("closeMerchant", "Close a merchant: no terminal may join it any more",
                "Its active terminals must be moved or disabled first (409 conflict); what it was paid stays its own. Closing it again changes nothing.")
            .Problems(StatusCodes.Status409Conflict);

        merchants.MapPost("/{merchantId}/terminals", async (string tenantId, string merchantId, MoveTerminalRequest body, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
                (await MoveTerminal(http.User, grains, tenantId, merchantId, body, clock.GetUtcNow())).ToOk())
            .Doc("moveTerminalToMerchant", "Move a terminal to this merchant: its payments from now on are this merchant's",
                "Payments it took before stay with the merchant it belonged to then. The merchant must be open (409 conflict).")
            .Problems(StatusCodes.Status409Conflict);
    }

    public static async Task<Outcome<MerchantView>> Open(ClaimsPrincipal user, IGrainFactory grains, string tenantId, OpenMerchantRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, CanteenAccess.Managers);
        await grains.FindTenant(tenantId).OrThrow();
        new Validation().Text(body.Name, "name", 100).OneOf(body.Category, "category", MerchantCategories.All).ThrowIfInvalid();
        var opened = await Merchant(grains, tenantId, Ids.New("mch")).Open(body.Name!.Trim(), body.Category!, now);
        await Refresh(grains, tenantId, opened);
        return opened;
    }

    public static async Task<IReadOnlyList<MerchantView>> List(ClaimsPrincipal user, IDocumentStore store, string tenantId, string? status = null, string? category = null)
    {
        user.RequireTenantAccess(tenantId, CanteenAccess.Readers);
        await using var session = store.QuerySession(tenantId);
        var query = session.Query<MerchantListing>().AsQueryable();
        if (status is not null) query = query.Where(m => m.Status == status);
        if (category is not null) query = query.Where(m => m.Category == category);
        return (await query.OrderBy(m => m.Name).Take(1000).ToListAsync()).Select(m => m.View()).ToList();
    }

    public static async Task<Outcome<MerchantDetail>> Get(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId, string merchantId)
    {
        user.RequireTenantAccess(tenantId, CanteenAccess.Readers);
        if (!MerchantIds.IsMerchantId(merchantId) || await Merchant(grains, tenantId, merchantId).Get() is not { } merchant) return Refusal.NotFound("The merchant");
        return new MerchantDetail(merchant, await Terminals(store, grains, tenantId, merchantId));
    }

    /// <summary>The merchant's terminals, live (status and last seen from each terminal).</summary>
    public static async Task<IReadOnlyList<TerminalView>> Terminals(IDocumentStore store, IGrainFactory grains, string tenantId, string merchantId)
    {
        await using var session = store.QuerySession(tenantId);
        var isDefault = merchantId == MerchantIds.DefaultId(tenantId);
        var records = await session.Query<TerminalRecord>().Where(t => t.MerchantId == merchantId || (isDefault && t.MerchantId == null))
            .OrderBy(t => t.Name).Take(1000).Select(t => t.Id).ToListAsync();
        var views = await Task.WhenAll(records.Select(id => grains.GetGrain<IMerchantTerminalGrain>(GrainKeys.For(tenantId, id)).Get()));
        return views.OfType<TerminalView>().Where(v => v.MerchantId == merchantId).ToList();
    }

    public static async Task<Outcome<MerchantView>> Rename(ClaimsPrincipal user, IGrainFactory grains, string tenantId, string merchantId, RenameMerchantRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, CanteenAccess.Managers);
        new Validation().Text(body.Name, "name", 100).ThrowIfInvalid();
        return MerchantIds.IsMerchantId(merchantId) ? await Merchant(grains, tenantId, merchantId).Rename(body.Name!.Trim(), now) : Refusal.NotFound("The merchant");
    }

    public static async Task<Outcome<MerchantView>> Close(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId, string merchantId, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, CanteenAccess.Managers);
        if (!MerchantIds.IsMerchantId(merchantId) || await Merchant(grains, tenantId, merchantId).Get() is null) return Refusal.NotFound("The merchant");
        if ((await Terminals(store, grains, tenantId, merchantId)).Any(t => t.Status == "active"))
            return Refusal.Conflict("This merchant still has active terminals: move or disable them first.");
        var closed = await Merchant(grains, tenantId, merchantId).Close(now);
        await Refresh(grains, tenantId, closed);
        return closed;
    }

    public static async Task<Outcome<TerminalView>> MoveTerminal(ClaimsPrincipal user, IGrainFactory grains, string tenantId, string merchantId, MoveTerminalRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, CanteenAccess.Managers);
        new Validation().Require(body.TerminalId is { Length: > 4 } t && t.StartsWith("trm_", StringComparison.Ordinal), "terminalId", "terminalId must name a terminal of this tenant.")
            .ThrowIfInvalid();
        if (!MerchantIds.IsMerchantId(merchantId) || await Merchant(grains, tenantId, merchantId).Get() is null) return Refusal.NotFound("The merchant");
        return await grains.GetGrain<IMerchantTerminalGrain>(GrainKeys.For(tenantId, body.TerminalId!)).MoveTo(merchantId, now);
    }

    static IMerchantGrain Merchant(IGrainFactory grains, string tenantId, string id) => grains.GetGrain<IMerchantGrain>(GrainKeys.For(tenantId, id));

    /// <summary>Taps read merchants' categories from the canteen's rules: a new or closed merchant is read again.</summary>
    static async Task Refresh(IGrainFactory grains, string tenantId, Outcome<MerchantView> changed)
    {
        if (!changed.Refused) await grains.GetGrain<ICanteenPolicyGrain>(tenantId).Refresh();
    }
}
