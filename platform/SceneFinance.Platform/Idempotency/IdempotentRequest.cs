using Marten;
using SceneFinance.Platform.Problems;

namespace SceneFinance.Platform.Idempotency;

/// <summary>
/// The HTTP half of idempotency. The grain stores the reply in the movement's own commit; if the request
/// fails before reaching that commit (the card was since frozen, the tenant suspended...), a key that was
/// already answered still replays its first answer rather than the new failure.
/// </summary>
public static class IdempotentRequest
{
    public static async Task<Reply> Run(IDocumentStore store, string tenantId, IdempotencyTicket ticket, Func<Task<Reply>> action)
    {
        try
        {
            return await action();
        }
        catch (ProblemException)
        {
            await using var session = store.QuerySession(tenantId);
            var stored = await session.LoadAsync<IdempotentResponse>(ticket.DocumentId);
            if (stored is null) throw;
            return stored.ReplayFor(ticket);
        }
    }
}
