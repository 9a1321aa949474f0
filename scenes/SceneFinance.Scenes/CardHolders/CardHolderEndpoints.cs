using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Platform.Time;
using Marten;

namespace SceneFinance.Scenes.CardHolders;

public sealed record RegisterCardHolderRequest(
    string? ExternalId, string? Name, string? Kind, string? CardNumber, string? IdNumber, string? Phone, long? DailyLimit);

public sealed record TopUpRequest(long? Amount, string? Channel, string? Purse);

public sealed record ReplaceCardRequest(string? NewCardNumber);

/// <summary>A card holder as the contract shows it. <c>dailyLimit</c> is always present (null: no limit).</summary>
public sealed record CardHolderResponse(
    string Id, string ExternalId, string Name, string Kind, string CardNumber, string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? DailyLimit,
    Balance Balance, string? IdNumber, string? Phone)
{
    public static CardHolderResponse From(CardHolderView v) =>
        new(v.Id, v.ExternalId, v.Name, v.Kind, v.CardNumber, v.Status, v.DailyLimit, v.Balance, v.IdNumber, v.Phone);
}

/// <summary>A card holder's transactions (api-v1.md).</summary>
public sealed record TransactionList(IReadOnlyList<TransactionItem> Items);

public static class CardHolderEndpoints
{
    public static readonly string[] Kinds = ["student", "staff", "patient", "visitor"];
    public static readonly string[] TopUpChannels = ["counter", "bank-transfer"];
    public static readonly string[] Purses = ["cash", "subsidy"];

