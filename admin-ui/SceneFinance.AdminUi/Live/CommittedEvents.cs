using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace SceneFinance.AdminUi.Live;

/// <summary>One committed event as the live figures read it: its tenant, its type and its data (JSON).</summary>
public sealed record CommittedEvent(long Seq, string TenantId, string Type, string Data, DateTimeOffset CommittedAt);

/// <summary>What a live panel makes of committed events (<see cref="CommittedPayments"/>, the risk panels' <c>RiskLive</c>).</summary>
public interface ILiveReader
{
    /// <summary>The event types it reads; the others are only counted as seen.</summary>
    IReadOnlyCollection<string> Types { get; }

    /// <summary>Takes one committed event of its types; the scopes (the platform, tenants) whose figures it changed.</summary>
    Task<IEnumerable<string>> Read(CommittedEvent e, CancellationToken ct);

    /// <summary>The scopes whose figures move with time alone (windows roll, alerts clear), pushed every few seconds.</summary>
    IEnumerable<string> Rolling();

    /// <summary>Pushes fresh figures of these scopes to whoever follows them.</summary>
    Task Push(IEnumerable<string> scopes, CancellationToken ct);
}

/// <summary>
/// The one follower of committed events in PostgreSQL (<c>mt_events</c> by <c>seq_id</c>) for this host's live figures: every
/// <see cref="ILiveReader"/> is handed the events of its types, once, and nothing that was not committed is ever counted.
///
/// Why not Marten's async daemon: its high-water mark waits out sequence gaps for seconds, and the cockpit must move within 2 s.
/// Instead a gap (a sequence number not visible yet: a transaction still committing, or one that rolled back and never will) is
/// asked for again on every poll for <see cref="GapPatience"/> (<see cref="SequenceFollower"/>), so a late commit is still
/// counted, once, and a rolled-back number is forgotten.
/// </summary>
public sealed class CommittedEvents(IConfiguration configuration, IDocumentStore store, IEnumerable<ILiveReader> readers, TimeProvider clock, ILogger<CommittedEvents> log)
    : BackgroundService
{
    static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);
    static readonly TimeSpan GapPatience = TimeSpan.FromSeconds(10);
    static readonly TimeSpan RollEvery = TimeSpan.FromSeconds(5);
    const int MaxRows = 5000;

    readonly ILiveReader[] _readers = [.. readers];
    SequenceFollower? _sequence;

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        await using var source = NpgsqlDataSource.Create(
            Platform.Storage.Storage.Named(configuration.GetConnectionString(Platform.Storage.Storage.ConnectionStringName)!, "scenefinance-live"));
        var types = _readers.SelectMany(r => r.Types).Distinct().ToArray();
        var lastRoll = DateTimeOffset.MinValue;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                _sequence ??= new SequenceFollower(await StartingPoint(source, schema, stop), GapPatience);
                var changed = await Follow(_sequence, source, schema, types, stop);
                var now = clock.GetUtcNow();
                var roll = now - lastRoll >= RollEvery;
                if (roll) lastRoll = now;
                for (var i = 0; i < _readers.Length; i++)
                {
                    if (roll) changed[i].UnionWith(_readers[i].Rolling()); // time moves the windows too
                    if (changed[i].Count > 0) await _readers[i].Push(changed[i], stop);
                }
                await Task.Delay(Poll, clock, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The live figures must never take the payments host down with them: log, wait, read on from where they were.
                log.LogWarning(e, "Following committed events failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(2), clock, stop);
            }
        }
    }

    /// <summary>Starts with the chart's window of history, so a restarted host shows the last half hour at once.</summary>
    static async Task<long> StartingPoint(NpgsqlDataSource source, string schema, CancellationToken ct)
    {
        await using var cmd = source.CreateCommand(
            $"select coalesce((select max(seq_id) from {schema}.mt_events where timestamp < now() - make_interval(mins => @minutes)), 0)");
        cmd.Parameters.AddWithValue("minutes", LiveFigures.ChartMinutes);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Reads what was committed since the last poll (and the gaps' late arrivals); per reader, the scopes that changed.</summary>
    async Task<HashSet<string>[]> Follow(SequenceFollower sequence, NpgsqlDataSource source, string schema, string[] types, CancellationToken ct)
    {
        var changed = _readers.Select(_ => new HashSet<string>()).ToArray();
        var now = clock.GetUtcNow();
        await using var cmd = source.CreateCommand($"""
            select seq_id, tenant_id, type, case when type = any(@types) then data::text end, timestamp
            from {schema}.mt_events where seq_id > @last or seq_id = any(@gaps)
            order by seq_id limit {MaxRows}
            """);
        cmd.Parameters.AddWithValue("types", types);
        cmd.Parameters.AddWithValue("last", sequence.Last);
        cmd.Parameters.AddWithValue("gaps", sequence.Gaps(now));
        var rows = new List<CommittedEvent?>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
            {
                var seen = sequence.IsNew(reader.GetInt64(0), now);
                rows.Add(!seen || reader.IsDBNull(3) ? null
                    : new CommittedEvent(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4)));
            }
        foreach (var e in rows.OfType<CommittedEvent>())
            for (var i = 0; i < _readers.Length; i++)
            {
                if (!_readers[i].Types.Contains(e.Type)) continue;
                try
                {
                    changed[i].UnionWith(await _readers[i].Read(e, ct));
                }
                catch (Exception x) when (x is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
                {
                    // An event of a shape a reader does not know is left out of its figures, not retried for ever.
                    log.LogWarning(x, "Event {Seq} ({Type}) could not be read for the live figures; left out", e.Seq, e.Type);
                }
            }
        return changed;
    }
}
