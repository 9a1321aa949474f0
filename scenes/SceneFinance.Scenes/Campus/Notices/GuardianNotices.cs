using SceneFinance.Platform.Security;
using Marten;
using Microsoft.Extensions.Logging;
using Npgsql;
using Quartz;
using SceneFinance.Grains.Tenants;
using SceneFinance.Platform.Notifying;
using SceneFinance.Platform.Time;
using SceneFinance.Scenes.Campus.Billing;
using SceneFinance.Scenes.Campus.PlanningFees;

namespace SceneFinance.Scenes.Campus.Notices;

/// <summary>Up to when (commit time, the database's clock) the notices of one school have been told (per tenant).</summary>
public sealed class NoticeCheckpoint
{
    public const string Key = "guardian-notices";
    public string Id { get; set; } = Key;
    public DateTimeOffset Until { get; set; }
}

/// <summary>
/// A committed event a guardian may hear of, with the few fields the notices say (read by name: the card holder's events belong to
/// the grains, which the scenes do not reference; the back office's <c>LedgerWindow</c> reads them the same way).
/// </summary>
public sealed record NoticeEvent(Guid Id, string Type, string? CardHolderId, string? BillId, string? StudentNumber, string? StudentName, string? PlanName,
    long Amount, long Applied, long CashAfter, long SubsidyAfter, long BalanceAfter, long FromPurses, long HolderPaid);

/// <summary>
/// Tells guardians what happened to their children's cards and bills, from the committed events (STYLE.md 8; never from the request:
/// the tap path stays as fast as it was). Each run reads a campus school's events committed since its checkpoint, writes each notice a
/// guardian wants through the one <see cref="Notifier"/> under an id naming the event, the notice and the phone, and only then moves
/// the checkpoint. A host that stops between the two tells the same events again after its restart, and the notifier, finding those
/// ids, changes nothing: each notice is sent once per event.
/// <para>The window ends where nothing can be committed before it any more: an event's commit time is its transaction's start
/// (<c>now()</c>), so the end is the start of the oldest transaction still open (or the database's clock). An event committed later
/// always falls after it, into the next window; none is passed over.</para>
/// </summary>
public sealed class GuardianNotices(IDocumentStore store, Notifier notifier, TenantClock clock, Sealer sealer, ILogger<GuardianNotices> log)
{
    public const string BillIssuedType = "bill_issued", BillPaidType = "bill_paid", ToppedUpType = "card_topped_up", ApprovedType = "payment_approved",
        FrozenType = "card_frozen", LostType = "card_reported_lost";

    static readonly string[] Types = [BillIssuedType, BillPaidType, ToppedUpType, ApprovedType, FrozenType, LostType];

    /// <summary>A notice about something older than this is stale (a school's first run after notices were switched on tells no history).</summary>
    static readonly TimeSpan Stale = TimeSpan.FromDays(1);

    string Events => $"{store.Options.Events.DatabaseSchemaName}.mt_events";

    public async Task<int> Run(CancellationToken ct = default)
    {
        List<string> schools;
        await using (var session = store.QuerySession())
            schools = [.. await session.Query<TenantRecord>().Where(t => t.Kind == "campus").Select(t => t.Id).ToListAsync(ct)];
        var told = 0;
        foreach (var school in schools)
        {
            try
            {
                told += await RunSchool(school, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Notices of school {TenantId} wait for the next run", school); // one school's trouble stops no other
            }
        }
        return told;
    }

    public async Task<int> RunSchool(string tenantId, CancellationToken ct = default)
    {
        NoticeCheckpoint checkpoint;
        DateTimeOffset until;
        List<NoticeEvent> events;
        await using (var read = store.QuerySession(tenantId))
        {
            until = await Final(read, ct);
            checkpoint = await read.LoadAsync<NoticeCheckpoint>(NoticeCheckpoint.Key, ct) ?? new NoticeCheckpoint();
            var from = checkpoint.Until > until - Stale ? checkpoint.Until : until - Stale;
            events = await Read(read, from, until, ct);
        }

        var notices = events.Count == 0 ? [] : await Notices(tenantId, events, ct);
        var local = await clock.For(tenantId);
        var quietEnd = QuietHours.Default.NextAllowed(local.Now, local.Zone);
        foreach (var n in notices)
            await notifier.Send(n, NoticeTemplates.Urgent(n.Template) ? null : quietEnd, ct);

        checkpoint.Until = until;
        await using var write = store.LightweightSession(tenantId);
        write.Store(checkpoint);
        await write.SaveChangesAsync(ct);
        return notices.Count;
    }

    /// <summary>The instant before which every commit is done: the start of the oldest other open transaction, else the database's clock.</summary>
    static async Task<DateTimeOffset> Final(IQuerySession session, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            """
            select least(clock_timestamp(), (select min(xact_start) from pg_stat_activity
              where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend' and xact_start is not null))
            """, session.Connection);
        return new DateTimeOffset((DateTime)(await command.ExecuteScalarAsync(ct))!, TimeSpan.Zero);
    }

