using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Postgres;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Storage;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Platform.Time;
using SceneFinance.Scenes.Approving;

namespace SceneFinance.Scenes.CardHolders;

/// <summary>
/// The till report's counter top-ups: per person who credited them, for one local day, with the tenant's limit. Read from the
/// top-up events themselves (each is its own balanced journal entry), so the totals are the ledger's.
/// </summary>
public sealed record CounterTopUpDay(DateOnly Day, long Limit, IReadOnlyList<CashierTopUps> Items, int Count, long Amount);

/// <summary>
/// Counter top-ups make money appear on a card with one person's word: each person may credit up to the tenant's daily limit
/// (<see cref="ApprovalLimits.CounterTopUpDailyLimit"/>) in the tenant's day; a top-up that would pass it is refused
/// <c>409 approval_required</c> and asked for instead (<c>topup-requests</c>), credited when someone else approves it.
/// One person's top-ups are checked and credited one at a time (a cluster lock per person), so two at once cannot both slip under.
/// </summary>
public static class CounterTopUps
{
    public const string Kind = "counter-topup";

    /// <summary>Who approves a top-up above the limit (never the person who asked).</summary>
    public static readonly string[] Approvers = [Roles.TenantAdmin, Roles.Finance];

    public static void MapCounterTopUps(this IEndpointRouteBuilder api)
    {
        api.MapPost("/tenants/{tenantId}/cardholders/{id}/topup-requests", async (string tenantId, string id, TopUpRequest body, HttpContext http,
                    IGrainFactory grains, StreamWriters writers, TimeProvider clock) =>
                (await Request(http.User, grains, writers, tenantId, id, body, clock.GetUtcNow())).ToCreated(a => $"/api/v1/tenants/{tenantId}/approvals/{a.Id}"))
            .WithTags("Approvals")
            .Doc("requestCounterTopUp", "Ask for a counter top-up above the daily limit",
                "The same body as a top-up. 201 a pending approval (kind counter-topup): the purse is credited, as the asker's top-up, when "
                + "a tenant admin or finance person other than the asker approves it. 404 for an unknown card holder.");

        api.MapGet("/tenants/{tenantId}/counter-topups/daily", async (string tenantId, string? day, HttpContext http, IDocumentStore store,
                    ICounterTopUpLedger ledger, TenantClock clocks) =>
                (await Daily(http.User, store, ledger, clocks, tenantId, day)).ToOk())
            .WithTags("Card holders")
            .Doc("getCounterTopUpsByCashier", "The till report's counter top-ups: each person's total for a day",
                "day is the tenant's local day (yyyy-MM-dd, today when absent). Counter and bank-transfer top-ups by the user id that "
                + "credited them (an approved top-up counts for the person who asked), with the tenant's daily limit per person.");
    }

    /// <summary>Platform admins are not held to a tenant's limit: they make users and roles in any tenant, so no second person there could stop them.</summary>
    static bool Bound(ClaimsPrincipal user) => !user.IsInRole(Roles.PlatformAdmin);

    /// <summary>Credits through <paramref name="topUp"/> when the person stays within the day's limit (or the request was answered before).</summary>
    public static async Task<Outcome<TopUpResult>> WithinLimit(ClaimsPrincipal user, IDocumentStore store, ICounterTopUpLedger ledger, TenantClock clocks, string tenantId,
        IdempotencyTicket ticket, long amount, Func<Task<Outcome<TopUpResult>>> topUp)
    {
        if (!Bound(user)) return await topUp();
        var userId = user.UserId();
        await using var held = await ClusterLock.Acquire(store, $"counter-topups:{tenantId}:{userId}");
        if (await StoredOutcomes.Find<TopUpResult>(store, tenantId, ticket) is { } answered) return answered; // a retry gets its first answer
        var time = await clocks.For(tenantId);
        var limit = (await ApprovalLimits.Load(store, tenantId)).CounterTopUpDailyLimit;
        var credited = (await Totals(ledger, time, tenantId, time.Today, userId)).Sum(t => t.Amount);
        return credited + amount > limit ? AboveLimit : await topUp();
    }

    public static readonly Refusal AboveLimit = Refusal.Conflict(
        "This top-up would take your counter top-ups today above the daily limit per person: ask for it to be approved by someone else.",
        ApprovalDecisions.ApprovalRequired);



    public static async Task<Outcome<ApprovalView>> Request(ClaimsPrincipal user, IGrainFactory grains, StreamWriters writers, string tenantId, string id,
        TopUpRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, Roles.CardOffice);
        CardHolderEndpoints.ValidateTopUp(body);
        if ((await CardHolderEndpoints.Find(grains, tenantId, id)).Value is not { } holder) return Refusal.NotFound("The card holder");
        var purse = body.Purse ?? "cash";
        return await Approvals.Request(user, writers, tenantId, Kind, id, body.Amount!.Value,
            $"Top-up of {holder.Name} ({id}), {purse}, by {body.Channel}",
            new Dictionary<string, string> { ["channel"] = body.Channel!, ["purse"] = purse }, now);
    }

    public static async Task<Outcome<CounterTopUpDay>> Daily(ClaimsPrincipal user, IDocumentStore store, ICounterTopUpLedger ledger, TenantClock clocks,
        string tenantId, string? day)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        DateOnly parsed = default;
        new Validation()
            .Require(day is null || Validation.TryDay(day, out parsed), "day",
                "day must be a date, yyyy-MM-dd.")
            .ThrowIfInvalid();
        var time = await clocks.For(tenantId);
        var on = day is null ? time.Today : parsed;
        var items = await Totals(ledger, time, tenantId, on);
        var limit = (await ApprovalLimits.Load(store, tenantId)).CounterTopUpDailyLimit;
        return new CounterTopUpDay(on, limit, items, items.Sum(i => i.Count), items.Sum(i => i.Amount));
    }

    /// <summary>Each person's counter top-ups in the local day (only <paramref name="userId"/>'s when given), largest first.</summary>
    static Task<IReadOnlyList<CashierTopUps>> Totals(ICounterTopUpLedger ledger, TenantTime time, string tenantId, DateOnly day, string? userId = null) =>
        ledger.Totals(tenantId, time.StartOf(day), time.StartOf(day.AddDays(1)), userId);

    /// <summary>Credits an approved top-up once (its id and ticket are the approval's), as the top-up of the person who asked.</summary>
    public sealed class TopUp(IGrainFactory grains) : IApprovalAction
    {
        public string Kind => CounterTopUps.Kind;
        public string[] Approvers => CounterTopUps.Approvers;

        public async Task<Outcome<string>> CarryOut(string tenantId, Approval a, DateTimeOffset now)
        {
            var (channel, purse) = (a.Details["channel"], a.Details["purse"]);
            var ticket = IdempotencyTicket.For("approval", a.Id, "topup", a.Subject, a.Amount, channel, purse);
            var topUpId = Ids.Derived("tu", a.Id);
            var done = await grains.GetGrain<ICardHolderGrain>(GrainKeys.For(tenantId, a.Subject))
                .TopUp(new TopUpCard(topUpId, a.Amount, channel, purse, ticket, now, a.RequestedById));
            return done.Refusal is { } refused ? refused : $"top-up {done.Value!.Id} credited";
        }
    }
}
