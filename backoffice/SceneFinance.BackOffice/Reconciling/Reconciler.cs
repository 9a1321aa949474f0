using System.Text.Json;
using Marten;
using SceneFinance.BackOffice.DayEnd;
using SceneFinance.BackOffice.Ledger;
using SceneFinance.Payments.Gateway;
using SceneFinance.Payments.Intents;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.BackOffice.Reconciling;

/// <summary>A channel's day: ours (payments less refunds) against the lines of its statements that belong to the day.</summary>
public sealed record ChannelTotals(string Channel, int OurCount, long OurAmount, int TheirCount, long TheirAmount);

public sealed record ReconciliationResult(
    string TenantId, DateOnly Day, DateTimeOffset From, DateTimeOffset Cut, IReadOnlyList<ChannelTotals> Channels,
    IReadOnlyList<TillComparison> Tills, IReadOnlyList<ExceptionView> Exceptions, DateTimeOffset RanAt);

/// <summary>A day's reconciliation as last run (per tenant; id <c>"{tenantId}:{yyyy-MM-dd}"</c>); exceptions are read live.</summary>
public sealed class ReconciliationDocument
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public DateOnly Day { get; set; }
    public ReconciliationResult Result { get; set; } = null!;
    public List<string> ExceptionIds { get; set; } = [];

    public static string IdOf(string tenantId, DateOnly day) => $"{tenantId}:{day:yyyy-MM-dd}";
}

/// <summary>
/// Reconciles a tenant's closed business day (its window of commit time, in the tenant's zone, not a UTC day): each channel's
/// statements against the intents and refunds that succeeded in the day, and each till's day summary against the taps recorded
/// for it. Differences become exceptions whose ids are derived from what differs, so running it again raises nothing twice.
/// </summary>
public sealed class Reconciler(IGrainFactory grains, IDocumentStore store, LedgerWindow ledger, IPaymentGateway gateway)
{
    public async Task<Outcome<ReconciliationResult>> Run(string tenantId, DateOnly day, DateTimeOffset now, CancellationToken ct = default)
    {
        var dayEnd = grains.GetGrain<IDayEndGrain>(DayEndGrain.KeyOf(tenantId));
        if ((await dayEnd.Status(now)).Days.FirstOrDefault(d => d.Day == day) is not { } closed)
            return Refusal.Conflict($"Close the business day {day:yyyy-MM-dd} before reconciling it.");
        var from = closed.From > closed.Cut.AddDays(-3) ? closed.From : closed.Cut.AddDays(-3); // the first day holds all history: its last days

        var (ours, theirs) = await Channels(tenantId, closed, from, ct);
        var firstStatementDay = DateOnly.FromDateTime(from.UtcDateTime);
        var differences = Matching.Channel(ours, theirs, firstStatementDay).ToList();
        var tills = await Tills(tenantId, closed, ct);
        differences.AddRange(tills.Select(t => Matching.Till(t, day)).OfType<Difference>());

        var exceptions = new List<ExceptionView>();
        foreach (var d in differences)
        {
            var id = Ids.Derived("rex", $"{tenantId}|{d.Kind}|{d.Source}|{d.Subject}");
            exceptions.Add(await grains.GetGrain<IReconciliationExceptionGrain>(GrainKeys.For(tenantId, id)).Raise(day, d, now));
        }
        var channels = PaymentChannels.All.Select(c => new ChannelTotals(c,
            ours.Count(o => o.Channel == c), ours.Where(o => o.Channel == c).Sum(Signed),
            theirs.Count(t => t.Channel == c), theirs.Where(t => t.Channel == c).Sum(t => t.Kind == "refund" ? -t.Amount : t.Amount))).ToList();
        var result = new ReconciliationResult(tenantId, day, closed.From, closed.Cut, channels, tills, exceptions, now);
        await using (var session = store.LightweightSession(tenantId))
        {
            session.Store(new ReconciliationDocument { Id = ReconciliationDocument.IdOf(tenantId, day), TenantId = tenantId, Day = day, Result = result, ExceptionIds = [.. exceptions.Select(e => e.Id)] });
            await session.SaveChangesAsync(ct);
        }
        await dayEnd.ReconciliationCompleted(day, exceptions.Count, now);
        return result;
    }

    static long Signed(OurMovement o) => o.Kind == "refund" ? -o.Amount : o.Amount;