    public static void MapCardHolders(this IEndpointRouteBuilder api)
    {
        var holders = api.MapGroup("/tenants/{tenantId}/cardholders").WithTags("Card holders");

        holders.MapPost("", async (string tenantId, RegisterCardHolderRequest body, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
                (await Register(http.User, grains, tenantId, body, clock.GetUtcNow())).ToCreated(h => $"/api/v1/tenants/{tenantId}/cardholders/{h.Id}"))
            .Doc("createCardHolder", "Register a card holder with a card (the full card number is shown only in this answer)",
                "kind is student, staff, patient or visitor; without cardNumber a 16-digit one is issued. externalId and cardNumber are unique "
                + "within the tenant (409 conflict, with the field in errors). dailyLimit is fen per calendar day in the tenant's zone; absent or "
                + "null means none. idNumber and phone are kept masked.")
            .Problems(StatusCodes.Status409Conflict);

        holders.MapGet("/{id}", async (string tenantId, string id, HttpContext http, IGrainFactory grains) =>
                (await Get(http.User, grains, tenantId, id)).ToOk())
            .Doc("getCardHolder", "Read a card holder with the current balance",
                "The card number shows its last 4 only, idNumber its last 4, phone as 138****5678; balance is cash and subsidy in fen.");

        holders.MapGet("/{id}/transactions", async (string tenantId, string id, int? limit, HttpContext http, IGrainFactory grains) =>
                (await Transactions(http.User, grains, tenantId, id, limit)).Map(items => new TransactionList(items)).ToOk())
            .Doc("listCardHolderTransactions", "A card holder's committed movements, newest first",
                "Top-ups, payments (approved and declined), refunds and adjustments with the balance after each; limit is 1 to 500 (default 50).");

        holders.MapPost("/{id}/topups", async (string tenantId, string id, TopUpRequest body, HttpContext http, IGrainFactory grains, IDocumentStore store,
                ICounterTopUpLedger ledger, TenantClock clocks, TimeProvider clock) =>
            {
                http.User.RequireTenantAccess(tenantId, Roles.CardOffice);
                var key = IdempotencyTicket.RequireKey(http.Request);
                return (await TopUp(http.User, grains, store, ledger, clocks, tenantId, id, key, body, clock.GetUtcNow())).ToOk();
            })
            .Idempotent()
            .Doc("topUpCardHolder", "Credit a purse at the counter or by bank transfer",
                "channel is counter or bank-transfer; purse is cash (default) or subsidy. The same Idempotency-Key and body answer the first "
                + "top-up again and credit nothing twice; a suspended tenant's top-ups are refused with 409 tenant_suspended. A person's top-ups "
                + "beyond the tenant's daily limit per person (getApprovalLimits) are refused with 409 approval_required: ask for them with "
                + "requestCounterTopUp, a second person approves.")
            .Problems(StatusCodes.Status409Conflict);

        holders.MapPost("/{id}/freeze", async (string tenantId, string id, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
                (await Freeze(http.User, grains, tenantId, id, clock.GetUtcNow())).ToOk())
            .Doc("freezeCardHolder", "Freeze the card: its payments are declined card_frozen",
                "Freezing a frozen card changes nothing; a card reported lost is refused (409 conflict): replace it instead.")
            .Problems(StatusCodes.Status409Conflict);

        holders.MapPost("/{id}/unfreeze", async (string tenantId, string id, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
                (await Unfreeze(http.User, grains, tenantId, id, clock.GetUtcNow())).ToOk())
            .Doc("unfreezeCardHolder", "Unfreeze the card",
                "Unfreezing an active card changes nothing; a card reported lost is refused (409 conflict): replace it instead.")
            .Problems(StatusCodes.Status409Conflict);

        holders.MapPost("/{id}/report-lost", async (string tenantId, string id, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
                (await ReportLost(http.User, grains, tenantId, id, clock.GetUtcNow())).ToOk())
            .Doc("reportCardLost", "Report the card lost: it stops working at once",
                "Its payments are declined card_lost from now on; the number stays reserved for its holder. Reporting it again changes nothing.")
            .Problems(StatusCodes.Status409Conflict);

        holders.MapPost("/{id}/replace-card", async (string tenantId, string id, ReplaceCardRequest body, HttpContext http, IGrainFactory grains, TimeProvider clock) =>
                (await ReplaceCard(http.User, grains, tenantId, id, body, clock.GetUtcNow())).ToOk())
            .Doc("replaceCard", "Move the holder and balance to a new card; the old card stops working at once",
                "newCardNumber is 4 to 32 letters or digits, not in use in the tenant (409 conflict, with the field in errors) and not the "
                + "holder's current card.")
            .Problems(StatusCodes.Status409Conflict);
    }

    // The functions below are the slice: the routes above and the admin shell's pages both call them, so access,
    // validation and idempotency are the same whichever door a person comes through. Access and validation throw
    // (the edge's own problems); what the card holder's grain refuses comes back as a typed outcome.

    public static async Task<Outcome<CardHolderResponse>> Register(ClaimsPrincipal user, IGrainFactory grains, string tenantId, RegisterCardHolderRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, Roles.CardOffice);
        await grains.FindTenant(tenantId).OrThrow();
        new Validation()
            .Text(body.ExternalId, "externalId", 64)
            .Text(body.Name, "name", 100)
            .OneOf(body.Kind, "kind", Kinds)
            .Require(body.CardNumber is null || IsCardNumber(body.CardNumber), "cardNumber", "cardNumber must be 4 to 32 letters or digits.")
            .Require(body.IdNumber is null || body.IdNumber.Length is >= 4 and <= 32, "idNumber", "idNumber must be 4 to 32 characters.")
            .Require(body.Phone is null || (body.Phone.Length is >= 8 and <= 20 && body.Phone.All(c => char.IsAsciiDigit(c) || c == '+')), "phone", "phone must be 8 to 20 digits.")
            .Require(body.DailyLimit is null or (> 0 and <= Validation.MaxAmount), "dailyLimit", $"dailyLimit must be null or fen between 1 and {Validation.MaxAmount}.")
            .ThrowIfInvalid();

        var id = Ids.New("ch");
        var cardNumber = body.CardNumber ?? NewCardNumber();
        return (await Holder(grains, tenantId, id).Register(new RegisterCardHolder(
            body.ExternalId!.Trim(), body.Name!.Trim(), body.Kind!, cardNumber, body.IdNumber, body.Phone, body.DailyLimit, now)))
            .Map(CardHolderResponse.From);
    }

    public static async Task<Outcome<CardHolderResponse>> Get(ClaimsPrincipal user, IGrainFactory grains, string tenantId, string id)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        return (await Find(grains, tenantId, id)).Map(CardHolderResponse.From);
    }

    public static async Task<Outcome<IReadOnlyList<TransactionItem>>> Transactions(ClaimsPrincipal user, IGrainFactory grains, string tenantId, string id, int? limit)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        new Validation().Require(limit is null or (>= 1 and <= 500), "limit", "limit must be between 1 and 500.").ThrowIfInvalid();
        return IsHolderId(id) ? await Holder(grains, tenantId, id).Transactions(limit ?? 50) : Refusal.NotFound("The card holder");
    }

    /// <summary>Credits a purse under an idempotency key, within the person's daily counter limit (<see cref="CounterTopUps"/>).</summary>
    public static async Task<Outcome<TopUpResult>> TopUp(ClaimsPrincipal user, IGrainFactory grains, IDocumentStore store, ICounterTopUpLedger ledger,
        TenantClock clocks, string tenantId,
        string id, string key, TopUpRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, Roles.CardOffice);
        ValidateTopUp(body);
        var purse = body.Purse ?? "cash";
        var ticket = IdempotencyTicket.For("tenant", key, "topup", id, body.Amount, body.Channel, purse);
        if (!IsHolderId(id)) return Refusal.NotFound("The card holder");
        return await CounterTopUps.WithinLimit(user, store, ledger, clocks, tenantId, ticket, body.Amount!.Value, () =>
            Holder(grains, tenantId, id).TopUp(new TopUpCard(Ids.New("tu"), body.Amount!.Value, body.Channel!, purse, ticket, now, user.UserId())));
    }

