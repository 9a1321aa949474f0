using System.Text.Json;
using Microsoft.AspNetCore.Http;
using SceneFinance.Platform.Problems;

namespace SceneFinance.Platform.Idempotency;

/// <summary>
/// The exact answer to a money-moving request: status and JSON body. It is produced once, by the
/// grain that commits the movement, stored in the same transaction, and replayed byte for byte.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record Reply([property: Id(0)] int Status, [property: Id(1)] string Json)
{
    public static Reply Ok<T>(T body) => new(200, JsonSerializer.Serialize(body, SceneJson.Options));

    public static Reply Conflict() => new(409, JsonSerializer.Serialize(
        new ProblemException(409, ErrorCodes.IdempotencyConflict,
            "This Idempotency-Key was already used with a different request; nothing was moved.").ToProblem(), SceneJson.Options));

    public IResult ToResult() => Status >= 400
        ? Results.Content(Json, "application/problem+json", statusCode: Status)
        : Results.Content(Json, "application/json", statusCode: Status);
}

/// <summary>Legacy replay of a stored <see cref="Reply"/> (being replaced by typed outcomes: <see cref="StoredOutcomes"/>).</summary>
public static class LegacyReplies
{
    public static IdempotentResponse From(IdempotencyTicket ticket, Reply reply, DateTimeOffset now) =>
        new() { Id = ticket.DocumentId, RequestHash = ticket.RequestHash, Status = reply.Status, Json = reply.Json, CreatedAt = now };

    /// <summary>Same key: the same request gets the first answer again, a different one gets <c>idempotency_conflict</c>.</summary>
    public static Reply ReplayFor(this IdempotentResponse stored, IdempotencyTicket ticket) =>
        ticket.RequestHash == stored.RequestHash ? new Reply(stored.Status == 0 ? 200 : stored.Status, stored.Json) : Reply.Conflict();
}
