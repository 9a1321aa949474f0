using System.Text.Json;
using Marten;
using Npgsql;
using SceneFinance.Platform;
using SceneFinance.Platform.Ledger;

namespace SceneFinance.BackOffice.Ledger;

/// <summary>A committed money event (an <see cref="IJournalled"/> event) as the back office reads it: when it committed, what it
/// posted, and the few fields that say what it was (its type, when it happened, at which till, for which intent).</summary>
public sealed record MoneyEvent(
    long Seq, string Type, string StreamKey, DateTimeOffset CommittedAt, IReadOnlyList<Posting> Postings,
    DateTimeOffset? OccurredAt = null, string? TerminalId = null, DateOnly? LocalDay = null, string? IntentId = null,
    string? RefundId = null, long? Amount = null)
{
    /// <summary>When it happened as its source says (a till's tap time, an offline upload's original time), else when it committed.</summary>
    public DateTimeOffset HappenedAt => OccurredAt ?? CommittedAt;
}

/// <summary>An account's movement over a window.</summary>
public sealed record AccountMovement(string Account, long Debit, long Credit);

/// <summary>
/// The ledger between two instants of commit time. A money event's commit time is <c>mt_events.timestamp</c>, which
/// PostgreSQL sets to its transaction's start (<c>now()</c>); the close waits until no transaction that started before its cut
/// is still running (<see cref="WaitOut"/>), so after that nothing can ever be committed before the cut again: the events
/// before it are final, and every later commit falls after it. That is what makes a closed day's figures exact and fixed.
/// The raw SQL filters on the tenant itself (raw SQL gets no tenant filter from Marten).
/// </summary>
public sealed class LedgerWindow(IDocumentStore store)
{
    string Events => $"{store.Options.Events.DatabaseSchemaName}.mt_events";

    /// <summary>The database's clock: commit times are its times, so cuts are taken on it too.</summary>
    public async Task<DateTimeOffset> DatabaseNow(CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        await using var command = new NpgsqlCommand("select clock_timestamp()", session.Connection);
        return new DateTimeOffset((DateTime)(await command.ExecuteScalarAsync(ct))!, TimeSpan.Zero);
    }

