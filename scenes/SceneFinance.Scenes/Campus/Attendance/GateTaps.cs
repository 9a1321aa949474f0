using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Platform;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;
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

public static class GateTaps
{
    public const string Route = "/terminal/gate-taps";

    /// <summary>
    /// <c>POST /api/v1/terminal/gate-taps</c> (signed like terminal payments, Idempotency-Key) <c>{"cardNumber","occurredAt"?,"direction"?:"in"|"out"}</c>
    /// → <c>200</c> <c>{"tapId","status":"accepted"|"rejected","reason"?,"studentNumber"?,"name"?,"direction"?,"localDay"}</c>. Only gate terminals may post taps.
    /// </summary>
    public static void MapGateTaps(this IEndpointRouteBuilder api)
    {
        api.MapPost(Route, async (HttpContext http, TerminalSignature signature, IGrainFactory grains, IDocumentStore store, TimeProvider clock) =>
        {
            var (terminal, body) = await signature.Verify(http.Request);
            var key = IdempotencyTicket.RequireKey(http.Request);
            GateTapRequest request;
            try { request = JsonSerializer.Deserialize<GateTapRequest>(body, SceneJson.Options) ?? throw new JsonException(); }
            catch (JsonException) { throw ProblemException.Invalid("body", "The body must be a JSON object of this route's shape."); }
            var now = clock.GetUtcNow();
            new Validation()
                .Require(request.CardNumber is { Length: >= 4 and <= 32 } c && c.All(char.IsAsciiLetterOrDigit), "cardNumber", "cardNumber must be 4 to 32 letters or digits.")
                .Require(request.Direction is null or "in" or "out", "direction", "direction must be in or out.")
                .Require(request.OccurredAt is null || (request.OccurredAt <= now.AddMinutes(10) && request.OccurredAt >= now.AddDays(-30)), "occurredAt", "occurredAt must be within the last 30 days and not in the future.")
                .ThrowIfInvalid();
            var gate = grains.GetGrain<IMerchantTerminalGrain>(GrainKeys.For(terminal.TenantId, terminal.TerminalId));
            var view = await gate.Get() ?? throw new ProblemException(401, ErrorCodes.SignatureInvalid, "Unknown terminal.");
            if (view.Kind != "gate") throw new ProblemException(403, ErrorCodes.Forbidden, "Only gate terminals post gate taps.");

            var occurredAt = request.OccurredAt ?? now;
            var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{request.CardNumber}|{request.Direction}|{request.OccurredAt?.ToUniversalTime():O}")));
            var tap = new GateTap
            {
                Id = "tap_" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{terminal.TerminalId}|{key}")), 0, 13).ToLowerInvariant(),
                RequestHash = hash, TerminalId = terminal.TerminalId, Direction = request.Direction, OccurredAt = occurredAt, ReceivedAt = now,
                LocalDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(occurredAt, await Zone(grains, terminal.TenantId)).DateTime),
            };
            if (view.Status != "active") (tap.Status, tap.Reason) = ("rejected", ErrorCodes.TerminalDisabled);
            else await Identify(tap, request.CardNumber!, terminal.TenantId, grains, store);

            await using var session = store.LightweightSession(terminal.TenantId);
            session.Insert(tap);
            try
            {
                await session.SaveChangesAsync();
            }
            catch (DocumentAlreadyExistsException)
            {
                await using var read = store.QuerySession(terminal.TenantId);
                tap = (await read.LoadAsync<GateTap>(tap.Id))!;
                if (tap.RequestHash != hash) return Reply.Conflict().ToResult();
            }
            return Results.Json(new { tapId = tap.Id, status = tap.Status, reason = tap.Reason, studentNumber = tap.StudentNumber, name = tap.Name, direction = tap.Direction, localDay = tap.LocalDay });
        }).WithTags("Campus").WithSummary("A card tap at a school gate (signed terminal request)");
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

    public static async Task<TimeZoneInfo> Zone(IGrainFactory grains, string tenantId)
    {
        var policy = await grains.GetGrain<ITenantGrain>(tenantId).GetPaymentPolicy();
        try { return TimeZoneInfo.FindSystemTimeZoneById(policy?.TimeZone ?? "Asia/Shanghai"); }
        catch (TimeZoneNotFoundException) { return TimeZoneInfo.Utc; }
    }
}
