using System.Security.Claims;
using JasperFx;
using Marten;
using SceneFinance.Grains;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.BackOffice.Settling;

public sealed record SettlementAccountRequest(string? BankName, string? AccountName, string? AccountNumber);
public sealed record FeeScheduleRequest(int? BasisPoints, long? MinPerTransaction, long? MinPerSettlement);
public sealed record SettlementRunRequest(string? Day);
public sealed record PayoutConfirmation(string? BankReference);
public sealed record PayoutReturn(string? Reason);

public sealed record PartyList(IReadOnlyList<PartyView> Items);
public sealed record StatementList(IReadOnlyList<Statement> Items);
public sealed record StatementWithLines(Statement Statement, IReadOnlyList<StatementLine> Lines);
public sealed record PayoutList(IReadOnlyList<PayoutView> Items);
public sealed record SettlementRunList(IReadOnlyList<SettlementRunView> Items);

/// <summary>
/// The settlement slice, shared by the API routes and the shell's pages (same checks, same grains). A tenant's finance staff
/// see and keep their own parties (the merchants of the tenant and its institution); the bank's operations set fees, run
/// settlement and confirm payouts.
/// </summary>
public static class SettlementSlices
{
    public const int MaxList = 500;

    /// <summary>Every party of the tenant: its merchants and institution, opened for settlement or not yet.</summary>
    public static async Task<PartyList> Parties(ClaimsPrincipal user, IGrainFactory grains, IDocumentStore store, string tenantId)
    {
        var tenant = await user.Tenant(grains, tenantId, Roles.TenantReaders);
        await using var session = store.QuerySession(tenantId);
        var open = (await session.Query<PartyListing>().ToListAsync()).ToDictionary(p => p.PartyId, p => p.View);
        var merchants = await session.Query<MerchantListing>().OrderBy(m => m.Name).ToListAsync();
        var all = new List<PartyView>();
        if (PartyKinds.InstitutionOf(tenant.Kind) is { } kind)
            all.Add(open.GetValueOrDefault(PartyKinds.InstitutionId) ?? New(PartyKinds.InstitutionId, kind, tenant.Name));
        all.AddRange(merchants.Select(m => open.GetValueOrDefault(m.Id) ?? New(m.Id, PartyKinds.Merchant, m.Name)));
        all.AddRange(open.Values.Where(p => all.All(a => a.PartyId != p.PartyId)));
        return new PartyList(all);
    }

    static PartyView New(string id, string kind, string name) => new(id, kind, name, null, null, null, FeeSchedule.None, 0, null);

    public static async Task<Outcome<PartyView>> SetAccount(ClaimsPrincipal user, IGrainFactory grains, IDocumentStore store, AccountNumbers numbers,
        string tenantId, string partyId, SettlementAccountRequest body, DateTimeOffset now)
    {
        await user.Tenant(grains, tenantId, Access.Finance);
        var number = AccountNumbers.Normalize(body.AccountNumber);
        new Validation()
            .Text(body.BankName, "bankName", 100)
            .Text(body.AccountName, "accountName", 100)
            .Require(number is not null, "accountNumber", "accountNumber must be 8 to 32 digits.")
            .ThrowIfInvalid();
        var party = await Opened(grains, store, tenantId, partyId, now);
        return await party.SetAccount(body.BankName!.Trim(), body.AccountName!.Trim(), numbers.Protect(number!), AccountNumbers.Last4(number!), user.Name(), now);
    }

    public static async Task<Outcome<PartyView>> SetFees(ClaimsPrincipal user, IGrainFactory grains, IDocumentStore store, string tenantId, string partyId,
        FeeScheduleRequest body, DateTimeOffset now)
    {
        await user.BankTenant(grains, tenantId);
        new Validation()
            .Require(body.BasisPoints is >= 0 and <= FeeSchedule.MaxBasisPoints, "basisPoints", "basisPoints must be 0 to 10000 (1 bp = 0.01 %).")
            .Require(body.MinPerTransaction is null or (>= 0 and <= Validation.MaxAmount), "minPerTransaction", "minPerTransaction must be 0 or more fen.")
            .Require(body.MinPerSettlement is null or (>= 0 and <= Validation.MaxAmount), "minPerSettlement", "minPerSettlement must be 0 or more fen.")
            .ThrowIfInvalid();
        var party = await Opened(grains, store, tenantId, partyId, now);
        return await party.SetFees(new FeeSchedule(body.BasisPoints!.Value, body.MinPerTransaction, body.MinPerSettlement), user.Name(), now);
    }

    /// <summary>The party's grain, opened as the merchant or institution it is; another id is not found.</summary>
    static async Task<ISettlementPartyGrain> Opened(IGrainFactory grains, IDocumentStore store, string tenantId, string partyId, DateTimeOffset now)
    {
        var tenant = await grains.GetGrain<ITenantGrain>(tenantId).Get() ?? throw ProblemException.NotFound("The tenant");
        (string Kind, string Name)? found = null;
        if (partyId == PartyKinds.InstitutionId && PartyKinds.InstitutionOf(tenant.Kind) is { } kind) found = (kind, tenant.Name);
        else if (MerchantIds.IsMerchantId(partyId) && await grains.GetGrain<IMerchantGrain>(GrainKeys.For(tenantId, partyId)).Get() is { } merchant)
            found = (PartyKinds.Merchant, merchant.Name);
        if (found is not { } f) throw ProblemException.NotFound("The settlement party");
        var party = grains.GetGrain<ISettlementPartyGrain>(GrainKeys.For(tenantId, partyId));
        await party.Open(f.Kind, f.Name, now);
        return party;
    }