    /// <summary>
    /// Waits until the database's clock has passed <paramref name="cut"/> and no transaction of this database that started before
    /// it is still open (committed or rolled back, it is done). False when that took longer than <paramref name="patience"/>.
    /// It polls on a connection of its own with no transaction around the polls: PostgreSQL takes one snapshot of
    /// <c>pg_stat_activity</c> per transaction, so polls inside one (a Marten session's connection is inside one) saw a
    /// writer caught mid-commit as open for the whole wait; and a wait held open as a transaction would hold up other tenants' closes.
    /// </summary>
    public async Task<bool> WaitOut(DateTimeOffset cut, TimeSpan patience, CancellationToken ct = default)
    {
        var until = DateTime.UtcNow + patience;
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            """
            select clock_timestamp() >= $1, (select count(*) from pg_stat_activity
              where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend' and xact_start < $1)
            """, connection);
        command.Parameters.AddWithValue(cut.ToUniversalTime());
        while (true)
        {
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                await reader.ReadAsync(ct);
                if (reader.GetBoolean(0) && reader.GetInt64(1) == 0) return true;
            }
            if (DateTime.UtcNow > until)
            {
                await using var who = new NpgsqlCommand(
                    """
                    select string_agg(format('%s%s %s %s %s/%s blocked by %s, transaction since %s, state since %s: %s',
                        case when xact_start < $1 then 'BEFORE THE CUT ' else '' end, pid, coalesce(nullif(application_name, ''), '-'), state,
                        wait_event_type, wait_event, pg_blocking_pids(pid), xact_start, state_change, left(query, 120)), '; ' order by xact_start)
                    from pg_stat_activity
                    where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid()
                      and (xact_start < $1 or state <> 'idle')
                    """, connection);
                who.Parameters.AddWithValue(cut.ToUniversalTime());
                Blockers = (await who.ExecuteScalarAsync(ct)) as string;
                return false;
            }
            await Task.Delay(25, ct);
        }
    }

    /// <summary>Each account's debits and credits over [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public async Task<IReadOnlyList<AccountMovement>> Movements(string tenantId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        await using var session = store.QuerySession(tenantId);
        await using var command = new NpgsqlCommand(
            $"""
             select p->>'account', sum((p->>'debit')::bigint)::bigint, sum((p->>'credit')::bigint)::bigint
             from {Events} e, jsonb_array_elements(e.data->'postings') p
             where e.tenant_id = $1 and e.timestamp >= $2 and e.timestamp < $3 and jsonb_typeof(e.data->'postings') = 'array'
             group by 1 order by 1
             """, session.Connection);
        command.Parameters.AddWithValue(session.TenantId);
        command.Parameters.AddWithValue(from.ToUniversalTime());
        command.Parameters.AddWithValue(to.ToUniversalTime());
        var lines = new List<AccountMovement>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) lines.Add(new AccountMovement(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        return lines;
    }

    /// <summary>What kept the last <see cref="WaitOut"/> that gave up waiting (for the log).</summary>
    public string? Blockers { get; private set; }

    /// <summary>How many money events committed in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public async Task<long> Count(string tenantId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        await using var session = store.QuerySession(tenantId);
        await using var command = new NpgsqlCommand(
            $"select count(*) from {Events} e where e.tenant_id = $1 and e.timestamp >= $2 and e.timestamp < $3 and jsonb_typeof(e.data->'postings') = 'array'",
            session.Connection);
        command.Parameters.AddWithValue(session.TenantId);
        command.Parameters.AddWithValue(from.ToUniversalTime());
        command.Parameters.AddWithValue(to.ToUniversalTime());
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The money events committed in [<paramref name="from"/>, <paramref name="to"/>), in commit order; <paramref name="types"/> narrows them.</summary>
    public async Task<IReadOnlyList<MoneyEvent>> Read(string tenantId, DateTimeOffset from, DateTimeOffset to, string[]? types = null, CancellationToken ct = default)
    {
        await using var session = store.QuerySession(tenantId);
        await using var command = new NpgsqlCommand(
            $"""
             select e.seq_id, e.type, e.stream_id, e.timestamp, e.data->'postings', e.data->>'occurredAt', e.data->>'terminalId',
                    e.data->>'localDay', e.data->>'intentId', e.data->>'refundId', e.data->>'amount'
             from {Events} e
             where e.tenant_id = $1 and e.timestamp >= $2 and e.timestamp < $3 and jsonb_typeof(e.data->'postings') = 'array'
               and ($4::text[] is null or e.type = any($4))
             order by e.seq_id
             """, session.Connection);
        command.Parameters.AddWithValue(session.TenantId);
        command.Parameters.AddWithValue(from.ToUniversalTime());
        command.Parameters.AddWithValue(to.ToUniversalTime());
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)types ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        var events = new List<MoneyEvent>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            events.Add(new MoneyEvent(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), new DateTimeOffset(reader.GetDateTime(3), TimeSpan.Zero),
                JsonSerializer.Deserialize<List<Posting>>(reader.GetString(4), SceneJson.Options) ?? [],
                Text(5) is { } at ? DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture) : null,
                Text(6), Text(7) is { } day ? DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture) : null,
                Text(8), Text(9), Text(10) is { } amount && long.TryParse(amount, out var fen) ? fen : null));
        }
        return events;
    }

    /// <summary>Events of <paramref name="types"/> at any time whose <paramref name="field"/> is one of <paramref name="values"/> (a payment's late upload, a refund's number).</summary>
    public async Task<IReadOnlyList<(string Type, DateTimeOffset CommittedAt, JsonElement Data)>> Find(string tenantId, string[] types, string field, string[] values, CancellationToken ct = default)
    {
        if (values.Length == 0) return [];
        await using var session = store.QuerySession(tenantId);
        await using var command = new NpgsqlCommand(
            $"select e.type, e.timestamp, e.data from {Events} e where e.tenant_id = $1 and e.type = any($2) and e.data->>'{field}' = any($3) order by e.seq_id",
            session.Connection);
        command.Parameters.AddWithValue(session.TenantId);
        command.Parameters.AddWithValue(types);
        command.Parameters.AddWithValue(values);
        var found = new List<(string, DateTimeOffset, JsonElement)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            found.Add((reader.GetString(0), new DateTimeOffset(reader.GetDateTime(1), TimeSpan.Zero), JsonDocument.Parse(reader.GetString(2)).RootElement.Clone()));
        return found;
    }
}
