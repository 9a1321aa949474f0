using System.Security.Cryptography;
using System.Text;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Platform.Time;
using SceneFinance.Scenes.Terminals;

namespace SceneFinance.Scenes.Campus.Attendance;

/// <summary>A card tap at a school gate (门禁), as recorded: taps are facts, attendance is computed from them, so two gates never race on a shared record.</summary>
public sealed class GateTap
{
    /// <summary>Derived from the terminal and its Idempotency-Key: the same tap sent twice is one tap.</summary>
    public string Id { get; set; } = "";
    public string RequestHash { get; set; } = "";
    public string TerminalId { get; set; } = "";
    public string? CardHolderId { get; set; }
    public string? StudentNumber { get; set; }
    public string? Name { get; set; }
    public string? Grade { get; set; }
    public string? Class { get; set; }
    /// <summary><c>in</c>, <c>out</c>, or null when the gate does not say (the day's first tap then counts as in, the last as out).</summary>
    public string? Direction { get; set; }
    public string Status { get; set; } = "accepted";
    public string? Reason { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public DateOnly LocalDay { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}

public sealed record GateTapRequest(string? CardNumber, DateTimeOffset? OccurredAt, string? Direction);

/// <summary>The answer to a gate tap: <c>accepted</c>, or <c>rejected</c> with a <see cref="Reason"/> (a contract code: not_found, card_lost...).</summary>
public sealed record GateTapAnswer(string TapId, string Status, string? Reason, string? StudentNumber, string? Name, string? Direction, DateOnly LocalDay)
{
    public static GateTapAnswer Of(GateTap t) => new(t.Id, t.Status, t.Reason, t.StudentNumber, t.Name, t.Direction, t.LocalDay);
}

public static class GateTaps
{
    public const string Route = "/terminal/gate-taps";

    public static void MapGateTaps(this IEndpointRouteBuilder api)
    {
        api.MapPost(Route, async (HttpContext http, TerminalSignature signature, IGrainFactory grains, IDocumentStore store, TenantClock clock, CampusNews news) =>
            {
                var (terminal, body) = await signature.Verify(http.Request);
                var key = IdempotencyTicket.RequireKey(http.Request);
                var request = JsonBody.Parse<GateTapRequest>(body);
                return (await Tap(grains, store, clock, news, terminal.TenantId, terminal.TerminalId, key, request)).ToOk();
            })
            .WithTags("Campus").Caller(CallerKind.Terminal).SignedBody<GateTapRequest>().Idempotent()
            .Doc("postGateTap", "A card tap at a school gate (signed terminal request)",
                "200 accepted (with the student), or rejected with a reason (not_found, card_lost, terminal_disabled) like a payment's decline. "
                + "Only terminals of kind gate (403 otherwise). The same Idempotency-Key is the same tap; another body under it is idempotency_conflict.")
            .Problems(StatusCodes.Status403Forbidden);
    }

    /// <summary>Records one tap of a verified terminal (once per key) and answers what the gate should do.</summary>
    public static async Task<Outcome<GateTapAnswer>> Tap(IGrainFactory grains, IDocumentStore store, TenantClock clock, CampusNews news,
        string tenantId, string terminalId, string key, GateTapRequest request)
    {
        var time = await clock.For(tenantId);
        var now = time.Now;
        new Validation()
            .Require(request.CardNumber is { Length: >= 4 and <= 32 } c && c.All(char.IsAsciiLetterOrDigit), "cardNumber", "cardNumber must be 4 to 32 letters or digits.")
            .Require(request.Direction is null or "in" or "out", "direction", "direction must be in or out.")
            .Require(request.OccurredAt is null || (request.OccurredAt <= now.AddMinutes(10) && request.OccurredAt >= now.AddDays(-30)), "occurredAt", "occurredAt must be within the last 30 days and not in the future.")
            .ThrowIfInvalid();
        var view = await grains.GetGrain<IMerchantTerminalGrain>(GrainKeys.For(tenantId, terminalId)).Get();
        if (view is null) return new Refusal(RefusalKind.Unauthorized, ErrorCodes.SignatureInvalid, "Unknown terminal.");
        if (view.Kind != "gate") return Refusal.Forbidden("Only gate terminals post gate taps.");

        var occurredAt = request.OccurredAt ?? now;
        // What was asked, so a key sent again with another tap is told apart (the tap's id is the key's).
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{request.CardNumber}|{request.Direction}|{request.OccurredAt?.ToUniversalTime():O}")));
        var tap = new GateTap
        {
            Id = Ids.Derived("tap", $"{terminalId}|{key}"), RequestHash = hash, TerminalId = terminalId, Direction = request.Direction,
            OccurredAt = occurredAt, ReceivedAt = now, LocalDay = time.DayOf(occurredAt),
        };
        if (view.Status != "active") (tap.Status, tap.Reason) = ("rejected", ErrorCodes.TerminalDisabled);
        else await Identify(tap, request.CardNumber!, tenantId, grains, store);

        await using var session = store.LightweightSession(tenantId);
        session.Insert(tap);
        try
        {
            await session.SaveChangesAsync();
            news.Tapped(tenantId, tap.LocalDay);
        }
        catch (DocumentAlreadyExistsException)
        {
            await using var read = store.QuerySession(tenantId);
            tap = (await read.LoadAsync<GateTap>(tap.Id))!;
            if (tap.RequestHash != hash) return Refusal.IdempotencyConflict;
        }
        return GateTapAnswer.Of(tap);
    }

    static async Task Identify(GateTap tap, string cardNumber, string tenantId, IGrainFactory grains, IDocumentStore store)
    {
        var holderId = await grains.GetGrain<ICardGrain>(CardKeys.Grain(tenantId, cardNumber)).Holder();
        var grain = holderId is null ? null : grains.GetGrain<ICardHolderGrain>(GrainKeys.For(tenantId, holderId));
        var holder = grain is null ? null : await grain.Get();
        if (holder is null) { (tap.Status, tap.Reason) = ("rejected", ErrorCodes.NotFound); return; }
        // The holder keeps answering for a replaced card; only the current one opens the gate (compared whole: views show the last 4 only).
        if (!await grain!.IsCurrentCard(cardNumber)) { (tap.Status, tap.Reason) = ("rejected", ErrorCodes.CardLost); return; }
        tap.CardHolderId = holder.Id;
        tap.Name = holder.Name;
        await using var session = store.QuerySession(tenantId);
        if (holder.Kind == "student" && await session.LoadAsync<StudentRecord>(holder.ExternalId) is { } student)
            (tap.StudentNumber, tap.Name, tap.Grade, tap.Class) = (student.Id, student.Name, student.Grade, student.Class);
    }
}