    async Task<List<NoticeEvent>> Read(IQuerySession session, DateTimeOffset from, DateTimeOffset until, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"""
             select e.id, e.type, e.data->>'cardHolderId', e.data->>'billId', e.data->>'studentNumber', e.data->>'studentName', e.data->>'planName',
                    coalesce((e.data->>'amount')::bigint, 0), coalesce((e.data->>'applied')::bigint, 0), coalesce((e.data->>'cashAfter')::bigint, 0),
                    coalesce((e.data->>'subsidyAfter')::bigint, 0), coalesce((e.data->>'balanceAfter')::bigint, 0),
                    coalesce((e.data->>'fromCash')::bigint, 0) + coalesce((e.data->>'fromSubsidy')::bigint, 0),
                    coalesce((e.data->>'amount')::bigint, 0) - coalesce((e.data->>'discount')::bigint, 0)
             from {Events} e
             where e.tenant_id = $1 and e.timestamp >= $2 and e.timestamp < $3 and e.type = any($4)
             order by e.seq_id
             """, session.Connection);
        command.Parameters.AddWithValue(session.TenantId);
        command.Parameters.AddWithValue(from.ToUniversalTime());
        command.Parameters.AddWithValue(until.ToUniversalTime());
        command.Parameters.AddWithValue(Types);
        var events = new List<NoticeEvent>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            events.Add(new NoticeEvent(reader.GetGuid(0), reader.GetString(1), Text(2), Text(3), Text(4), Text(5), Text(6),
                reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9), reader.GetInt64(10), reader.GetInt64(11), reader.GetInt64(12), reader.GetInt64(13)));
        }
        return events;
    }

    /// <summary>The notices these events make, for every guardian of the child who wants each (their language, their threshold).</summary>
    async Task<List<Notification>> Notices(string tenantId, IReadOnlyList<NoticeEvent> events, CancellationToken ct)
    {
        await using var session = store.QuerySession(tenantId);
        var holders = events.Where(e => e.Type is not (BillIssuedType or BillPaidType)).Select(e => e.CardHolderId).OfType<string>().Distinct().ToArray();
        var billIds = events.Where(e => e.Type == BillPaidType).Select(e => e.BillId).OfType<string>().Distinct().ToArray();
        var bills = (await session.Query<BillListing>().Where(b => billIds.Contains(b.Id)).ToListAsync(ct)).ToDictionary(b => b.Id);
        var planIds = bills.Values.Select(b => b.PlanId).Distinct().ToArray();
        var planNames = (await session.Query<FeePlan>().Where(p => planIds.Contains(p.Id)).ToListAsync(ct)).ToDictionary(p => p.Id, p => p.Name);
        var numbers = events.Where(e => e.Type == BillIssuedType).Select(e => e.StudentNumber).OfType<string>().Concat(bills.Values.Select(b => b.StudentNumber)).Distinct().ToArray();
        var students = await session.Query<StudentRecord>().Where(s => holders.Contains(s.CardHolderId) || numbers.Contains(s.Id)).ToListAsync(ct);
        var byHolder = students.Where(s => s.CardHolderId != "").GroupBy(s => s.CardHolderId).ToDictionary(g => g.Key, g => g.First());
        var byNumber = students.ToDictionary(s => s.Id);
        // The record keeps each guardian's phone sealed: opened here, where a message must be addressed; preferences are kept under its digest.
        var phonesOf = students.ToDictionary(s => s.Id, s => s.Guardians.Select(g => sealer.Open(g.Phone)!).Where(p => p != "").Distinct().ToList());
        var keys = phonesOf.Values.SelectMany(p => p).Distinct().Select(p => NoticePreferences.KeyOf(p)).ToArray();
        var prefs = keys.Length == 0 ? [] : (await session.LoadManyAsync<NoticePreferences>(ct, keys)).ToDictionary(p => p.Id);

        var notices = new List<Notification>();
        foreach (var e in events)
        {
            var bill = e.Type == BillPaidType ? bills.GetValueOrDefault(e.BillId ?? "") : null;
            var student = e.Type switch
            {
                BillIssuedType => byNumber.GetValueOrDefault(e.StudentNumber ?? ""),
                BillPaidType => bill is null ? null : byNumber.GetValueOrDefault(bill.StudentNumber),
                _ => byHolder.GetValueOrDefault(e.CardHolderId ?? ""),
            };
            if (student is null || (e.Type == BillPaidType && e.Applied <= 0)) continue;
            foreach (var phone in phonesOf[student.Id])
            {
                var wants = prefs.GetValueOrDefault(NoticePreferences.KeyOf(phone)) ?? NoticePreferences.Default(phone);
                foreach (var (template, text) in Said(e, student.Name, bill is null ? null : planNames.GetValueOrDefault(bill.PlanId), wants))
                {
                    if (!wants.Wants(template)) continue;
                    notices.Add(new Notification
                    {
                        Id = $"campus-notice:{tenantId}:{e.Id:N}:{template}:{NoticePreferences.KeyOf(phone)}", Channel = NotificationChannels.Sms, To = phone, TenantId = tenantId,
                        Template = template, Text = text,
                    });
                }
            }
        }
        return notices;
    }

    /// <summary>What one event says to one guardian: its notice, and for a spend the low-balance notice when it crossed their threshold.</summary>
    public static IEnumerable<(string Template, string Text)> Said(NoticeEvent e, string student, string? plan, NoticePreferences wants)
    {
        var language = wants.Language;
        switch (e.Type)
        {
            case BillIssuedType:
                yield return (NoticeTemplates.BillIssued, NoticeTemplates.Text(NoticeTemplates.BillIssued, language, e.StudentName ?? student, e.PlanName, e.Amount));
                break;
            case BillPaidType:
                yield return (NoticeTemplates.PaymentReceived, NoticeTemplates.Text(NoticeTemplates.PaymentReceived, language, student, plan, e.Applied));
                break;
            case ToppedUpType:
                yield return (NoticeTemplates.TopUpCredited, NoticeTemplates.Text(NoticeTemplates.TopUpCredited, language, student, amount: e.Amount, balance: e.CashAfter + e.SubsidyAfter));
                break;
            case ApprovedType:
                yield return (NoticeTemplates.CardSpend, NoticeTemplates.Text(NoticeTemplates.CardSpend, language, student, amount: e.HolderPaid, balance: e.BalanceAfter));
                if (NoticeTemplates.FellBelow(e.BalanceAfter + e.FromPurses, e.BalanceAfter, wants.LowBalanceBelow))
                    yield return (NoticeTemplates.LowBalance, NoticeTemplates.Text(NoticeTemplates.LowBalance, language, student, balance: e.BalanceAfter, threshold: wants.LowBalanceBelow!.Value));
                break;
            case FrozenType:
                yield return (NoticeTemplates.CardFrozen, NoticeTemplates.Text(NoticeTemplates.CardFrozen, language, student));
                break;
            case LostType:
                yield return (NoticeTemplates.CardLost, NoticeTemplates.Text(NoticeTemplates.CardLost, language, student));
                break;
        }
    }
}

/// <summary>The notices' run on the one scheduler (every few seconds; clustered, one host at a time).</summary>
[DisallowConcurrentExecution]
public sealed class GuardianNoticeJob(GuardianNotices notices) : IJob
{
    public static readonly JobKey Key = new("campus-guardian-notices", "campus");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct) => await notices.Run(ct);
}
