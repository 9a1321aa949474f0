using SceneFinance.Platform.Storage;
using Marten;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Grains.Risk;

/// <summary>
/// One case, worked one change at a time (the case document is opened by the payment's own commit; from then on this grain
/// is its only writer). Closing as fraud can freeze the holder's card, blacklist it and flag the holder's other recent taps.
/// </summary>
public sealed class RiskCaseGrain(IDocumentStore store, IGrainFactory grains, RiskBook book) : Grain, IRiskCaseGrain
{
    Orleans.Runtime.IGrainTimer? _forget; // a made-up id leaves memory a little later (UnknownIds)
    /// <summary>How far back "the holder's other recent taps" reach.</summary>
    public static readonly TimeSpan RecentTaps = TimeSpan.FromHours(24);

    string _tenantId = "", _id = "";
    RiskCase? _case;

    public override async Task OnActivateAsync(CancellationToken ct)
    {
        (_tenantId, _id) = GrainKeys.Parse(this.GetPrimaryKeyString());
        await using var session = store.QuerySession(_tenantId);
        _case = await session.LoadAsync<RiskCase>(_id, ct);
    }

    Task<RiskCase?> IRiskCaseGrain.Get()
    {
        if (_case is null) _forget = this.ForgetLater(_forget, () => _case is null);
        return Task.FromResult(_case);
    }

    Task<Outcome<RiskCase>> IRiskCaseGrain.Assign(string assignee, string by, DateTimeOffset now) =>
        Change(c => c.Assignee == assignee ? null : Entry(c, now, by, "assigned", assignee, x => x.Assignee = assignee));

    Task<Outcome<RiskCase>> IRiskCaseGrain.Comment(string text, string by, DateTimeOffset now) =>
        Change(c => Entry(c, now, by, "commented", text, _ => { }));

    async Task<Outcome<RiskCase>> IRiskCaseGrain.Close(bool fraud, FraudMeasures measures, string? note, string by, DateTimeOffset now)
    {
        if (_case is null) return Refusal.NotFound("The case");
        if (_case.Status == "closed") return Refusal.Conflict("This case is closed.");
        var flagged = fraud && measures.FlagRecentTaps ? await FlaggedTaps(now) : [];
        // Measures first: a failure leaves the case open, to close again (each measure changes nothing the second time).
        if (fraud && measures.FreezeCard)
            await grains.GetGrain<ICardHolderGrain>(GrainKeys.For(_tenantId, _case.CardHolderId)).Freeze(now);
        if (fraud && measures.BlacklistCard)
        {
            await using var session = store.LightweightSession(_tenantId);
            session.Store(new RiskListEntry
            {
                Id = RiskListEntry.IdOf(RiskListKinds.Black, RiskListSubjects.Card, _case.CardKey), List = RiskListKinds.Black,
                Subject = RiskListSubjects.Card, Key = _case.CardKey, TillKey = await Cards.CardNumbers.TillKeyOf(session, _case.CardHolderId, _case.CardKey), Label = "****" + _case.CardLast4, Note = $"case {_case.Id}",
                Source = "case", AddedBy = by, AddedAt = now,
            });
            await session.SaveChangesAsync();
            await book.Changed(_tenantId);
        }
        // What was done is said in the history's own words (one entry each), so every language can show it.
        var done = new[] { (measures.FreezeCard, "card frozen", (string?)null), (measures.BlacklistCard, "card blacklisted", null), (measures.FlagRecentTaps, "taps flagged", flagged.Length.ToString()) }
            .Where(m => fraud && m.Item1).ToList();
        return await Change(c =>
        {
            var next = Entry(c, now, by, fraud ? "closed as fraud" : "closed as not fraud", string.IsNullOrWhiteSpace(note) ? null : note, x =>
            {
                x.Status = "closed";
                x.Resolution = fraud ? "fraud" : "notFraud";
                x.ClosedAt = now;
                x.FlaggedPayments = flagged;
            });
            next.History = [.. next.History, .. done.Select(m => new RiskCaseEntry(now, by, m.Item2, m.Item3))];
            return next;
        });
    }

    async Task<string[]> FlaggedTaps(DateTimeOffset now)
    {
        var taps = await grains.GetGrain<ICardHolderGrain>(GrainKeys.For(_tenantId, _case!.CardHolderId)).Transactions(200);
        return [.. (taps.Value ?? []).Where(t => t.Type == "payment" && t.Status == "approved" && t.Id != _case.PaymentId && t.At >= now - RecentTaps).Select(t => t.Id)];
    }

    static RiskCase Entry(RiskCase c, DateTimeOffset now, string by, string what, string? text, Action<RiskCase> change)
    {
        var next = Copy(c);
        change(next);
        next.History = [.. c.History, new RiskCaseEntry(now, by, what, text)];
        next.UpdatedAt = now;
        return next;
    }

    /// <summary>Applies a change (null: nothing to change) to a copy, stores it, and only then keeps it.</summary>
    async Task<Outcome<RiskCase>> Change(Func<RiskCase, RiskCase?> change)
    {
        if (_case is null) return Refusal.NotFound("The case");
        if (change(_case) is not { } next) return _case;
        await using var session = store.LightweightSession(_tenantId);
        session.Store(next);
        await session.SaveChangesAsync();
        return _case = next;
    }

    static RiskCase Copy(RiskCase c) => new()
    {
        Id = c.Id, PaymentId = c.PaymentId, CardHolderId = c.CardHolderId, CardLast4 = c.CardLast4, CardKey = c.CardKey, TerminalId = c.TerminalId,
        Amount = c.Amount, OccurredAt = c.OccurredAt, OpenedAt = c.OpenedAt, Status = c.Status, Assignee = c.Assignee, Resolution = c.Resolution,
        ClosedAt = c.ClosedAt, Hits = c.Hits, History = c.History, FlaggedPayments = c.FlaggedPayments, UpdatedAt = c.UpdatedAt,
    };
}
