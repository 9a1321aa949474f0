using System.Text.Json;
using Marten;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace SceneFinance.AdminUi.Live;

/// <summary>
/// Follows committed events in PostgreSQL (<c>mt_events</c> by <c>seq_id</c>) and pushes the figures they change to the
/// pages of this host (<see cref="LiveFeed"/>, in-process) and through <see cref="DashboardHub"/> to clients outside it:
/// to group <c>platform</c> and to each tenant's group. Nothing here is told about payments by a request handler; what was
/// not committed is never counted. Names, kinds and zones come from the tenants' and terminals' grains (<see cref="LiveLabels"/>).
///
/// Why not Marten's async daemon: its high-water mark waits out sequence gaps for seconds, and the cockpit must
/// move within 2 s. Instead a gap (a sequence number not visible yet: a transaction still committing, or one
/// that rolled back and never will) is asked for again on every poll for <see cref="GapPatience"/>, so a late
/// commit is still counted, once, and a rolled-back number is forgotten.
/// </summary>
public sealed class CommittedPayments(
    IConfiguration configuration, IDocumentStore store, LiveFigures figures, LiveLabels labels, LiveFeed feed, IHubContext<DashboardHub> hub,
    TimeProvider clock, ILogger<CommittedPayments> log) : BackgroundService
{
    static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);
    static readonly TimeSpan GapPatience = TimeSpan.FromSeconds(10);
    static readonly TimeSpan RollEvery = TimeSpan.FromSeconds(5);
    const int MaxRows = 5000;
    static readonly string[] PaymentTypes = ["payment_approved", "payment_declined"];

    readonly Dictionary<string, DateTimeOffset> _thresholdsRead = new();
    SequenceFollower? _sequence;

    // Another host's settings page updates only its own memory: thresholds are read again once a minute.
    static readonly TimeSpan ThresholdsFreshFor = TimeSpan.FromMinutes(1);

    public static string TenantGroup(string tenantId) => "tenant:" + tenantId;

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        await using var source = NpgsqlDataSource.Create(configuration.GetConnectionString(Platform.Storage.Storage.ConnectionStringName)!);
        var lastRoll = DateTimeOffset.MinValue;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                _sequence ??= new SequenceFollower(await StartingPoint(source, schema, stop), GapPatience);
                var changed = await Follow(_sequence, source, schema, stop);
                var now = clock.GetUtcNow();
                if (now - lastRoll >= RollEvery)
                {
                    // Time moves the windows too: figures roll and alerts clear without new payments.
                    changed.UnionWith(figures.ActiveScopes());
                    lastRoll = now;
                }
                await Push(changed, stop);
                await Task.Delay(Poll, clock, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The cockpit must never take the payments host down with it: log, wait, read on from where it was.
                log.LogWarning(e, "Following committed payments failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(2), clock, stop);
            }
        }
    }

    /// <summary>Starts with the chart's window of history, so a restarted host shows the last half hour at once.</summary>
    async Task<long> StartingPoint(NpgsqlDataSource source, string schema, CancellationToken ct)
    {
        await using var cmd = source.CreateCommand(
            $"select coalesce((select max(seq_id) from {schema}.mt_events where timestamp < now() - make_interval(mins => @minutes)), 0)");
        cmd.Parameters.AddWithValue("minutes", LiveFigures.ChartMinutes);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Reads what was committed since the last poll (and the gaps' late arrivals); returns the scopes that changed.</summary>
    async Task<HashSet<string>> Follow(SequenceFollower sequence, NpgsqlDataSource source, string schema, CancellationToken ct)
    {
        var changed = new HashSet<string>();
        var now = clock.GetUtcNow();

        await using var cmd = source.CreateCommand($"""
            select seq_id, tenant_id, type, case when type = any(@types) then data::text end, timestamp
            from {schema}.mt_events where seq_id > @last or seq_id = any(@gaps)
            order by seq_id limit {MaxRows}
            """);
        cmd.Parameters.AddWithValue("types", PaymentTypes);
        cmd.Parameters.AddWithValue("last", sequence.Last);
        cmd.Parameters.AddWithValue("gaps", sequence.Gaps(now));
        var rows = new List<(long Seq, string Tenant, string Type, string? Data, DateTimeOffset At)>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.GetFieldValue<DateTimeOffset>(4)));

        foreach (var row in rows)
        {
            if (!sequence.IsNew(row.Seq, now) || row.Data is null) continue;
            PaymentFact fact;
            try
            {
                fact = await Fact(row.Tenant, row.Type, row.Data, row.At, ct);
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                // An event of a shape this reader does not know is left out of the figures, not retried for ever.
                log.LogWarning(e, "Event {Seq} ({Type}) could not be read for the dashboards; left out", row.Seq, row.Type);
                continue;
            }
            figures.Record(fact);
            changed.Add(LiveFigures.Platform);
            changed.Add(row.Tenant);
        }
        return changed;
    }

    async Task<PaymentFact> Fact(string tenantId, string type, string json, DateTimeOffset committedAt, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(json);
        var e = doc.RootElement;
        var approved = type == "payment_approved";
        var terminalId = e.GetProperty("terminalId").GetString()!;
        var receivedAt = e.GetProperty(approved ? "approvedAt" : "declinedAt").GetDateTimeOffset();
        var tenant = await labels.Tenant(tenantId);
        var terminal = await labels.Terminal(tenantId, terminalId);
        if (!_thresholdsRead.TryGetValue(tenantId, out var read) || clock.GetUtcNow() - read > ThresholdsFreshFor)
        {
            figures.SetThresholds(tenantId, await AlertSettings.Load(store, tenantId, ct));
            _thresholdsRead[tenantId] = clock.GetUtcNow();
        }
        return new PaymentFact(tenantId, terminalId, approved, approved ? null : e.GetProperty("declineCode").GetString(),
            e.GetProperty("amount").GetInt64(), receivedAt, committedAt, $"{tenant.Kind}/{terminal.Kind}");
    }

    /// <summary>Pushes fresh figures of every scope that changed to its followers: this host's pages, and the hub's group.</summary>
    public async Task Push(IEnumerable<string> scopes, CancellationToken ct = default)
    {
        foreach (var scope in scopes.Distinct())
        {
            var snapshot = figures.Snapshot(scope);
            var group = scope == LiveFigures.Platform ? LiveFigures.Platform : TenantGroup(scope);
            await Task.WhenAll(feed.Publish(scope, snapshot), hub.Clients.Group(group).SendAsync("figures", snapshot, ct));
        }
    }
}
