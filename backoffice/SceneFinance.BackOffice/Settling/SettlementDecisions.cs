using SceneFinance.Platform.Ledger;
using SceneFinance.Platform.Storage;

namespace SceneFinance.BackOffice.Settling;

public sealed record Settle(string TenantId, DateOnly Day, IReadOnlyList<StatementLine> Lines, string PayoutId, DateTimeOffset Now);
public sealed record SetAccount(string BankName, string AccountName, string ProtectedNumber, string NumberLast4, string By, DateTimeOffset Now);
public sealed record SetFees(FeeSchedule Fees, string By, DateTimeOffset Now);
public sealed record ConfirmPayout(string PayoutId, string? BankReference, string By, DateTimeOffset Now);
public sealed record ReturnPayout(string PayoutId, string Reason, string By, DateTimeOffset Now);

/// <summary>A party's statement for one business day (fen). net = gross − refunds + funding − fee; payout + carriedOut = carriedIn + net.</summary>
[GenerateSerializer, Immutable]
public sealed record Statement(
    [property: Id(0)] string PartyId, [property: Id(1)] string PartyName, [property: Id(2)] string Kind, [property: Id(3)] DateOnly Day,
    [property: Id(4)] int GrossCount, [property: Id(5)] long Gross, [property: Id(6)] int RefundCount, [property: Id(7)] long Refunds,
    [property: Id(8)] int FundingCount, [property: Id(9)] long Funding, [property: Id(10)] int LateCount, [property: Id(11)] long Fee,
    [property: Id(12)] long Net, [property: Id(13)] long CarriedIn, [property: Id(14)] long Payout, [property: Id(15)] long CarriedOut,
    [property: Id(16)] string? PayoutId, [property: Id(17)] DateTimeOffset SettledAt);

/// <summary>A statement with its lines (per tenant; id <c>"{tenantId}:{partyId}:{yyyy-MM-dd}"</c>), inserted once with the settlement.</summary>
public sealed class StatementDocument
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string PartyId { get; set; } = "";
    public DateOnly Day { get; set; }
    public Statement Statement { get; set; } = null!;
    public List<StatementLine> Lines { get; set; } = [];

    public static string IdOf(string tenantId, string partyId, DateOnly day) => $"{tenantId}:{partyId}:{day:yyyy-MM-dd}";
}

/// <summary>The party's decisions: pure functions from state and command to events, or a refusal.</summary>
public static class SettlementDecisions
{
    public static Decided Open(SettlementParty? s, string id, string kind, string name, DateTimeOffset now) =>
        s is null ? Decided.To(new PartyOpened(id, kind, name, now)) : Decided.Nothing;

    public static Decided SetAccount(SettlementParty s, SetAccount c) =>
        s.Account is { } a && (a.BankName, a.AccountName, a.NumberLast4) == (c.BankName, c.AccountName, c.NumberLast4) && a.ProtectedNumber == c.ProtectedNumber
            ? Decided.Nothing
            : Decided.To(new SettlementAccountSet(s.Id, c.BankName, c.AccountName, c.ProtectedNumber, c.NumberLast4, c.By, c.Now));

    public static Decided SetFees(SettlementParty s, SetFees c) =>
        s.Fees == c.Fees ? Decided.Nothing
        : Decided.To(new FeeScheduleSet(s.Id, c.Fees.BasisPoints, c.Fees.MinPerTransaction, c.Fees.MinPerSettlement, c.By, c.Now));

