using Marten;
using SceneFinance.BackOffice.DayEnd;
using SceneFinance.BackOffice.Ledger;
using SceneFinance.Grains;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.BackOffice.Settling;

/// <summary>
/// A settlement run for a tenant's closed business day: each party's lines are read from the day's money events (fixed since
/// the close) and each party's grain settles its day once. A run interrupted anywhere (a crash, a kill) is simply run again:
/// the parties settled already answer their statement, the others settle now; nothing is paid twice.
/// </summary>
public sealed class SettlementRuns(IGrainFactory grains, IDocumentStore store, LedgerWindow ledger)
{
    public async Task<Outcome<SettlementRunView>> Run(string tenantId, DateOnly day, string by, DateTimeOffset now)
    {
        if (await grains.GetGrain<ITenantGrain>(tenantId).Get() is not { } tenant) return Refusal.NotFound("The tenant");
        var dayEnd = grains.GetGrain<IDayEndGrain>(DayEndGrain.KeyOf(tenantId));
        var status = await dayEnd.Status(now);
        if (status.Days.FirstOrDefault(d => d.Day == day) is not { } closed)
            return Refusal.Conflict($"Close the business day {day:yyyy-MM-dd} before settling it.");
        if (status.Days.FirstOrDefault(d => d.Day < day && !d.Settled) is { } earlier)
            return Refusal.Conflict($"Settle {earlier.Day:yyyy-MM-dd} first: days settle in order, so that what is carried is carried forward.");

        var events = await ledger.Read(tenantId, closed.From, closed.Cut);
        var statements = new List<Statement>();
        foreach (var (partyId, kind, name, owed) in await PartiesOf(tenantId, tenant))
        {
            var lines = events.Select(e => Parties.Classify(kind, partyId, e, closed.From)).OfType<StatementLine>().ToList();
            if (lines.Count == 0 && !owed) continue;
            var party = grains.GetGrain<ISettlementPartyGrain>(GrainKeys.For(tenantId, partyId));
            await party.Open(kind, name, now);
            var settled = await party.Settle(day, lines, now);
            if (settled.Refusal is { } refusal) return refusal;
            if (settled.Value is { } statement) statements.Add(statement);
        }

        var view = new SettlementRunView(tenantId, day, statements.Count, statements.Sum(s => s.Gross), statements.Sum(s => s.Refunds),
            statements.Sum(s => s.Funding), statements.Sum(s => s.Fee), statements.Sum(s => s.Net), statements.Count(s => s.Payout > 0),
            statements.Sum(s => s.Payout), statements.Sum(s => s.CarriedOut), now, by);
        await using (var session = store.LightweightSession(tenantId))
        {
            var id = SettlementRunListing.IdOf(tenantId, day);
            // A run again keeps the first run's time and person: the figures are the same.
            var first = await session.LoadAsync<SettlementRunListing>(id);
            if (first is not null) view = view with { RanAt = first.View.RanAt, RanBy = first.View.RanBy };
            session.Store(new SettlementRunListing { Id = id, TenantId = tenantId, Day = day, View = view, RanAt = view.RanAt });
            await session.SaveChangesAsync();
        }
        var completed = await dayEnd.SettlementCompleted(day, view.Statements, view.Payouts, view.Fees, now);
        return completed.Refusal is { } r ? r : view;
    }

    /// <summary>The tenant's merchants, its institution (a school or hospital), and every party still owed something.</summary>
    async Task<IReadOnlyList<(string Id, string Kind, string Name, bool Owed)>> PartiesOf(string tenantId, TenantView tenant)
    {
        await using var session = store.QuerySession(tenantId);
        var merchants = await session.Query<MerchantListing>().OrderBy(m => m.Id).ToListAsync();
        var owed = (await session.Query<PartyListing>().Where(p => p.Payable > 0).ToListAsync()).ToDictionary(p => p.PartyId);
        var parties = merchants.Select(m => (m.Id, PartyKinds.Merchant, m.Name, owed.ContainsKey(m.Id))).ToList();
        if (PartyKinds.InstitutionOf(tenant.Kind) is { } institution)
            parties.Add((PartyKinds.InstitutionId, institution, tenant.Name, owed.ContainsKey(PartyKinds.InstitutionId)));
        parties.AddRange(owed.Values.Where(p => parties.All(x => x.Item1 != p.PartyId)).Select(p => (p.PartyId, p.Kind, p.Name, true)));
        return parties;
    }
}