    public static async Task<Outcome<SettlementRunView>> Run(ClaimsPrincipal user, IGrainFactory grains, IDocumentStore store, SettlementRuns runs,
        string tenantId, string? day, string key, DateTimeOffset now)
    {
        await user.BankTenant(grains, tenantId);
        var date = Access.Day(day);
        // The run is idempotent by its nature (each party settles a day once); the key only replays the first answer.
        var ticket = IdempotencyTicket.For($"{user.Name()}|settlement-run", key, date);
        if (await StoredOutcomes.Find<SettlementRunView>(store, tenantId, ticket) is { } answered) return answered;
        var outcome = await runs.Run(tenantId, date, user.Name(), now);
        if (outcome.Refusal is not null) return outcome;
        await using var session = store.LightweightSession(tenantId);
        session.Insert(StoredOutcomes.Record(ticket, outcome.Value, now));
        try { await session.SaveChangesAsync(); } catch (DocumentAlreadyExistsException) { } // the same request twice at once: same answer
        return outcome;
    }

    public static async Task<SettlementRunList> Runs(ClaimsPrincipal user, IGrainFactory grains, IDocumentStore store, string tenantId)
    {
        await user.Tenant(grains, tenantId, Roles.TenantReaders);
        await using var session = store.QuerySession(tenantId);
        return new SettlementRunList((await session.Query<SettlementRunListing>().OrderByDescending(r => r.Day).Take(MaxList).ToListAsync()).Select(r => r.View).ToList());
    }

    public static async Task<StatementList> Statements(ClaimsPrincipal user, IGrainFactory grains, IDocumentStore store, string tenantId, string? partyId, int? limit)
    {
        await user.Tenant(grains, tenantId, Roles.TenantReaders);
        new Validation().Require(limit is null or (>= 1 and <= MaxList), "limit", "limit must be between 1 and 500.").ThrowIfInvalid();
        await using var session = store.QuerySession(tenantId);
        var query = session.Query<StatementDocument>().AsQueryable();
        if (partyId is not null) query = query.Where(s => s.PartyId == partyId);
        var found = await query.OrderByDescending(s => s.Day).ThenBy(s => s.PartyId).Take(limit ?? 50).ToListAsync();
        return new StatementList(found.Select(s => s.Statement).ToList());
    }

    public static async Task<Outcome<StatementWithLines>> Statement(ClaimsPrincipal user, IGrainFactory grains, IDocumentStore store, string tenantId, string partyId, string day)
    {
        await user.Tenant(grains, tenantId, Roles.TenantReaders);
        await using var session = store.QuerySession(tenantId);
        return await session.LoadAsync<StatementDocument>(StatementDocument.IdOf(tenantId, partyId, Access.Day(day))) is { } s
            ? new StatementWithLines(s.Statement, s.Lines) : Refusal.NotFound("The statement");
    }

    public static async Task<PayoutList> Payouts(ClaimsPrincipal user, IGrainFactory grains, IDocumentStore store, string tenantId, string? partyId, DateOnly? day)
    {
        await user.Tenant(grains, tenantId, Roles.TenantReaders);
        await using var session = store.QuerySession(tenantId);
        var query = session.Query<PayoutListing>().AsQueryable();
        if (partyId is not null) query = query.Where(p => p.PartyId == partyId);
        if (day is { } d) query = query.Where(p => p.Day == d);
        return new PayoutList((await query.OrderByDescending(p => p.Day).ThenBy(p => p.PartyId).Take(MaxList).ToListAsync()).Select(p => p.View).ToList());
    }

    public static async Task<Outcome<PayoutView>> Confirm(ClaimsPrincipal user, IGrainFactory grains, IDocumentStore store, string tenantId, string payoutId,
        PayoutConfirmation body, string key, DateTimeOffset now)
    {
        await user.BankTenant(grains, tenantId);
        new Validation().Require(body.BankReference is null || body.BankReference.Length <= 64, "bankReference", "bankReference is at most 64 characters.").ThrowIfInvalid();
        var payout = await Payout(store, tenantId, payoutId);
        var ticket = IdempotencyTicket.For($"{user.Name()}|payout-paid", key, payoutId, body.BankReference);
        return await grains.GetGrain<ISettlementPartyGrain>(GrainKeys.For(tenantId, payout.PartyId)).ConfirmPaid(payoutId, body.BankReference, user.Name(), ticket, now);
    }

    public static async Task<Outcome<PayoutView>> Return(ClaimsPrincipal user, IGrainFactory grains, IDocumentStore store, string tenantId, string payoutId,
        PayoutReturn body, string key, DateTimeOffset now)
    {
        await user.BankTenant(grains, tenantId);
        new Validation().Text(body.Reason, "reason", 200).ThrowIfInvalid();
        var payout = await Payout(store, tenantId, payoutId);
        var ticket = IdempotencyTicket.For($"{user.Name()}|payout-returned", key, payoutId, body.Reason);
        return await grains.GetGrain<ISettlementPartyGrain>(GrainKeys.For(tenantId, payout.PartyId)).Returned(payoutId, body.Reason!, user.Name(), ticket, now);
    }

    static async Task<PayoutListing> Payout(IDocumentStore store, string tenantId, string payoutId)
    {
        await using var session = store.QuerySession(tenantId);
        return await session.LoadAsync<PayoutListing>(payoutId) is { TenantId: var t } p && t == tenantId ? p : throw ProblemException.NotFound("The payout");
    }
}
