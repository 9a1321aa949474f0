using Npgsql;

namespace SceneFinance.Platform.Storage;

/// <summary>
/// A BRIN index on <c>mt_events.timestamp</c> (each event's commit time): the readers that take committed events by a window of
/// commit time (the guardians' notices every few seconds per school, day-end's ledger window) read the few recent block ranges
/// instead of every event of the tenant. Events are appended in commit-time order, so each block range summarises a short span;
/// a BRIN costs an append almost nothing, unlike a b-tree on the busiest table. Marten does not know it: the owner creates it
/// after Marten's schema (<c>Storage.MigrateAsOwner</c>), once, under a lock, and new ranges are summarised as they fill.
/// </summary>
static class CommitTimeIndex
{
    public const string Name = "sf_mt_events_commit_time";

    public static async Task Apply(NpgsqlConnection owner, string schema, CancellationToken ct)
    {
        await using var tx = await owner.BeginTransactionAsync(ct);
        await using var command = new NpgsqlCommand($"""
            select pg_advisory_xact_lock(hashtext('scenefinance/commit-time-index'));
            create index if not exists {Name} on {schema}.mt_events using brin (timestamp) with (autosummarize = on);
            """, owner, tx);
        await command.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }
}
