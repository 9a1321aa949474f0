using System.Diagnostics;
using System.Threading.Channels;
using JasperFx;
using Marten;
using Marten.Exceptions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using SceneFinance.Platform.Operations;

namespace SceneFinance.Platform.Storage;

/// <summary>
/// What one writer commits atomically: an append to its stream (with the expected version: the version after the append),
/// documents to insert (a second insert of the same id fails the unit) and documents to store (upserted: listings).
/// </summary>
public sealed record CommitUnit(
    string TenantId, string? StreamKey, long ExpectedVersion, IReadOnlyList<object> Events, IReadOnlyList<object> Inserts,
    IReadOnlyList<object>? Upserts = null);

public enum CommitStatus { Committed, VersionConflict, DuplicateDocument }

/// <summary>The verdict on one unit; for a duplicate, the types of the documents that already existed.</summary>
public sealed record CommitResult(CommitStatus Status, IReadOnlyCollection<Type>? Duplicates = null)
{
    public static readonly CommitResult Committed = new(CommitStatus.Committed);

    public bool Duplicated(Type type) => Duplicates?.Contains(type) == true;
}

/// <summary>
/// Group commit: many writers' units (each a card holder's payment: event, journal entry, stored reply)
/// go to PostgreSQL in one transaction, and each writer is answered after that commit. One round trip and
/// one WAL flush then serve a whole batch instead of one payment.
///
/// Units stay independent: if a batch fails (a stale stream version, a reused idempotency key, anything),
/// its units are committed again one by one, so each gets its own verdict and no unit can fail another.
/// Durability is unchanged: nobody hears "committed" before PostgreSQL said so.
/// </summary>
public sealed class GroupCommit : BackgroundService
{
    readonly IDocumentStore _store;
    readonly ILogger<GroupCommit> _log;
    readonly Channel<(CommitUnit Unit, TaskCompletionSource<CommitResult> Done)> _queue =
        Channel.CreateUnbounded<(CommitUnit, TaskCompletionSource<CommitResult>)>(new UnboundedChannelOptions { SingleReader = false });
    readonly int _writers;
    readonly int _maxBatch;

    public GroupCommit(IDocumentStore store, IConfiguration configuration, ILogger<GroupCommit> log)
    {
        _store = store;
        _log = log;
        _writers = configuration.GetValue("SceneFinance:Storage:CommitWriters", 2); // measured: 2 beat 1, 4 and 8 on 2 cores (BENCHMARKS.md)
        _maxBatch = configuration.GetValue("SceneFinance:Storage:MaxCommitBatch", 128);
    }

    /// <summary>Commits the unit (with others, maybe) and answers after PostgreSQL has.</summary>
    public Task<CommitResult> Commit(CommitUnit unit)
    {
        var done = new TaskCompletionSource<CommitResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_queue.Writer.TryWrite((unit, done))) SceneMeters.Queued(1);
        else done.SetException(new InvalidOperationException("The commit queue is closed."));
        return done.Task;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, _writers).Select(_ => Task.Run(() => Write(stoppingToken), CancellationToken.None)));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete(); // writers drain what was queued, then stop
        await base.StopAsync(cancellationToken);
    }

    async Task Write(CancellationToken stoppingToken)
    {
        var batch = new List<(CommitUnit Unit, TaskCompletionSource<CommitResult> Done)>(_maxBatch);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < _maxBatch && reader.TryRead(out var item)) batch.Add(item);
            if (batch.Count == 0) continue;
            SceneMeters.Queued(-batch.Count);
            var started = Stopwatch.GetTimestamp();
            try
            {
                if (batch.Count == 1 || !await TryTogether(batch))
                    await Task.WhenAll(batch.Select(async b =>
                    {
                        try { b.Done.TrySetResult(await Alone(b.Unit)); }
                        catch (Exception e) { b.Done.TrySetException(e); }
                    }));
            }
            catch (Exception e)
            {
                foreach (var b in batch) b.Done.TrySetException(e);
            }
            SceneMeters.Committed(batch.Count, Stopwatch.GetElapsedTime(started));
            batch.Clear();
        }
    }

    async Task<bool> TryTogether(List<(CommitUnit Unit, TaskCompletionSource<CommitResult> Done)> batch)
    {
        try
        {
            await using var session = _store.LightweightSession();
            foreach (var (unit, _) in batch)
            {
                Stage(session.ForTenant(unit.TenantId), unit);
            }
            await session.SaveChangesAsync();
        }
        catch (Exception e)
        {
            _log.LogDebug(e, "A batch of {Count} units failed together; committing them one by one", batch.Count);
            return false;
        }
        foreach (var (_, done) in batch) done.TrySetResult(CommitResult.Committed);
        return true;
    }

    static void Stage(IDocumentOperations session, CommitUnit unit)
    {
        if (unit.StreamKey is not null && unit.Events.Count > 0) session.Events.Append(unit.StreamKey, unit.ExpectedVersion, [.. unit.Events]);
        if (unit.Inserts.Count > 0) session.InsertObjects(unit.Inserts);
        if (unit.Upserts is { Count: > 0 } upserts) session.StoreObjects(upserts);
    }

    async Task<CommitResult> Alone(CommitUnit unit)
    {
        await using var session = _store.LightweightSession(unit.TenantId);
        Stage(session, unit);
        try
        {
            await session.SaveChangesAsync();
            return CommitResult.Committed;
        }
        catch (DocumentAlreadyExistsException e)
        {
            return new CommitResult(CommitStatus.DuplicateDocument, [e.DocType]);
        }
        catch (AggregateException e) when (e.Flatten().InnerExceptions.All(x => x is DocumentAlreadyExistsException))
        {
            // Marten reports several duplicate inserts of one transaction together.
            return new CommitResult(CommitStatus.DuplicateDocument,
                e.Flatten().InnerExceptions.Cast<DocumentAlreadyExistsException>().Select(x => x.DocType).ToHashSet());
        }
        catch (ConcurrencyException)
        {
            return new CommitResult(CommitStatus.VersionConflict);
        }
        catch (MartenCommandException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } p
                                               && p.ConstraintName?.Contains("mt_streams", StringComparison.Ordinal) == true)
        {
            // Two writers started the same stream at once (two activations of one grain): the second insert of the stream's
            // row is a version conflict like any other, so its writer rebuilds and decides again.
            return new CommitResult(CommitStatus.VersionConflict);
        }
    }
}
