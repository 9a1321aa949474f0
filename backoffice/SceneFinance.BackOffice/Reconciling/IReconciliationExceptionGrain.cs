using Orleans.Concurrency;
using SceneFinance.Platform.Idempotency;

namespace SceneFinance.BackOffice.Reconciling;

[GenerateSerializer, Immutable]
public sealed record ExceptionView(
    [property: Id(0)] string Id, [property: Id(1)] DateOnly Day, [property: Id(2)] string Kind, [property: Id(3)] string Source,
    [property: Id(4)] string Subject, [property: Id(5)] long? Ours, [property: Id(6)] long? Theirs, [property: Id(7)] string Detail,
    [property: Id(8)] string Status, [property: Id(9)] string? Assignee, [property: Id(10)] IReadOnlyList<ExceptionComment> Comments,
    [property: Id(11)] Adjustment? Adjustment, [property: Id(12)] string? Resolution, [property: Id(13)] string? ResolvedBy,
    [property: Id(14)] DateTimeOffset RaisedAt, [property: Id(15)] DateTimeOffset UpdatedAt);

/// <summary>
/// A reconciliation exception, the single writer of its stream. Key: <c>"{tenantId}/{exceptionId}"</c>; the id is derived from what
/// differs, so reconciling again finds the same exception instead of raising a second.
/// </summary>
public interface IReconciliationExceptionGrain : IGrainWithStringKey
{
    Task<ExceptionView> Raise(DateOnly day, Difference difference, DateTimeOffset now);

    [ReadOnly] Task<ExceptionView?> Get();

    Task<Outcome<ExceptionView>> Assign(string assignee, string by, DateTimeOffset now);

    Task<Outcome<ExceptionView>> Comment(string text, string by, DateTimeOffset now);

    Task<Outcome<ExceptionView>> Resolve(string reason, string by, DateTimeOffset now);

    /// <summary>Proposes the ledger adjustment that resolves it; a second person approves it.</summary>
    Task<Outcome<ExceptionView>> ProposeAdjustment(string debitAccount, string creditAccount, long amount, string memo, string by, DateTimeOffset now);

    /// <summary>Posts the proposed adjustment (money moves: once per ticket); refused for the one who proposed it.</summary>
    Task<Outcome<ExceptionView>> ApproveAdjustment(string by, IdempotencyTicket ticket, DateTimeOffset now);
}
