using Marten;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Storage;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.BackOffice.Settling;

/// <summary>One settlement party: its stream through the single writer; its listing and payouts' listings follow every change.</summary>
public sealed class SettlementPartyGrain(StreamWriters writers, IDocumentStore store) : Grain, ISettlementPartyGrain
{
    StreamWriter<SettlementParty> _party = null!;
    string _tenantId = "", _partyId = "";

    public override Task OnActivateAsync(CancellationToken ct)
    {
        (_tenantId, _partyId) = GrainKeys.Parse(this.GetPrimaryKeyString());
        _party = writers.For<SettlementParty>(_tenantId, $"settlement-{_tenantId}-{_partyId}", SettlementParty.Fold,
            Refusal.NotFound("The settlement party"), Follow);
        return _party.Load(ct);
    }

    /// <summary>Lists follow every decision: the party, and each payout as it stands.</summary>
    Decided Follow(SettlementParty next, Decided d) =>
        d.Upsert([Listing(next), .. next.Payouts.Values.Where(p => p.UpdatedAt == next.UpdatedAt).Select(p => Listing(next, p))]);

    async Task<PartyView> ISettlementPartyGrain.Open(string kind, string name, DateTimeOffset now)
    {
        if (_party.State is null) await _party.Start(s => SettlementDecisions.Open(s, _partyId, kind, name, now), (_, _) => true);
        return View(_party.State!);
    }

    Task<PartyView?> ISettlementPartyGrain.Get() => Task.FromResult(_party.State is { } s ? View(s) : null);

    Task<Outcome<PartyView>> ISettlementPartyGrain.SetAccount(string bankName, string accountName, string protectedNumber, string numberLast4, string by, DateTimeOffset now) =>
        _party.Write(s => SettlementDecisions.SetAccount(s, new SetAccount(bankName, accountName, protectedNumber, numberLast4, by, now)), View);

    Task<Outcome<PartyView>> ISettlementPartyGrain.SetFees(FeeSchedule fees, string by, DateTimeOffset now) =>
        _party.Write(s => SettlementDecisions.SetFees(s, new SetFees(fees, by, now)), View);

    async Task<Outcome<Statement?>> ISettlementPartyGrain.Settle(DateOnly day, IReadOnlyList<StatementLine> lines, DateTimeOffset now)
    {
        var command = new Settle(_tenantId, day, lines, Ids.Derived("po", $"{_tenantId}|{_partyId}|{day:yyyy-MM-dd}"), now);
        var outcome = await _party.Write(s => SettlementDecisions.Settle(s, command), (_, d) => d.Inserts.OfType<StatementDocument>().FirstOrDefault()?.Statement);
        if (outcome.Refusal is not null || outcome.Value is not null || !_party.State!.SettledDays.Contains(day)) return outcome;
        // Settled before (here, or by another activation that won the race): the statement as it was settled.
        await using var session = store.QuerySession(_tenantId);
        return (await session.LoadAsync<StatementDocument>(StatementDocument.IdOf(_tenantId, _partyId, day)))?.Statement;
    }

    Task<Outcome<PayoutView>> ISettlementPartyGrain.ConfirmPaid(string payoutId, string? bankReference, string by, IdempotencyTicket ticket, DateTimeOffset now) =>
        _party.Write(s => SettlementDecisions.Confirm(s, new ConfirmPayout(payoutId, bankReference, by, now)), s => View(s, s.Payouts[payoutId]), ticket, now);

    Task<Outcome<PayoutView>> ISettlementPartyGrain.Returned(string payoutId, string reason, string by, IdempotencyTicket ticket, DateTimeOffset now) =>
        _party.Write(s => SettlementDecisions.Return(s, new ReturnPayout(payoutId, reason, by, now)), s => View(s, s.Payouts[payoutId]), ticket, now);

    static PartyView View(SettlementParty s) => new(s.Id, s.Kind, s.Name, s.Account?.BankName, s.Account?.AccountName, s.Account?.Masked, s.Fees,
        s.Payable, s.SettledDays.Count == 0 ? null : s.SettledDays.Max);

    static PayoutView View(SettlementParty s, Payout p) => new(p.Id, s.Id, s.Name, p.Day, p.Amount, p.Status, p.Account.BankName, p.Account.AccountName,
        p.Account.Masked, p.BankReference, p.Reason, p.InstructedAt, p.UpdatedAt);

    PartyListing Listing(SettlementParty s) => new()
    {
        Id = $"{_tenantId}:{s.Id}", TenantId = _tenantId, PartyId = s.Id, Kind = s.Kind, Name = s.Name, View = View(s), Payable = s.Payable, UpdatedAt = s.UpdatedAt,
    };

    PayoutListing Listing(SettlementParty s, Payout p) => new()
    {
        Id = p.Id, TenantId = _tenantId, PartyId = s.Id, Day = p.Day, Status = p.Status, Amount = p.Amount, ProtectedNumber = p.Account.ProtectedNumber,
        View = View(s, p), UpdatedAt = p.UpdatedAt,
    };
}