    async Task<(List<OurMovement> Ours, List<TheirMovement> Theirs)> Channels(string tenantId, ClosedDayView closed, DateTimeOffset from, CancellationToken ct)
    {
        var succeeded = await ledger.Read(tenantId, closed.From, closed.Cut, ["payment_intent_succeeded", "intent_refund_succeeded"], ct);
        await using var session = store.QuerySession(tenantId);
        var intents = (await session.LoadManyAsync<IntentListing>(ct, succeeded.Select(e => e.IntentId!).Distinct().ToArray())).ToDictionary(i => i.Id);
        var refundIds = succeeded.Where(e => e.RefundId is not null).Select(e => e.RefundId!).ToArray();
        var refundNos = (await ledger.Find(tenantId, ["intent_refund_requested"], "refundId", refundIds, ct))
            .ToDictionary(r => r.Data.GetProperty("refundId").GetString()!, r => r.Data.GetProperty("refundNo").GetString()!);
        var ours = succeeded.Where(e => intents.ContainsKey(e.IntentId!)).Select(e =>
        {
            var intent = intents[e.IntentId!];
            return e.RefundId is { } refundId
                ? new OurMovement(intent.Channel, "refund", intent.OrderNo, refundNos.GetValueOrDefault(refundId), e.Amount ?? 0)
                : new OurMovement(intent.Channel, "payment", intent.OrderNo, null, e.Amount ?? intent.Amount);
        }).ToList();

        // The channels' statements of every date the day's window touches, and a date either side (a channel dates by its own clock).
        var lines = new List<StatementLine>();
        for (var date = DateOnly.FromDateTime(from.UtcDateTime).AddDays(-1); date <= DateOnly.FromDateTime(closed.Cut.UtcDateTime).AddDays(1); date = date.AddDays(1))
            foreach (var channel in PaymentChannels.All)
                lines.AddRange(await gateway.Statement(channel, date, ct));
        await using var platform = store.QuerySession();
        var orders = (await platform.LoadManyAsync<ChannelOrder>(ct, lines.Select(l => ChannelOrder.Key(l.Channel, l.OrderNo)).Distinct().ToArray()))
            .Where(o => o.TenantId == tenantId).ToDictionary(o => o.Id);
        lines = lines.Where(l => orders.ContainsKey(ChannelOrder.Key(l.Channel, l.OrderNo))).ToList();

        // A line belongs to the day when ours succeeded in it, or when ours never succeeded and was asked for before the cut.
        var ourKeys = ours.Select(o => o.Kind == "refund" ? $"refund:{o.RefundNo}" : $"payment:{o.Channel}:{o.OrderNo}").ToHashSet();
        var otherIntents = (await session.LoadManyAsync<IntentListing>(ct, orders.Values.Select(o => o.IntentId).Distinct().ToArray())).ToDictionary(i => i.Id);
        var requested = await ledger.Find(tenantId, ["intent_refund_requested"], "refundNo", lines.Where(l => l.RefundNo is not null).Select(l => l.RefundNo!).Distinct().ToArray(), ct);
        var refundsDone = (await ledger.Find(tenantId, ["intent_refund_succeeded"], "refundId",
            requested.Select(r => r.Data.GetProperty("refundId").GetString()!).ToArray(), ct)).Select(r => r.Data.GetProperty("refundId").GetString()!).ToHashSet();
        bool Belongs(StatementLine l)
        {
            if (l.Kind == "refund")
            {
                if (ourKeys.Contains($"refund:{l.RefundNo}")) return true;
                var asked = requested.FirstOrDefault(r => r.Data.GetProperty("refundNo").GetString() == l.RefundNo);
                return asked.Type is not null && !refundsDone.Contains(asked.Data.GetProperty("refundId").GetString()!) && asked.CommittedAt < closed.Cut;
            }
            if (ourKeys.Contains($"payment:{l.Channel}:{l.OrderNo}")) return true;
            return otherIntents.GetValueOrDefault(orders[ChannelOrder.Key(l.Channel, l.OrderNo)].IntentId) is { } intent
                   && intent.Status != IntentStatus.Succeeded && intent.CreatedAt < closed.Cut;
        }
        var theirs = lines.Where(Belongs).Select(l => new TheirMovement(l.Channel, l.Kind, l.OrderNo, l.RefundNo, l.Amount, l.Day)).ToList();
        return (ours, theirs);
    }

    async Task<IReadOnlyList<TillComparison>> Tills(string tenantId, ClosedDayView closed, CancellationToken ct)
    {
        await using var session = store.QuerySession(tenantId);
        var summaries = await session.Query<TillSummaryDocument>().Where(s => s.BusinessDay == closed.Day).ToListAsync(ct);
        if (summaries.Count == 0) return [];
        var taps = (await ledger.Read(tenantId, closed.From, closed.Cut, ["payment_approved"], ct)).Where(e => e.TerminalId is not null).ToList();
        // Taps that happened in the day but were committed after its cut: an offline till uploading late.
        var late = (await ledger.Read(tenantId, closed.Cut, closed.Cut.AddYears(100), ["payment_approved"], ct))
            .Where(e => e.TerminalId is not null && e.HappenedAt >= closed.From && e.HappenedAt < closed.Cut)
            .Select(e => (Terminal: e.TerminalId!, Amount: e.Amount ?? 0)).ToList();
        return summaries.Select(s => s.Summary).OrderBy(s => s.TerminalId).Select(s => new TillComparison(s.TerminalId, s.Count, s.Amount,
            taps.Count(t => t.TerminalId == s.TerminalId), taps.Where(t => t.TerminalId == s.TerminalId).Sum(t => t.Amount ?? 0),
            late.Count(l => l.Terminal == s.TerminalId), late.Where(l => l.Terminal == s.TerminalId).Sum(l => l.Amount))).ToList();
    }

    /// <summary>The day's result as last run, with its exceptions as they stand now; null when it was not reconciled.</summary>
    public async Task<ReconciliationResult?> Find(string tenantId, DateOnly day, CancellationToken ct = default)
    {
        await using var session = store.QuerySession(tenantId);
        if (await session.LoadAsync<ReconciliationDocument>(ReconciliationDocument.IdOf(tenantId, day), ct) is not { } doc) return null;
        var now = await session.LoadManyAsync<ExceptionListing>(ct, doc.ExceptionIds.Select(id => $"{tenantId}:{id}").ToArray());
        return doc.Result with { Exceptions = now.Select(e => e.View).OrderBy(e => e.RaisedAt).ToList() };
    }
}
