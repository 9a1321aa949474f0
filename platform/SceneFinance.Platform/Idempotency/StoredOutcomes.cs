using System.Text.Json;
using Marten;
using SceneFinance.Platform.Outcomes;

namespace SceneFinance.Platform.Idempotency;

/// <summary>
/// The durable half of idempotency: the outcome first given to a request, kept under its ticket (at least 24 h, and as
/// long as the longest window in which a client may send it again). It is inserted in the same commit as what the request
/// moved, so there is no moment at which one exists without the other.
/// </summary>
public sealed class IdempotentResponse
{
    public string Id { get; set; } = "";
    public string RequestHash { get; set; } = "";

    /// <summary>The typed outcome as JSON (the contract's own shape), replayed through the same edge as the first answer.</summary>
    public string Json { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

}

public static class StoredOutcomes
{
    public static IdempotentResponse Record<T>(IdempotencyTicket ticket, T value, DateTimeOffset now) => new()
    {
        Id = ticket.DocumentId, RequestHash = ticket.RequestHash, CreatedAt = now,
        Json = JsonSerializer.Serialize(value, SceneJson.Options),
    };

    /// <summary>Same key: the same request gets its first outcome again, a different one <c>idempotency_conflict</c>.</summary>
    public static Outcome<T> Replay<T>(this IdempotentResponse stored, IdempotencyTicket ticket) =>
        stored.RequestHash == ticket.RequestHash ? JsonSerializer.Deserialize<T>(stored.Json, SceneJson.Options)! : Refusal.IdempotencyConflict;

    /// <summary>The outcome kept under the ticket, or null when the key was never answered.</summary>
    public static async Task<Outcome<T>?> Find<T>(IDocumentStore store, string tenantId, IdempotencyTicket ticket)
    {
        await using var session = store.QuerySession(tenantId);
        return await session.LoadAsync<IdempotentResponse>(ticket.DocumentId) is { } stored ? stored.Replay<T>(ticket) : null;
    }
}