    public static void ValidateTopUp(TopUpRequest body) =>
        new Validation()
            .Amount(body.Amount)
            .OneOf(body.Channel, "channel", TopUpChannels)
            .Require(body.Purse is null || Purses.Contains(body.Purse), "purse", "purse must be cash or subsidy.")
            .ThrowIfInvalid();

    public static Task<Outcome<CardHolderResponse>> Freeze(ClaimsPrincipal user, IGrainFactory grains, string tenantId, string id, DateTimeOffset now) =>
        Change(user, grains, tenantId, id, h => h.Freeze(now));

    public static Task<Outcome<CardHolderResponse>> Unfreeze(ClaimsPrincipal user, IGrainFactory grains, string tenantId, string id, DateTimeOffset now) =>
        Change(user, grains, tenantId, id, h => h.Unfreeze(now));

    public static Task<Outcome<CardHolderResponse>> ReportLost(ClaimsPrincipal user, IGrainFactory grains, string tenantId, string id, DateTimeOffset now) =>
        Change(user, grains, tenantId, id, h => h.ReportLost(now));

    public static async Task<Outcome<CardHolderResponse>> ReplaceCard(ClaimsPrincipal user, IGrainFactory grains, string tenantId, string id, ReplaceCardRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, Roles.CardOffice);
        new Validation().Require(body.NewCardNumber is not null && IsCardNumber(body.NewCardNumber), "newCardNumber", "newCardNumber must be 4 to 32 letters or digits.").ThrowIfInvalid();
        return await Change(user, grains, tenantId, id, h => h.ReplaceCard(body.NewCardNumber!, now));
    }

    static async Task<Outcome<CardHolderResponse>> Change(ClaimsPrincipal user, IGrainFactory grains, string tenantId, string id, Func<ICardHolderGrain, Task<Outcome<CardHolderView>>> change)
    {
        user.RequireTenantAccess(tenantId, Roles.CardOffice);
        return IsHolderId(id) ? (await change(Holder(grains, tenantId, id))).Map(CardHolderResponse.From) : Refusal.NotFound("The card holder");
    }

    static ICardHolderGrain Holder(IGrainFactory grains, string tenantId, string id) =>
        grains.GetGrain<ICardHolderGrain>(GrainKeys.For(tenantId, id));

    /// <summary>The holder, or <c>not_found</c> (ids not shaped like a holder's never reach a grain).</summary>
    public static async Task<Outcome<CardHolderView>> Find(IGrainFactory grains, string tenantId, string id) =>
        IsHolderId(id) && await Holder(grains, tenantId, id).Get() is { } view ? view : Refusal.NotFound("The card holder");

    static bool IsHolderId(string id) => id.StartsWith("ch_", StringComparison.Ordinal);

    static bool IsCardNumber(string s) => s.Length is >= 4 and <= 32 && s.All(char.IsAsciiLetterOrDigit);

    /// <summary>16 digits, not starting with 0, so spreadsheets keep them intact.</summary>
    static string NewCardNumber() => RandomNumberGenerator.GetInt32(1, 10) + string.Concat(Enumerable.Range(0, 15).Select(_ => RandomNumberGenerator.GetInt32(0, 10)));
}