    /// <summary>
    /// Settles a business day once. The day's lines leave the party's accounts (receivable → payable) less the fee; what is payable
    /// then (with any negative or returned payout carried in) is paid out when positive and an account is set, else carried on.
    /// A day settled before, or a day with nothing to settle, decides nothing.
    /// </summary>
    public static Decided Settle(SettlementParty s, Settle c)
    {
        if (s.SettledDays.Contains(c.Day)) return Decided.Nothing;
        var statement = StatementOf(s, c);
        if (c.Lines.Count == 0 && statement.Payout == 0) return Decided.Nothing;

        var movement = statement.Gross - statement.Refunds + statement.Funding;
        var source = Parties.SourceAccount(s.Kind, s.Id);
        var payable = SettlementAccounts.Payable(s.Id);
        var postings = new List<Posting>
        {
            movement > 0 ? new Posting(source, movement, 0) : new Posting(source, 0, -movement),
            new Posting(SettlementAccounts.FeeIncome, 0, statement.Fee),
            statement.Net > 0 ? new Posting(payable, 0, statement.Net) : new Posting(payable, -statement.Net, 0),
        };
        var settled = new PartyDaySettled(s.Id, c.Day, statement.GrossCount, statement.Gross, statement.RefundCount, statement.Refunds,
            statement.FundingCount, statement.Funding, statement.LateCount, statement.Fee, statement.Net, statement.CarriedIn, statement.Payout,
            statement.CarriedOut, c.Now, postings.Count(p => p.Debit != 0 || p.Credit != 0) >= 2 ? Journal.Balanced(postings) : []);
        var payout = statement.Payout > 0
            ? new PayoutInstructed(s.Id, c.PayoutId, c.Day, statement.Payout, s.Account!.BankName, s.Account.AccountName, s.Account.ProtectedNumber,
                s.Account.NumberLast4, c.Now, Journal.Transfer(payable, SettlementAccounts.PayoutClearing, statement.Payout))
            : null;
        return Decided.To(settled, payout).Insert(new StatementDocument
        {
            Id = StatementDocument.IdOf(c.TenantId, s.Id, c.Day), TenantId = c.TenantId, PartyId = s.Id, Day = c.Day, Statement = statement,
            Lines = [.. c.Lines],
        });
    }

    /// <summary>The statement the lines make for the party as it stands (before the day is settled).</summary>
    public static Statement StatementOf(SettlementParty s, Settle c)
    {
        var gross = c.Lines.Where(l => l.Category == LineCategories.Gross).ToList();
        var refunds = c.Lines.Where(l => l.Category == LineCategories.RefundsAndVoids).ToList();
        var funding = c.Lines.Where(l => l.Category == LineCategories.Funding).ToList();
        var fee = Fees.For(s.Fees, gross.Select(l => l.Amount).ToList());
        var net = gross.Sum(l => l.Amount) - refunds.Sum(l => l.Amount) + funding.Sum(l => l.Amount) - fee;
        var payable = s.Payable + net;
        var payout = s.Account is null ? 0 : Math.Max(0, payable);
        return new Statement(s.Id, s.Name, s.Kind, c.Day, gross.Count, gross.Sum(l => l.Amount), refunds.Count, refunds.Sum(l => l.Amount),
            funding.Count, funding.Sum(l => l.Amount), c.Lines.Count(l => l.Late), fee, net, s.Payable, payout, payable - payout,
            payout > 0 ? c.PayoutId : null, c.Now);
    }

    public static Decided Confirm(SettlementParty s, ConfirmPayout c) => s.Payouts.GetValueOrDefault(c.PayoutId) switch
    {
        null => Refusal.NotFound("The payout"),
        { Status: PayoutStatus.Paid } => Decided.Nothing,
        { Status: PayoutStatus.Instructed } p => Decided.To(new PayoutPaid(s.Id, p.Id, p.Amount, c.BankReference, c.By, c.Now,
            Journal.Transfer(SettlementAccounts.PayoutClearing, SettlementAccounts.SettlementBank, p.Amount))),
        _ => Refusal.Conflict("This payout was returned; its money goes with the next settlement run."),
    };

    public static Decided Return(SettlementParty s, ReturnPayout c) => s.Payouts.GetValueOrDefault(c.PayoutId) switch
    {
        null => Refusal.NotFound("The payout"),
        { Status: PayoutStatus.Returned } => Decided.Nothing,
        { Status: PayoutStatus.Instructed } p => Decided.To(new PayoutReturned(s.Id, p.Id, p.Amount, c.Reason, c.By, c.Now,
            Journal.Transfer(SettlementAccounts.PayoutClearing, SettlementAccounts.Payable(s.Id), p.Amount))),
        _ => Refusal.Conflict("This payout was confirmed paid."),
    };
}
