using SceneFinance.Platform.Security;
using Marten;
using Microsoft.Extensions.Logging;
using Quartz;
using SceneFinance.Platform;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Platform.Time;
using SceneFinance.Scenes.Campus.Billing;
using SceneFinance.Scenes.Campus.PlanningFees;

namespace SceneFinance.Scenes.Campus.Reminding;

/// <summary>
/// A message for a guardian (催缴提醒), in the outbox the finance office reads. Its id says what it is about
/// (<c>{kind}:{billId}:{installment}:{phone}</c>), so the same reminder is never queued twice.
/// </summary>
public sealed class OutboxMessage
{
    public string Id { get; set; } = "";
    public string Kind { get; set; } = "";
    public string BillId { get; set; } = "";
    public string StudentNumber { get; set; } = "";
    public string Phone { get; set; } = "";
    public string Text { get; set; } = "";
    public string Status { get; set; } = "queued";
    public DateOnly DueDate { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
}

/// <summary>Delivers reminders (SMS, WeChat...). None is registered by default: messages then wait in the outbox.</summary>
public interface IReminderSender
{
    /// <summary>True when the message was handed over for delivery.</summary>
    Task<bool> Send(string tenantId, OutboxMessage message, CancellationToken ct);
}

/// <summary>What one run did: bills looked at, installments it marked overdue (with their late fee), reminders it queued and sent.</summary>
public sealed record ReminderRun(int BillsLooked, int MarkedOverdue, int Queued, int Sent);

/// <summary>
/// Reminders before due dates and on overdue, and late fees. Safe to run any number of times: an installment becomes overdue (and
/// gets its late fee) once, in its bill's own stream; a reminder is queued once, under an id that names it.
/// </summary>
public sealed class Reminders(IDocumentStore store, IGrainFactory grains, TenantClock clock, IEnumerable<IReminderSender> senders, Sealer sealer, ILogger<Reminders> log)
{
    /// <summary>Runs for every tenant; <paramref name="today"/> (the tenants' local day) only when a test or a catch-up run says so.</summary>
    public async Task<ReminderRun> Run(DateOnly? today = null, CancellationToken ct = default)
    {
        List<string> tenants;
        await using (var session = store.QuerySession())
            tenants = (await session.Query<BillListing>().Where(b => b.AnyTenant() && b.Outstanding > 0).Select(b => b.TenantId).Distinct().ToListAsync(ct)).ToList();
        var total = new ReminderRun(0, 0, 0, 0);
        foreach (var tenantId in tenants)
        {
            var day = today ?? (await clock.For(tenantId)).Today;
            var run = await RunTenant(tenantId, day, ct);
            total = new ReminderRun(total.BillsLooked + run.BillsLooked, total.MarkedOverdue + run.MarkedOverdue, total.Queued + run.Queued, total.Sent + run.Sent);
        }
        log.LogInformation("Reminders: {Bills} bills looked at, {Overdue} marked overdue, {Queued} reminders queued, {Sent} sent", total.BillsLooked, total.MarkedOverdue, total.Queued, total.Sent);
        return total;
    }

