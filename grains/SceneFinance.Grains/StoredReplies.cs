using Marten;
using SceneFinance.Platform.Idempotency;

namespace SceneFinance.Grains;

/// <summary>Reads the reply kept under a reused idempotency key, once the insert of a new one failed on it.</summary>
static class StoredReplies
{
    public static async Task<Reply> ReplayAsync(IDocumentStore store, string tenantId, IdempotencyTicket ticket)
    {
        await using var session = store.QuerySession(tenantId);
        var stored = await session.LoadAsync<IdempotentResponse>(ticket.DocumentId)
                     ?? throw new InvalidOperationException("A duplicate idempotency key has no stored reply.");
        return stored.ReplayFor(ticket);
    }
}