    public async Task<ReminderRun> RunTenant(string tenantId, DateOnly today, CancellationToken ct = default)
    {
        var settings = await FeePlanEndpoints.Settings(store, tenantId);
        var horizon = today.AddDays(settings.ReminderDaysBefore);
        List<BillListing> bills;
        Dictionary<string, StudentRecord> students;
        await using (var session = store.QuerySession(tenantId))
        {
            bills = (await session.Query<BillListing>().Where(b => b.Outstanding > 0 && b.NextDueDate != null && b.NextDueDate <= horizon).ToListAsync(ct)).ToList();
            students = (await session.Query<StudentRecord>().ToListAsync(ct)).ToDictionary(s => s.Id);
        }
        var now = clock.UtcNow;
        var wanted = new List<OutboxMessage>();
        var overdue = 0;
        foreach (var listing in bills)
        {
            // The phones to text are the guardians' own (sealed in the record); the digests beside them are only for lookups.
            var phones = students.GetValueOrDefault(listing.StudentNumber)?.Guardians.Select(g => sealer.Open(g.Phone)!).ToList() ?? [];
            if (listing.NextDueDate < today)
            {
                var marking = await grains.GetGrain<IBillGrain>(GrainKeys.For(tenantId, listing.Id)).MarkOverdue(today, now);
                if (marking.Refusal is { } refused)
                {
                    log.LogWarning("Bill {BillId} was not marked overdue now ({Code}); the next run does it", listing.Id, refused.Code);
                    continue;
                }
                var (bill, marked) = marking.Value!;
                overdue += marked;
                foreach (var i in bill.Installments.Where(i => i.Status == "overdue"))
                {
                    wanted.AddRange(phones.Select(p => Message("overdue", bill, i, p,
                        $"【缴费提醒】{bill.StudentName}的{bill.PlanName}第{i.No}期已逾期（应于{i.DueDate:yyyy-MM-dd}缴清），尚欠{Yuan(bill.OutstandingAmount)}元。Overdue: {Yuan(bill.OutstandingAmount)} yuan outstanding.", now)));
                }
            }
            else if (listing.NextDueDate is { } due)
            {
                var bill = await grains.GetGrain<IBillGrain>(GrainKeys.For(tenantId, listing.Id)).Get();
                if (bill?.NextInstallment is not { } next) continue;
                wanted.AddRange(phones.Select(p => Message("due", bill, next, p,
                    $"【缴费提醒】{bill.StudentName}的{bill.PlanName}第{next.No}期将于{due:yyyy-MM-dd}到期，应缴{Yuan(next.Amount)}元。Due {due:yyyy-MM-dd}: {Yuan(next.Amount)} yuan.", now)));
            }
        }
        var queued = await Queue(tenantId, wanted, ct);
        var sent = await Dispatch(tenantId, ct);
        return new ReminderRun(bills.Count, overdue, queued, sent);
    }

    static OutboxMessage Message(string kind, BillView bill, InstallmentView i, string phone, string text, DateTimeOffset now) => new()
    {
        Id = $"{kind}:{bill.Id}:{i.No}:{phone}", Kind = kind, BillId = bill.Id, StudentNumber = bill.StudentNumber, Phone = phone, Text = text,
        DueDate = i.DueDate, CreatedAt = now,
    };

    async Task<int> Queue(string tenantId, List<OutboxMessage> wanted, CancellationToken ct)
    {
        if (wanted.Count == 0) return 0;
        var ids = wanted.Select(m => m.Id).Distinct().ToArray();
        await using var session = store.LightweightSession(tenantId);
        var known = (await session.Query<OutboxMessage>().Where(m => ids.Contains(m.Id)).Select(m => m.Id).ToListAsync(ct)).ToHashSet();
        var fresh = wanted.Where(m => !known.Contains(m.Id)).DistinctBy(m => m.Id).ToList();
        if (fresh.Count == 0) return 0;
        session.Insert(fresh.ToArray()); // a concurrent run inserting the same id fails this commit: the next run queues the rest
        await session.SaveChangesAsync(ct);
        return fresh.Count;
    }

    async Task<int> Dispatch(string tenantId, CancellationToken ct)
    {
        var sender = senders.FirstOrDefault();
        if (sender is null) return 0;
        await using var session = store.LightweightSession(tenantId);
        var queued = await session.Query<OutboxMessage>().Where(m => m.Status == "queued").Take(1000).ToListAsync(ct);
        var sent = 0;
        foreach (var m in queued)
        {
            if (!await sender.Send(tenantId, m, ct)) continue;
            m.Status = "sent";
            m.SentAt = clock.UtcNow;
            session.Store(m);
            sent++;
        }
        await session.SaveChangesAsync(ct);
        return sent;
    }

    static string Yuan(long fen) => Money.Yuan(fen);
}

/// <summary>The daily run of <see cref="Reminders"/> (Quartz). Idempotent: a second run the same day changes nothing.</summary>
[DisallowConcurrentExecution]
public sealed class ReminderJob(Reminders reminders) : IJob
{
    public static readonly JobKey Key = new("campus-reminders", "campus");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct) => await reminders.Run(ct: ct);
}
